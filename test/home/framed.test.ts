import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { ltiLaunches } from '../../src/lti/lti.tables';
import { createTestApp, type TestApp } from '../support/app';
import { withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { launchAs, simulatorFor } from '../support/lti';

/**
 * Issue #17, "a compact framed mode": Moodle shows Instants in an iframe under its own header, so a page
 * inside the frame draws no second brand, language switch or footer, and speaks the launch's language. The
 * server decides from the launch's `launch_presentation.document_target`; public/js/frame.js corrects it
 * in the browser (a window opened from the frame, a phone where Moodle opens the tool in its own window).
 */
describe('home: the framed mode inside Moodle', function () {
  this.timeout(180_000);
  let t: TestApp;
  let sessionId: string;
  before(async () => {
    t = await createTestApp();
    const startsAt = new Date(Date.now() + 2 * 86400_000);
    const [s] = await t.database.db
      .insert(catalogSessions)
      .values({ title: 'Découvrir OpenStreetMap', startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), status: 'published', place: 'Hall du rectorat' })
      .returning({ id: catalogSessions.id });
    sessionId = s!.id;
  });
  after(async () => t?.close());

  const htmlTag = (html: string) => /<html[^>]*>/.exec(html)?.[0];

  /** A browser signed in after a launch with this document target and locale, holding a language chosen earlier. */
  async function signedIn(documentTarget: string, locale: string, chosen?: string) {
    const s = await signIn(t, { locale, sessionId });
    await t.database.db.update(ltiLaunches).set({ documentTarget }).where(eq(ltiLaunches.id, s.launchId));
    if (chosen) s.browser.setCookie('instants_lang', chosen);
    return s.browser;
  }

  it('marks a page framed after a launch into Moodle’s iframe, and not after one into a window', async () => {
    const framed = await launchAs(t, { sessionId, documentTarget: 'iframe' });
    expect(htmlTag(await framed.response.text())).to.equal('<html lang="fr" class="in-frame">');
    const window = await launchAs(t, { sessionId, documentTarget: 'window' });
    expect(htmlTag(await window.response.text())).to.equal('<html lang="fr">');
  });

  it('speaks the launch’s language inside the frame whatever was chosen before, and keeps the choice in a window', async () => {
    const inFrame = await signedIn('iframe', 'en', 'fr');
    expect(htmlTag(await (await inFrame.get('/home')).text())).to.equal('<html lang="en" class="in-frame">');
    const inWindow = await signedIn('window', 'en', 'fr');
    expect(htmlTag(await (await inWindow.get('/home')).text())).to.equal('<html lang="fr">');
    // ?lang= still switches for one who asks.
    expect(htmlTag(await (await inFrame.get('/home?lang=fr')).text())).to.equal('<html lang="fr" class="in-frame">');
  });

  it('draws no brand, language switch or footer inside the simulator’s Moodle course page, and its menu reaches the catalogue', async () => {
    const simulator = await simulatorFor(t);
    await withPage(t, async (page) => {
      await page.goto(simulator.coursePageUrl({ role: 'participant', custom: { instants_session: sessionId }, locale: 'fr' }));
      const frame = page.frameLocator('iframe#tool');
      await frame.getByRole('heading', { name: 'Découvrir OpenStreetMap' }).first().waitFor({ timeout: 30_000 });
      expect(await frame.locator('.instants-brand').isVisible(), 'brand').to.equal(false);
      expect(await frame.locator('.instants-lang').isVisible(), 'language switch').to.equal(false);
      expect(await frame.locator('body > footer').isVisible(), 'footer').to.equal(false);
      const menu = frame.getByRole('navigation', { name: 'Navigation principale' });
      const toggler = menu.getByRole('button', { name: 'Menu' });
      if (await toggler.isVisible()) await toggler.click();
      await menu.getByRole('link', { name: 'Catalogue' }).click();
      await frame.getByRole('heading', { name: 'Prochains Instants numériques' }).first().waitFor();
      expect(page.frames().find((f) => f.url().startsWith(t.url))?.url()).to.contain('/catalogue');
    });
  });

  it('shows the brand and the language switch in a window of its own although the launch said iframe; without JavaScript the launch’s word stands', async () => {
    const browser = await signedIn('iframe', 'fr');
    await withPage(
      t,
      async (page) => {
        await page.goto('/home');
        expect(await page.locator('.instants-brand').isVisible(), 'brand at the top level').to.equal(true);
        expect(await page.locator('.instants-lang').isVisible(), 'language switch at the top level').to.equal(true);
      },
      { signedIn: browser },
    );
    await withPage(
      t,
      async (page, context) => {
        const noScript = await context.browser()!.newContext({ javaScriptEnabled: false, baseURL: t.url });
        try {
          await noScript.addCookies(await context.cookies());
          const p = await noScript.newPage();
          await p.goto('/home');
          expect(await p.locator('.instants-brand').isVisible(), 'brand without JavaScript').to.equal(false);
          expect(await p.getByRole('heading', { name: 'Accueil' }).isVisible()).to.equal(true);
        } finally {
          await noScript.close();
        }
        void page;
      },
      { signedIn: browser },
    );
  });
});
