import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { expectAccessible, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { launchAs } from '../support/lti';
import { addTopics, buildSession, configure, countRows, countStatements } from './helpers';

/** A participant lives a whole Instant in chromium; every page passes axe-core with no serious or critical violation. */
describe('activities: in the browser (chromium)', function () {
  this.timeout(180_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());


  it('launches from Moodle, opens a resource, checks in, self-positions, answers the quiz across a reload and completes the session', async () => {
    const organiser = await signIn(t, { role: 'organiser', contextId: 'course-browser' });
    const { session, resources } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, title: 'Instant OpenStreetMap' });
    await configure(t.database.db, session.id, [{ kind: 'self-positioning', required: true }, { kind: 'quiz', required: true }, { kind: 'needs' }, { kind: 'satisfaction' }]);
    await addTopics(t.database.db);
    const screen = await (await organiser.browser.get(`/organiser/sessions/${session.id}/checkin`)).text();
    const code = /<p class="display-3[^>]*>([A-Z0-9]{6})<\/p>/.exec(screen)![1]!;

    // The real LTI 1.3 launch through the platform simulator lands on the session page.
    const participant = await launchAs(t, { role: 'participant', sessionId: session.id, contextId: 'course-browser', name: 'Camille Participante' });
    expect(participant.location).to.equal(`/sessions/${session.id}`);
    expect(participant.response.status).to.equal(200);
    await withPage(
      t,
      async (page, context) => {
        await page.goto(`/sessions/${session.id}`);
        await expect(page.locator('h1')).to.exist;
        expect(await page.locator('h1').textContent()).to.equal('Instant OpenStreetMap');
        await expectAccessible(page, 'session page');

        // The resource opens in a new tab through our tracking redirect (the outside site itself is blocked in tests).
        const popup = context.waitForEvent('page');
        await page.getByRole('link', { name: /Le site OpenStreetMap/ }).click();
        await (await popup).close();
        await page.reload();
        expect(await page.getByText('Consultée').count()).to.equal(1);
        expect(await countStatements(t.database.db, 'experienced')).to.be.greaterThan(0);
        expect(resources).to.have.length(1);

        await page.getByRole('link', { name: /saisir le code/ }).click();
        await expectAccessible(page, 'check-in page');
        await page.getByLabel('Code affiché dans la salle').fill('WRONG2');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Valider ma présence' }).click()]);
        expect(await page.getByText("Ce code n'est pas le bon.").count()).to.equal(1);
        await expectAccessible(page, 'check-in page with an error');
        await page.getByLabel('Code affiché dans la salle').fill(code.toLowerCase());
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Valider ma présence' }).click()]);
        await page.getByText('Présence enregistrée le').waitFor({ timeout: 10_000 }).catch(async () => {
          throw new Error(`not checked in: ${page.url()} ${(await page.locator('main').innerText()).slice(0, 500)}`);
        });

        // The check-in's confirmation leads back to the session and its activities.
        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Voir la session et ses activités' }).click()]);
        await page.getByRole('link', { name: 'Auto-positionnement' }).click();
        await expectAccessible(page, 'self-positioning page');
        const forms = page.locator('form[action$="/positioning"]');
        expect(await forms.count()).to.equal(4);
        await forms.first().getByLabel(/Je maîtrise/).check();
        // Each answer is a form post and a redirect: wait for it before acting on the next page.
        await Promise.all([page.waitForNavigation(), forms.first().getByRole('button').click()]);
        // Reload midway: the saved answer stays, the others are still to answer.
        await page.reload();
        expect(await page.locator('form[action$="/positioning"]').count()).to.equal(3);
        for (let i = 0; i < 3; i++) {
          const form = page.locator('form[action$="/positioning"]').first();
          await form.getByLabel(/Je sais faire en autonomie/).check();
          await Promise.all([page.waitForNavigation(), form.getByRole('button').click()]);
        }
        expect(await page.getByText('votre auto-positionnement est complet').count()).to.equal(1);

        await page.goto(`/sessions/${session.id}/quiz`);
        await expectAccessible(page, 'quiz page');
        const q1 = page.locator('#question-q1');
        await q1.getByLabel('Tout le monde').check();
        await q1.getByLabel(/degré de certitude/).selectOption('4');
        await Promise.all([page.waitForNavigation(), q1.getByRole('button').click()]);
        await page.reload();
        expect(await page.getByText('Oui : une carte collaborative.').count()).to.equal(1);
        const q2 = page.locator('#question-q2');
        await q2.getByLabel('ODbL').check();
        await q2.getByLabel('Données ouvertes').check();
        await q2.getByLabel(/degré de certitude/).selectOption('3');
        await Promise.all([page.waitForNavigation(), q2.getByRole('button').click()]);
        expect(await page.getByText('Score : 2 sur 2.').count()).to.equal(1);
        await expectAccessible(page, 'quiz page when done');

        await page.goto(`/sessions/${session.id}`);
        expect(await page.getByText(/Session terminée le/).count()).to.equal(1);
        await expectAccessible(page, 'completed session page');

        // Text typed but not sent yet survives a reload (kept in the tab until the form is sent).
        await page.goto(`/sessions/${session.id}/satisfaction`);
        await page.getByLabel('Un commentaire ? (facultatif)').fill('Très concret, merci');
        await page.getByLabel('4', { exact: true }).check();
        await page.reload();
        expect(await page.getByLabel('Un commentaire ? (facultatif)').inputValue()).to.equal('Très concret, merci');
        expect(await page.getByLabel('4', { exact: true }).isChecked()).to.equal(true);
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Envoyer' }).click()]);
        expect(await page.getByText('Merci pour votre avis.').count()).to.equal(1);

        for (const path of [`/sessions/${session.id}/needs`, `/sessions/${session.id}/satisfaction`, '/me/sessions', '/me/offers']) {
          await page.goto(path);
          await expectAccessible(page, path);
        }
        await page.goto('/me/offers');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Envoyer' }).click()]);
        await expectAccessible(page, 'offers form with errors');
      },
      { signedIn: participant.browser },
    );
    expect(await countRows(t.database.db, 'activity_session_completions')).to.equal(1);
    expect(await countStatements(t.database.db, 'attended')).to.equal(1);
  });

  it('organiser pages of the activities slice pass axe-core', async () => {
    const organiser = await signIn(t, { role: 'organiser', contextId: 'course-browser-2' });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef });
    await configure(t.database.db, session.id, [{ kind: 'quiz' }, { kind: 'needs' }]);
    await signIn(t, { sessionId: session.id, contextId: 'course-browser-2', name: 'Alex Participant' });
    await withPage(
      t,
      async (page) => {
        for (const path of [`/organiser/sessions/${session.id}/activities`, `/organiser/sessions/${session.id}/checkin`, `/organiser/sessions/${session.id}/participants`, '/organiser/offers', '/organiser/wishes']) {
          await page.goto(path);
          await expectAccessible(page, path);
        }
        // The quiz's text format, imported into the editor, then saved.
        await page.goto(`/organiser/sessions/${session.id}/activities`);
        await page.getByText('Format texte : importer ou exporter').click();
        await page.getByLabel('Texte à importer').fill('? Sans réponse juste\n- a\n- b');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Remplacer les questions par ce texte' }).click()]);
        expect(await page.getByText('indiquez au moins une bonne réponse').count()).to.be.greaterThan(0);
        await expectAccessible(page, 'activities form with errors');
        await page.getByLabel('Texte à importer').fill('? Qui peut modifier OpenStreetMap ? [2.3]\n* Tout le monde | Oui.\n- Personne | Non.');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Remplacer les questions par ce texte' }).click()]);
        await page.getByLabel('Seuil de réussite (%)').fill('80');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer', exact: true }).click()]);
        expect(await page.getByText('Activités enregistrées.').count()).to.equal(1);
        expect(await page.getByLabel('Seuil de réussite (%)').inputValue()).to.equal('80');
      },
      { signedIn: organiser.browser },
    );
  });
});
