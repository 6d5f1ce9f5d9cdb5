import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { catalogSeries, catalogSessions } from '../../src/catalog/catalog.tables';
import { eq } from 'drizzle-orm';
import { buildSession } from '../activities/helpers';
import { createTestApp, type TestApp } from '../support/app';
import { checkA11y, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { createBadge, type Person } from './helpers';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');
const about = (name: string) => ({ name, description: `À propos de ${name}.`, criteria: `Critère de ${name} : avoir achevé.` });

/**
 * What a session and a series award, from the catalogue: a read-only page for participants and organisers
 * (`/sessions/:id/badges`, `/series/:id/badges`), linked from the participant's session page when there is
 * something to earn, and from the organiser's session and series pages.
 */
describe('badges: what a session and a series award, seen from the catalogue', function () {
  this.timeout(240_000);
  let t: TestApp;
  let A: Person;
  let learner: Person;
  let ids: { session: string; other: string; draft: string; bare: string; series: string };

  before(async () => {
    t = await createTestApp();
    const db = t.database.db;
    A = await signIn(t, { role: 'organiser', contextId: 'earn-course-A' });
    const [series] = await db.insert(catalogSeries).values({ title: 'Cycle Tchap', ownerContextRef: A.contextRef }).returning();
    const { session } = await buildSession(db, { title: 'Tchap pour commencer', ownerContextRef: A.contextRef });
    const { session: other } = await buildSession(db, { title: 'Tchap pour aller plus loin', ownerContextRef: A.contextRef });
    const { session: draft } = await buildSession(db, { title: 'Tchap en brouillon', ownerContextRef: A.contextRef, status: 'draft' });
    const { session: bare } = await buildSession(db, { title: 'Session sans badge', ownerContextRef: A.contextRef });
    for (const s of [session, other, draft]) await db.update(catalogSessions).set({ seriesId: series!.id }).where(eq(catalogSessions.id, s.id));
    ids = { session: session.id, other: other.id, draft: draft.id, bare: bare.id, series: series!.id };
    const own = await createBadge(A, { ...about('Premiers pas sur Tchap'), rule_kind: 'session-completed', session_id: session.id, competences: ['crcn:2.1'] });
    await createBadge(A, { ...about('Assidu du cycle Tchap'), rule_kind: 'sessions-count', count: '2', series_id: series!.id });
    await createBadge(A, { ...about('Plus loin sur Tchap'), rule_kind: 'session-completed', session_id: other.id });
    await createBadge(A, { ...about('Badge du brouillon'), rule_kind: 'session-completed', session_id: draft.id });
    const archived = await createBadge(A, { ...about('Ancien badge Tchap'), rule_kind: 'session-completed', session_id: session.id });
    await db.execute(sql`update badge_classes set archived = true where id = ${archived}::uuid`);
    learner = await signIn(t, { role: 'participant', contextId: 'earn-course-A', resourceLinkId: `earn-${session.id}`, sessionId: session.id, name: 'Lou Apprenante' });
    // Earned by hand, so that the page can say so.
    const page = await (await A.browser.get(`/organiser/badges/${own}`)).text();
    expect((await A.browser.postForm(`/organiser/badges/${own}/award`, { _csrf: csrfTokenFrom(page), user_id: learner.userId, reason: 'A présenté Tchap' })).status).to.equal(303);
  });
  after(async () => t?.close());

  it('shows a participant what the session awards: its own badges and its series’, with criteria and rule, marking the one they hold', async () => {
    const res = await learner.browser.get(`/sessions/${ids.session}/badges`);
    expect(res.status).to.equal(200);
    const page = text(await res.text());
    expect(page).to.contain('Badges de la session « Tchap pour commencer »');
    expect(page).to.contain('Premiers pas sur Tchap').and.contain('Critère de Premiers pas sur Tchap').and.contain('Achever la session « Tchap pour commencer »');
    expect(page).to.contain('Assidu du cycle Tchap').and.contain('Achever 2 sessions de la série « Cycle Tchap »');
    expect(page).to.contain('Compétences : 2.1 Interagir');
    expect(/Premiers pas sur Tchap\s*Obtenu/.test(page), 'held badge marked').to.equal(true);
    expect(/Assidu du cycle Tchap\s*Obtenu/.test(page)).to.equal(false);
    expect(page).not.to.contain('Ancien badge Tchap').and.not.to.contain('Plus loin sur Tchap').and.not.to.contain('Badge du brouillon');
    expect(page).not.to.contain('Gérer ces badges');
    expect(page).to.contain('Badges de la série « Cycle Tchap »');
  });

  it('links the participant’s session page to its badges only when there is one to earn, with a real plural', async () => {
    const page = text(await (await learner.browser.get(`/sessions/${ids.session}`)).text());
    expect(page).to.contain('2 badges à obtenir avec cette session');
    const bare = await signIn(t, { role: 'participant', contextId: 'earn-course-A', resourceLinkId: `earn-${ids.bare}`, sessionId: ids.bare });
    const html = await (await bare.browser.get(`/sessions/${ids.bare}`)).text();
    expect(html).not.to.contain(`/sessions/${ids.bare}/badges`);
    expect(text(await (await bare.browser.get(`/sessions/${ids.bare}/badges`)).text())).to.contain("Aucun badge n'est proposé ici pour l'instant.");
  });

  it('shows what a series awards: its badges and those of its published sessions, never a draft’s', async () => {
    const res = await learner.browser.get(`/series/${ids.series}/badges`);
    expect(res.status).to.equal(200);
    const page = text(await res.text());
    expect(page).to.contain('Badges de la série « Cycle Tchap »');
    expect(page).to.contain('Premiers pas sur Tchap').and.contain('Assidu du cycle Tchap').and.contain('Plus loin sur Tchap');
    expect(page).not.to.contain('Badge du brouillon').and.not.to.contain('Ancien badge Tchap');
  });

  it('answers 404 for a draft’s badges to a participant but shows them to its organiser, with the way to manage them', async () => {
    expect((await learner.browser.get(`/sessions/${ids.draft}/badges`)).status).to.equal(404);
    const res = await A.browser.get(`/sessions/${ids.draft}/badges`);
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(text(html)).to.contain('Badge du brouillon');
    expect(html).to.contain(`href="/organiser/badges?session=${ids.draft}"`);
    expect(await (await A.browser.get(`/series/${ids.series}/badges`)).text()).to.contain(`href="/organiser/badges?series=${ids.series}"`);
  });

  it('answers unknown sessions and series with a 404 in French, and nobody without a launch with a 401', async () => {
    for (const path of ['/sessions/00000000-0000-4000-8000-000000000000/badges', '/sessions/pas-une-session/badges', '/series/00000000-0000-4000-8000-000000000000/badges', '/series/%F0%9F%98%80/badges']) {
      const res = await learner.browser.get(path);
      expect(res.status, path).to.equal(404);
      expect(await res.text(), path).to.contain('lang="fr"');
    }
    expect(text(await (await learner.browser.get('/series/00000000-0000-4000-8000-000000000000/badges')).text())).to.contain("Cette série n'existe pas.");
    for (const path of [`/sessions/${ids.session}/badges`, `/series/${ids.series}/badges`]) expect((await new Browser(t.url).get(path)).status, path).to.equal(401);
  });

  it('links the organiser’s session and series pages to their badges, and starts a new badge with that session chosen', async () => {
    const session = await (await A.browser.get(`/organiser/sessions/${ids.session}`)).text();
    expect(session).to.contain(`href="/organiser/badges?session=${ids.session}"`).and.contain(`href="/sessions/${ids.session}/badges"`);
    const series = await (await A.browser.get(`/organiser/series/${ids.series}`)).text();
    expect(series).to.contain(`href="/organiser/badges?series=${ids.series}"`).and.contain(`href="/series/${ids.series}/badges"`);
    const list = await (await A.browser.get(`/organiser/badges?session=${ids.session}`)).text();
    expect(list).to.contain(`href="/organiser/badges/new?session=${ids.session}"`);
    const form = await (await A.browser.get(`/organiser/badges/new?session=${ids.session}`)).text();
    expect(form).to.match(new RegExp(`<option value="${ids.session}"[^>]*selected`));
    const linking = await signIn(t, { role: 'organiser', contextId: 'earn-course-B', resourceLinkId: `earn-b-${ids.session}`, sessionId: ids.session });
    expect(await (await linking.browser.get(`/organiser/sessions/${ids.session}`)).text()).to.contain(`href="/sessions/${ids.session}/badges"`);
  });

  it('has an accessible badges page (axe, WCAG AA) that fits a 360 px screen', async () => {
    await withPage(
      t,
      async (page: Page) => {
        await page.goto(`/sessions/${ids.session}/badges`);
        const violations = await checkA11y(page);
        expect(violations, JSON.stringify(violations, null, 1)).to.deep.equal([]);
        await page.setViewportSize({ width: 360, height: 740 });
        expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.be.at.most(0);
      },
      { signedIn: learner.browser },
    );
  });
});
