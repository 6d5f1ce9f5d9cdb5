import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { checkA11y, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { launchAs } from '../support/lti';

/** The people and registration pages in chromium at 360 px, by keyboard, with axe-core. */
describe('people and LTI administration pages in chromium', function () {
  this.timeout(180_000);
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  before(async () => {
    t = await createTestApp();
    admin = await signIn(t, { role: 'organiser', isAdmin: true });
    const csrf = csrfTokenFrom(await (await admin.browser.get('/admin/people')).text());
    for (const [kind, label] of <Array<[string, string]>>[['service', 'Division des examens et concours'], ['job_family', 'Administratif']]) await admin.browser.postForm('/admin/people/choices', { _csrf: csrf, kind, label });
  });
  after(async () => t?.close());

  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('lets a person answer the profile screen by keyboard at 360 px, with no axe violation', async () => {
    const { browser } = await launchAs(t, { role: 'participant', sub: 'kb-1' });
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 360, height: 780 });
        await page.goto('/me/profile');
        await page.getByLabel('Votre service').waitFor();
        expect(await checkA11y(page)).to.deep.equal([]);
        expect(await noSideScroll(page)).to.equal(true);
        await page.getByLabel('Votre service').focus();
        await page.getByLabel('Votre service').selectOption({ label: 'Division des examens et concours' });
        await page.getByLabel('Votre famille de métiers').selectOption({ label: 'Je préfère ne pas répondre' });
        await page.getByRole('button', { name: 'Enregistrer' }).focus();
        await page.keyboard.press('Enter');
        await page.getByText('Vos réponses sont enregistrées.').waitFor();
        expect(await page.locator('#effective-service').innerText()).to.equal('Division des examens et concours');
      },
      { signedIn: browser },
    );
  });

  it('shows the administration pages of people and LTI platforms at 360 px with no axe violation', async () => {
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 360, height: 780 });
        for (const [path, heading] of <Array<[string, string]>>[
          ['/admin/people', 'Services et familles de métiers'],
          ['/admin/lti', 'Plateformes LTI'],
        ]) {
          await page.goto(path);
          await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
          expect(await checkA11y(page), path).to.deep.equal([]);
          expect(await noSideScroll(page), path).to.equal(true);
        }
        await page.getByLabel('Adresse du site Moodle').fill('https://moodle.ac-dijon.fr');
        await page.getByRole('button', { name: 'Créer le lien' }).click();
        await page.getByText('Lien d’enregistrement pour https://moodle.ac-dijon.fr').or(page.getByText("Lien d'enregistrement pour https://moodle.ac-dijon.fr")).waitFor();
        expect(await page.locator('#created-link').innerText()).to.match(/\/lti\/register\?link=/);
        expect(await noSideScroll(page), 'with the link shown').to.equal(true);
      },
      { signedIn: admin.browser },
    );
  });
});
