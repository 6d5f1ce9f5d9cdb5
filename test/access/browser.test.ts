import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { checkA11y, withPage } from '../support/browser';
import { launchAs } from '../support/lti';
import { A_LEARNER, buildAccessFixture, type AccessFixture } from './fixture';

/** The pages of the ownership model in chromium at 360 px: co-organisers, a linking course's page, the pickers. */
describe('access: in chromium, co-organisers and a linking course’s pages', function () {
  this.timeout(180_000);
  let t: TestApp;
  let f: AccessFixture;
  before(async () => {
    t = await createTestApp();
    f = await buildAccessFixture(t);
  });
  after(async () => t?.close());

  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('lets the owner add and remove a co-organiser course from the session page, at 360 px, with no axe violation', async () => {
    const violations: Record<string, unknown[]> = {};
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 360, height: 780 });
        await page.goto(`/organiser/sessions/${f.published.id}`);
        await page.getByRole('heading', { name: 'Cours co-organisateurs' }).waitFor();
        violations.sessionPage = await checkA11y(page);
        expect(await noSideScroll(page), 'session page at 360 px').to.equal(true);
        await page.getByLabel('Cours à ajouter').selectOption({ label: 'Cours C' });
        await page.getByRole('button', { name: 'Ajouter comme co-organisateur' }).click();
        await page.getByText('Le cours a été ajouté aux cours co-organisateurs.').waitFor();
        await page.getByRole('button', { name: 'Retirer le cours Cours C' }).focus();
        await page.keyboard.press('Enter');
        await page.getByText('Le cours a été retiré des cours co-organisateurs.').waitFor();
        violations.afterRemoval = await checkA11y(page);
      },
      { signedIn: f.as.organiserA },
    );
    expect(violations).to.deep.equal({ sessionPage: [], afterRemoval: [] });
  });

  it('shows a linking course its page of the session and its pickers at 360 px, with no axe violation and none of A’s people', async () => {
    const violations: Record<string, unknown[]> = {};
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 360, height: 780 });
        await page.goto(`/organiser/sessions/${f.published.id}`);
        await page.getByText('Cette session appartient au cours « Cours A »').waitFor();
        violations.linkedPage = await checkA11y(page);
        expect(await noSideScroll(page), 'linked page at 360 px').to.equal(true);
        await page.getByRole('link', { name: 'Participants de votre cours' }).click();
        await page.waitForURL('**/participants');
        expect(await page.content()).not.to.contain(A_LEARNER.name);
        violations.participants = await checkA11y(page);
        await page.goto('/lti/bind');
        await page.getByText('Session du cours « Cours A »').waitFor();
        violations.bind = await checkA11y(page);
        expect(await noSideScroll(page), 'binding picker at 360 px').to.equal(true);
      },
      { signedIn: f.as.organiserB },
    );
    const dl = await launchAs(t, { role: 'organiser', contextId: 'course-B', contextTitle: 'Cours B', messageType: 'LtiDeepLinkingRequest' });
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 360, height: 780 });
        await page.goto('/lti/deep-linking');
        await page.getByText('Session du cours « Cours A »').waitFor();
        violations.deepLinking = await checkA11y(page);
        expect(await noSideScroll(page), 'deep-linking picker at 360 px').to.equal(true);
      },
      { signedIn: dl.browser },
    );
    expect(violations).to.deep.equal({ linkedPage: [], participants: [], bind: [], deepLinking: [] });
  });
});
