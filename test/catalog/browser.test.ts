import { expect } from 'chai';
import { searchSessions } from '../../src/catalog';
import { createTestApp, type TestApp } from '../support/app';
import { checkA11y, withPage } from '../support/browser';
import { signIn } from '../support/factories';

describe('catalog: in chromium, an organiser creates and publishes a session with a quiz', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('creates a session through the form (after fixing errors), publishes it, adds a quiz and a resource, and every page passes axe', async () => {
    const organiser = await signIn(t, { role: 'organiser', contextId: 'course-browser', contextTitle: 'Instants numériques du rectorat' });
    const violations: Record<string, unknown[]> = {};
    await withPage(
      t,
      async (page) => {
        await page.goto('/organiser');
        violations.home = await checkA11y(page);
        await page.getByRole('link', { name: 'Nouvelle session' }).click();
        await page.waitForURL('**/organiser/sessions/new');
        violations.newForm = await checkA11y(page);

        await page.getByRole('button', { name: 'Créer la session' }).click();
        await page.getByText('Le formulaire contient des erreurs').waitFor();
        expect(await page.locator('#title-error').textContent()).to.equal('Ce champ est obligatoire.');
        expect(await page.getByRole('textbox', { name: 'Titre', exact: true }).getAttribute('aria-invalid')).to.equal('true');
        violations.formWithErrors = await checkA11y(page);

        await page.getByRole('textbox', { name: 'Titre', exact: true }).fill('Cartographier avec OpenStreetMap');
        await page.getByLabel('Outil découvert').fill('OpenStreetMap');
        await page.getByLabel('Date').fill('2030-01-10');
        await page.getByLabel('Heure de début').fill('12:15');
        await page.getByLabel('Heure de fin').fill('13:00');
        // The joining link only shows for hybrid and remote sessions, the place for in-person and hybrid ones.
        expect(await page.getByLabel('Lien de connexion').isVisible()).to.equal(false);
        await page.getByRole('combobox', { name: 'Format', exact: true }).selectOption('remote');
        expect(await page.getByLabel('Lien de connexion').isVisible()).to.equal(true);
        expect(await page.getByLabel('Lieu').isVisible()).to.equal(false);
        await page.getByRole('combobox', { name: 'Format', exact: true }).selectOption('in_person');
        await page.getByLabel('Lieu').fill('Hall du rectorat');
        await page.getByLabel('Description').fill('Découvrir **OpenStreetMap** et [contribuer](https://www.openstreetmap.org).');
        await page.getByLabel('1.3 Traiter des données').check();
        await page.getByLabel('2.3 Collaborer').check();
        await page.getByRole('button', { name: 'Créer la session' }).click();
        await page.getByText('La session a été créée en brouillon.').waitFor();
        violations.editPage = await checkA11y(page);

        await page.getByRole('button', { name: 'Publier' }).click();
        await page.getByText('La session est publiée').waitFor();
        expect(await page.getByText('Statut actuel : Publiée').count()).to.equal(1);

        // The quiz is configured on the activities slice's page, reached from the session's edit page.
        const editUrl = page.url().split('?')[0]!;
        await page.getByRole('link', { name: 'Activités', exact: true }).click();
        await page.waitForURL('**/activities');
        await page.locator('#quiz_enabled').check();
        await page.getByRole('button', { name: 'Ajouter une question' }).click();
        await page.locator('#q0-text').fill('Qui peut modifier OpenStreetMap ?');
        await page.locator('#q0-c0-text').fill('Tout le monde');
        await page.locator('#q0-c0-correct').check();
        await page.locator('#q0-c1-text').fill('Personne');
        await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
        await page.getByText('Activités enregistrées.').waitFor();
        await page.goto(editUrl);

        await page.getByRole('link', { name: /^Ressources/ }).click();
        await page.getByRole('textbox', { name: 'Titre', exact: true }).fill('Site officiel');
        await page.getByLabel('Adresse du lien').fill('https://www.openstreetmap.org');
        await page.getByRole('button', { name: 'Ajouter la ressource' }).click();
        await page.getByText('La ressource a été ajoutée.').waitFor();
        violations.resources = await checkA11y(page);

        for (const path of ['/organiser/series', '/organiser/frameworks', '/organiser']) {
          await page.goto(path);
          violations[path] = await checkA11y(page);
        }
      },
      { signedIn: organiser.browser },
    );
    const [session] = await searchSessions(t.database.db, { contextRef: organiser.contextRef! });
    expect(session).to.include({ title: 'Cartographier avec OpenStreetMap', status: 'published', tool: 'OpenStreetMap' });
    expect(session!.competences.map((c) => c.code)).to.deep.equal(['1.3', '2.3']);

    const participant = await signIn(t, { role: 'participant', contextId: 'course-browser' });
    await withPage(
      t,
      async (page) => {
        await page.goto('/catalogue');
        await page.getByRole('heading', { name: 'Cartographier avec OpenStreetMap' }).waitFor();
        violations.catalogue = await checkA11y(page);
      },
      { signedIn: participant.browser },
    );
    for (const [pageName, list] of Object.entries(violations)) expect(list, `axe on ${pageName}: ${JSON.stringify(list)}`).to.deep.equal([]);
  });
});
