import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { checkA11y, PHONE, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { buildSession, configure } from './helpers';

/** Activity forms in chromium on a phone: a refused send keeps what was ticked; each send's message takes the focus. */
describe('activities in chromium: forms keep input, messages take the focus', function () {
  this.timeout(180_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  async function quizPage() {
    const contextId = `course-${Math.random()}`;
    const organiser = await signIn(t, { role: 'organiser', contextId });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef });
    await configure(t.database.db, session.id, [{ kind: 'quiz' }]);
    const p = await signIn(t, { contextId });
    return { path: `/sessions/${session.id}/quiz`, browser: p.browser };
  }

  /** Where the focus is once the page's scripts have run (the message may take it after the load, on a fragment). */
  const focused = async (page: Page) => {
    await page.waitForFunction(() => document.activeElement?.hasAttribute('data-announce'), undefined, { timeout: 5000 }).catch(() => undefined);
    return focusedNow(page);
  };
  const focusedNow = (page: Page) => page.evaluate(() => ({ announce: document.activeElement?.hasAttribute('data-announce') ?? false, role: document.activeElement?.getAttribute('role') ?? null, text: document.activeElement?.textContent ?? '' }));
  const send = (page: Page) => Promise.all([page.waitForNavigation(), page.locator('#question-q1').getByRole('button', { name: 'Enregistrer ma réponse' }).tap()]);

  for (const javaScriptEnabled of [true, false]) {
    it(`keeps the ticked answer of a quiz question sent without certainty${javaScriptEnabled ? ', then focuses each message' : ', without JavaScript'}`, async () => {
      const { path, browser } = await quizPage();
      await withPage(
        t,
        async (page) => {
          await page.goto(path);
          const q1 = page.locator('#question-q1');
          await q1.getByLabel('Tout le monde').check();
          await send(page);
          expect(await page.locator('#question-q1').getByLabel('Tout le monde').isChecked()).to.equal(true);
          expect(await page.getByRole('alert').first().textContent()).to.contain('Le formulaire contient des erreurs');
          if (javaScriptEnabled) expect(await focused(page)).to.include({ announce: true, role: 'alert' });
          // axe runs inside the page, which needs its JavaScript: the same markup is checked with it on.
          if (javaScriptEnabled) expect(await checkA11y(page)).to.deep.equal([]);
          await page.locator('#question-q1').getByLabel(/degré de certitude/).selectOption('4');
          await send(page);
          expect(page.url()).to.contain('sent=q%3Aq1');
          if (javaScriptEnabled) {
            const f = await focused(page);
            expect(f).to.include({ announce: true, role: 'status' });
            expect(f.text).to.contain('Juste');
          }
          // axe runs inside the page, which needs its JavaScript: the same markup is checked with it on.
          if (javaScriptEnabled) expect(await checkA11y(page)).to.deep.equal([]);
          if (javaScriptEnabled) expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).to.equal(true);
        },
        { signedIn: browser, context: PHONE, javaScriptEnabled },
      );
    });
  }
});
