import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { expectAccessible, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { buildSession } from './helpers';
import { storedQuiz } from './quiz-form';

/** The quiz editor in chromium, with its script and without: keyboard, focus, announcements, preview, axe-core, a phone's width. */
describe('activities: quiz editor in the browser (chromium)', function () {
  this.timeout(240_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  const previewLegends = (page: Page) => page.locator('#quiz-preview legend').allInnerTexts();

  async function organiserWithSession(contextId: string) {
    const organiser = await signIn(t, { role: 'organiser', contextId });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, title: 'Instant OpenStreetMap' });
    return { organiser, session };
  }

  it('creates two questions, reorders them from the keyboard, marks answers, previews and saves; a participant sees the quiz (script on)', async () => {
    const { organiser, session } = await organiserWithSession('course-quiz-browser');
    await withPage(
      t,
      async (page) => {
        await page.goto(`/organiser/sessions/${session.id}/activities`);
        await expectAccessible(page, 'empty quiz editor');
        await page.locator('#quiz_enabled').check();
        await page.getByRole('button', { name: 'Ajouter une question' }).click();
        expect(await focused(page)).to.equal('q0-text');
        expect(await page.locator('#quiz-editor-status').innerText()).to.equal('Question 1 ajoutée. Pensez à enregistrer.');
        await page.keyboard.type('Qui peut modifier OpenStreetMap ?');
        await page.locator('#q0-c0-text').fill('Tout le monde');
        await page.locator('#q0-c0-correct').check();
        await page.locator('#q0-c0-feedback').fill('Oui : une carte collaborative.');
        await page.locator('#q0-c1-text').fill("Seulement l'IGN");

        // The keyboard alone: Enter on a button acts at once, the focus goes where the action leaves it.
        await page.getByRole('button', { name: 'Ajouter une question' }).focus();
        await page.keyboard.press('Enter');
        expect(await focused(page)).to.equal('q1-text');
        await page.keyboard.type('Quelles licences ?');
        await page.locator('#q1-multiple').check();
        await page.getByRole('button', { name: 'Ajouter une réponse à la question 2' }).press('Enter');
        expect(await focused(page)).to.equal('q1-c2-text');
        await page.locator('#q1-c0-text').fill('ODbL');
        await page.locator('#q1-c1-text').fill('Copyright');
        await page.locator('#q1-c2-text').fill('Données ouvertes');
        await page.locator('#q1-c0-correct').check();
        await page.locator('#q1-c2-correct').check();
        await page.getByRole('button', { name: 'Monter la réponse 3 de la question 2' }).press('Enter');
        expect(await focused(page)).to.equal('q1-c1-up');
        expect(await page.locator('#q1-c1-text').inputValue()).to.equal('Données ouvertes');

        await page.getByRole('button', { name: 'Monter la question 2' }).press('Enter');
        // At the top there is no "up" any more: the focus stays on the moved question, on its other button.
        expect(await focused(page)).to.equal('q0-down');
        expect(await page.locator('#quiz-editor-status').innerText()).to.equal('Question déplacée de la position 2 à la position 1. Pensez à enregistrer.');
        expect(await page.locator('#q0-text').inputValue()).to.equal('Quelles licences ?');
        expect(await page.locator('#q0-box legend').first().innerText()).to.equal('Question 1');
        expect(await page.getByRole('button', { name: 'Monter la question 1' }).count()).to.equal(0);
        expect(await previewLegends(page)).to.deep.equal(['1. Quelles licences ? (plusieurs réponses possibles)', '2. Qui peut modifier OpenStreetMap ?']);
        expect(await page.locator('#quiz-preview .badge').count()).to.equal(3);

        // The preview follows what is typed; a question added then deleted leaves nothing behind.
        await page.locator('#q1-text').fill('Qui peut contribuer à OpenStreetMap ?');
        await page.locator('#quiz-preview').getByText('2. Qui peut contribuer à OpenStreetMap ?').waitFor();
        await page.getByRole('button', { name: 'Ajouter une question' }).click();
        await page.getByRole('button', { name: 'Supprimer la question 3' }).press('Enter');
        expect(await focused(page)).to.equal('q1-text');
        expect(await page.locator('[data-question]').count()).to.equal(2);
        await expectAccessible(page, 'quiz editor with two questions');

        await page.setViewportSize({ width: 390, height: 844 });
        expect(await noSidewaysScroll(page), 'no sideways scrolling at 390 px').to.equal(true);
        await page.setViewportSize({ width: 1280, height: 900 });

        // A mistake: the error shows beside the field, everything typed is kept.
        await page.locator('#q1-c0-correct').uncheck();
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer', exact: true }).click()]);
        expect(await page.locator('#q1-choices-error').innerText()).to.equal('Cochez au moins une bonne réponse.');
        expect(await page.getByRole('link', { name: 'Question 2 : Cochez au moins une bonne réponse.' }).count()).to.equal(1);
        expect(await page.locator('#q0-c1-text').inputValue()).to.equal('Données ouvertes');
        await expectAccessible(page, 'quiz editor with an error');
        await page.locator('#q1-c0-correct').check();
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer', exact: true }).click()]);
        await page.getByText('Activités enregistrées.').waitFor();
      },
      { signedIn: organiser.browser },
    );
    const quiz = (await storedQuiz(t.database.db, session.id))!;
    expect(quiz.settings.questions.map((q) => q.choices.map((c) => `${c.text}${c.correct ? ' ✓' : ''}`))).to.deep.equal([
      ['ODbL ✓', 'Données ouvertes ✓', 'Copyright'],
      ['Tout le monde ✓', "Seulement l'IGN"],
    ]);

    const participant = await signIn(t, { sessionId: session.id, contextId: 'course-quiz-browser' });
    await withPage(
      t,
      async (page) => {
        await page.goto(`/sessions/${session.id}/quiz`);
        expect(await page.locator('main form legend').allInnerTexts()).to.deep.equal(['1. Quelles licences ? (plusieurs réponses possibles)', '2. Qui peut contribuer à OpenStreetMap ?']);
        const first = page.locator('form').filter({ hasText: 'Quelles licences ?' });
        await first.getByLabel('ODbL').check();
        await first.getByLabel('Données ouvertes').check();
        await Promise.all([page.waitForNavigation(), first.getByRole('button').click()]);
        expect(await page.getByText('Juste', { exact: true }).count()).to.equal(1);
      },
      { signedIn: participant.browser },
    );
  });

  it('works without script: each button posts the form, which comes back changed with the focus kept, and saves (axe clean)', async () => {
    const { organiser, session } = await organiserWithSession('course-quiz-nojs');
    await withPage(
      t,
      async (page) => {
        await page.goto(`/organiser/sessions/${session.id}/activities`);
        await page.locator('#quiz_enabled').check();
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ajouter une question' }).click()]);
        expect(await focused(page)).to.equal('q0-text');
        expect(await page.getByRole('status').filter({ hasText: 'Question 1 ajoutée.' }).count()).to.equal(1);
        expect(await page.locator('#quiz_enabled').isChecked(), 'the ticked box is kept').to.equal(true);
        await page.keyboard.type('Première question');
        await page.locator('#q0-c0-text').fill('Juste');
        await page.locator('#q0-c0-correct').check();
        await page.locator('#q0-c1-text').fill('Faux');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Ajouter une question' }).click()]);
        expect(await focused(page)).to.equal('q1-text');
        await page.keyboard.type('Deuxième question');
        await page.locator('#q1-c0-text').fill('Oui');
        await page.locator('#q1-c1-text').fill('Non');
        await page.locator('#q1-c1-correct').check();
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Monter la question 2' }).click()]);
        expect(await focused(page)).to.equal('q0-down');
        expect(await page.locator('#q0-text').inputValue()).to.equal('Deuxième question');
        expect(await previewLegends(page)).to.deep.equal(['1. Deuxième question', '2. Première question']);
        expect(await noSidewaysScroll(page)).to.equal(true);
        // Enter in a field saves (the form's first button), it does not move or delete anything.
        await page.locator('#quiz_title').fill('Quiz sans script');
        await Promise.all([page.waitForNavigation(), page.locator('#quiz_title').press('Enter')]);
        await page.getByText('Activités enregistrées.').waitFor();
      },
      { signedIn: organiser.browser, javaScriptEnabled: false, viewport: { width: 390, height: 844 } },
    );
    const quiz = (await storedQuiz(t.database.db, session.id))!;
    expect(quiz.settings.title).to.equal('Quiz sans script');
    expect(quiz.settings.questions.map((q) => q.text)).to.deep.equal(['Deuxième question', 'Première question']);

    // axe-core needs script to run: the page a button posts back is checked with script on, the post made as without it.
    await withPage(
      t,
      async (page) => {
        await page.goto(`/organiser/sessions/${session.id}/activities`);
        const post = (button: string) =>
          Promise.all([
            page.waitForNavigation(),
            page.evaluate((id) => (document.getElementById('activities-form') as HTMLFormElement).requestSubmit(document.getElementById(id) as HTMLButtonElement), button),
          ]);
        await post('q1-c1-delete');
        expect(await focused(page)).to.equal('q1-c0-text');
        expect(await page.getByRole('status').filter({ hasText: 'Réponse 2 de la question 2 supprimée.' }).count()).to.equal(1);
        await expectAccessible(page, 'quiz editor after a button posted without script');
        await post('q1-add-choice');
        await page.locator('#q0-c0-correct').uncheck();
        await page.locator('#q1-c1-feedback').fill('Un commentaire sans réponse');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer', exact: true }).click()]);
        expect(await page.locator('#q1-c1-text-error').innerText()).to.equal('Écrivez le texte de la réponse, ou supprimez-la.');
        await expectAccessible(page, 'quiz editor with errors');
      },
      { signedIn: organiser.browser },
    );
  });
});
