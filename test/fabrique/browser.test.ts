import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import type { Browser as PwBrowser, BrowserContext, Page } from 'playwright-core';
import { fabriqueMembers, fabriqueProjects } from '../../src/fabrique/fabrique.tables';
import { createTestApp, type TestApp } from '../support/app';
import { addSignedInCookies, checkA11y, launchChromium } from '../support/browser';
import { inDirectory, person, post, proposal, type Person } from './helpers';

/**
 * The whole cycle of la Fabrique in chromium: a participant proposes from an emerging need, the committee
 * frames and selects, the facilitator finds two consenting people in the directory and invites them, one
 * accepts and one declines, the project moves to construction, the board shows it (and not the one who
 * declined); withdrawing consent removes a person from searches at once. Every page passes axe-core.
 */
describe('fabrique: the whole cycle in the browser (chromium)', function () {
  this.timeout(240_000);
  let t: TestApp;
  let chromium: PwBrowser;
  const contexts: BrowserContext[] = [];
  before(async () => {
    t = await createTestApp();
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await t?.close();
  });

  async function pageAs(p: Person, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await chromium.newContext({ locale: 'fr-FR', baseURL: t.url, viewport });
    await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
    await addSignedInCookies(context, t, p.browser);
    contexts.push(context);
    return context.newPage();
  }
  async function accessible(page: Page, what: string) {
    const violations = await checkA11y(page);
    expect(violations, `${what}: ${JSON.stringify(violations, null, 1)}`).to.deep.equal([]);
  }
  async function submit(page: Page, name: string | RegExp) {
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).first().click()]);
  }
  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('runs from a need to a project in construction on the board, with consent respected at every step', async () => {
    const participant = await person(t, { name: 'Camille Proposante', givenName: 'Camille', service: 'DSDEN 21' });
    const admin = await person(t, { role: 'organiser', isAdmin: true, name: 'Dominique Comité' });
    const facilitator = await person(t, { name: 'Fanny Facilitatrice', givenName: 'Fanny', service: 'DANE' });
    const yes = await person(t, { name: 'Olivier Volontaire', givenName: 'Olivier', service: 'DSI' });
    const no = await person(t, { name: 'Noémie Déclinante', givenName: 'Noémie', service: 'DAFPIC' });
    const never = await person(t, { name: 'Nadia Sans Accord', givenName: 'Nadia', service: 'DSI' });
    await inDirectory(t, facilitator.userId, { tools: ['Agilité'] });
    await inDirectory(t, yes.userId, { tools: ['Radio'], skills: [{ code: '3.2', level: 6 }] });
    await inDirectory(t, no.userId, { tools: ['Radio'] });
    await inDirectory(t, never.userId, { tools: ['Radio'], optedIn: false });
    await post(admin.browser, '/fabrique/proposals/new', proposal({ title: 'Une radio pour les lycées' }));

    // 1. The participant proposes from an emerging need (the dashboard's link), seeing a similar proposal while typing.
    const p1 = await pageAs(participant);
    await p1.goto('/fabrique');
    await accessible(p1, 'Fabrique home');
    await p1.goto('/fabrique/proposals/new?needType=tool&needLabel=Webradio&needKey=webradio');
    expect(await p1.getByText('Cette proposition part du besoin émergent « Webradio ».').count()).to.equal(1);
    await p1.getByLabel('Titre').fill('Une radio pour les collèges');
    await p1.locator('#similar a', { hasText: 'Une radio pour les lycées' }).waitFor({ timeout: 10_000 });
    await accessible(p1, 'proposal form with similar proposals');
    await p1.getByLabel('Le problème').fill('Les collèges veulent une webradio sans savoir par où commencer.');
    await p1.getByLabel('À qui cela servirait').fill('Élèves et équipes éducatives.');
    await p1.getByLabel('Services concernés').fill('DANE, DSI');
    await p1.getByLabel('Le résultat souhaité').fill('Un kit prêt à l’emploi.');
    await submit(p1, 'Envoyer la proposition');
    expect(await p1.getByText('Proposition enregistrée.').count()).to.equal(1);
    await accessible(p1, 'proposal page');
    const [project] = await t.database.db.select().from(fabriqueProjects).where(eq(fabriqueProjects.title, 'Une radio pour les collèges'));
    expect(project!.fromNeed).to.deep.equal({ type: 'tool', label: 'Webradio', key: 'webradio' });

    // 2. The committee frames the project (Fanny facilitates) and selects it with a reason.
    const c = await pageAs(admin);
    await c.goto('/fabrique/committee');
    await accessible(c, 'committee home');
    await c.goto(`/fabrique/projects/${project!.id}/framing`);
    await c.locator('#objectives').fill('Un kit testé dans trois collèges.');
    await c.locator('#resources').fill('Deux jours de la DANE, un studio mobile.');
    await c.locator('#timeboxKind').selectOption('weekly');
    await c.getByLabel('Nombre de semaines').fill('8');
    await c.locator('#facilitatorId').selectOption({ label: 'Fanny Facilitatrice (DANE)' });
    await c.getByLabel("Mesure d'impact").fill('Collèges qui diffusent');
    await c.locator('#impactTarget').fill('10');
    await c.getByLabel('Livrable 1', { exact: true }).fill('Kit de démarrage');
    await c.getByLabel('Échéance du livrable 1').fill('2030-02-01');
    await accessible(c, 'framing form');
    await submit(c, 'Valider le cadrage');
    expect(await c.getByText('Cadrage validé.').count()).to.equal(1);
    await c.getByLabel('Retenir : le projet entre en investigation').check();
    await c.getByLabel('Raison de la décision').fill('Trois services le demandent.');
    await submit(c, 'Enregistrer la décision');
    expect(await c.getByText('Proposition retenue : le projet entre en investigation.').count()).to.equal(1);
    await accessible(c, 'selected project page');

    // The proposer reads the decision and its reason (in the decision and in the history).
    await p1.reload();
    expect(await p1.locator('.alert', { hasText: 'Retenue par le comité le' }).getByText('Trois services le demandent.').count()).to.equal(1);

    // 3. Fanny accepts to facilitate, then finds the two consenting people (not the third) and invites them.
    const f = await pageAs(facilitator);
    await f.goto('/fabrique/me/teams');
    await accessible(f, 'invitations');
    await f.getByLabel('Heures que je m\'engage à donner').fill('20');
    await submit(f, /^Accepter/);
    await f.goto('/fabrique/directory');
    await f.getByLabel('Outil').fill('Radio');
    await submit(f, 'Chercher');
    expect(await f.getByRole('heading', { name: '2 personnes' }).count()).to.equal(1);
    expect(await f.getByText('Nadia Sans Accord').count()).to.equal(0);
    await accessible(f, 'directory search');
    for (const name of ['Olivier Volontaire', 'Noémie Déclinante']) {
      const card = f.locator('section', { has: f.getByRole('heading', { name: new RegExp(name) }) });
      await card.locator('summary').click();
      await card.getByLabel('Temps demandé').fill('un jour par semaine pendant 8 semaines');
      await Promise.all([f.waitForNavigation(), card.getByRole('button', { name: "Envoyer l'invitation" }).click()]);
      await f.goBack();
      await f.reload();
    }
    expect(await t.database.db.select().from(fabriqueMembers).where(eq(fabriqueMembers.projectId, project!.id))).to.have.length(3);

    // 4. Olivier accepts (and agrees to be shown), Noémie declines.
    const o = await pageAs(yes, { width: 360, height: 780 });
    await o.goto('/fabrique/me/teams');
    expect(await noSideScroll(o), 'invitations at 360 px').to.equal(true);
    await o.getByLabel('Heures que je m\'engage à donner').fill('12');
    await o.getByLabel('Montrer mon prénom et mon service sur le tableau des projets').check();
    await submit(o, /^Accepter/);
    expect(await o.getByText("Bienvenue dans l'équipe.").count()).to.equal(1);
    const n = await pageAs(no);
    await n.goto('/fabrique/me/teams');
    await submit(n, /^Décliner/);

    // 5. The committee holds the review: the project moves to construction.
    await c.goto(`/fabrique/projects/${project!.id}/review`);
    await accessible(c, 'review form');
    await c.locator('#to').selectOption('construction');
    await c.getByLabel('Note de revue').fill('Investigation concluante.');
    await submit(c, 'Enregistrer la revue');
    expect(await c.getByText('Revue enregistrée.').count()).to.equal(1);

    // 6. The board, on a phone and on a big screen, shows the project in construction with Olivier, not Noémie.
    const b = await pageAs(participant, { width: 360, height: 780 });
    await b.goto('/fabrique/board');
    const column = b.locator('section', { has: b.getByRole('heading', { name: /^Construction/ }) });
    expect(await column.getByText('Une radio pour les collèges').count()).to.equal(1);
    expect(await column.getByText('Olivier (DSI)').count()).to.equal(1);
    expect(await b.getByText('Noémie').count()).to.equal(0);
    expect(await noSideScroll(b), 'board at 360 px').to.equal(true);
    await accessible(b, 'board');
    const k = await pageAs(participant, { width: 1920, height: 1080 });
    await k.goto('/fabrique/board/kiosk');
    expect(await k.locator('[data-slide]:not([hidden])').count()).to.equal(1);
    await accessible(k, 'kiosque');

    // 7. Olivier withdraws his consent: he is gone from the directory at once.
    await o.goto('/fabrique/me/directory');
    await accessible(o, 'directory entry');
    await submit(o, 'Retirer mon accord maintenant');
    expect(await o.getByText('Accord retiré').count()).to.equal(1);
    await f.goto('/fabrique/directory?tool=Radio');
    expect(await f.getByText('Olivier Volontaire').count()).to.equal(0);
    expect(await f.getByRole('heading', { name: '1 personne' }).count()).to.equal(1);

    await f.goto(`/fabrique/projects/${project!.id}/team`);
    await accessible(f, 'team page');
    for (const context of contexts) await context.close();
  });
});
