import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { buildAccessFixture, type AccessFixture } from '../access/fixture';
import { createTestApp, type TestApp } from '../support/app';
import { addSignedInCookies, checkA11y, launchChromium, withPage } from '../support/browser';
import type { Browser } from '../support/http';

/** Issue #17 in chromium: the one menu on a desktop (one line at 1280 px) and on a phone (behind a Menu button), in Boost's colours. */
describe('home: the menu and the look in chromium', function () {
  this.timeout(240_000);
  let t: TestApp;
  let f: AccessFixture;
  before(async () => {
    t = await createTestApp();
    f = await buildAccessFixture(t);
  });
  after(async () => t?.close());

  /** The distinct tops of the menu's top-level items and the header's height. */
  const menuRows = (page: Page) =>
    page.evaluate(() => {
      const items = [...document.querySelectorAll<HTMLElement>('.instants-header .navbar-nav > .nav-item')];
      return { tops: [...new Set(items.map((i) => Math.round(i.getBoundingClientRect().top)))], count: items.length, header: document.querySelector('.instants-header')!.getBoundingClientRect().height };
    });

  for (const who of ['admin', 'organiserA', 'learnerA'] as const) {
    it(`keeps the ${who === 'learnerA' ? 'participant' : who === 'admin' ? 'administrator' : 'organiser'}’s menu on one line with the brand and the language switch at 1280 px, with no axe violation`, async () => {
      await withPage(
        t,
        async (page) => {
          await page.setViewportSize({ width: 1280, height: 800 });
          await page.goto('/home');
          const rows = await menuRows(page);
          expect(rows.count).to.be.greaterThan(4);
          expect(rows.tops, 'one row of menu items').to.have.length(1);
          expect(rows.header).to.be.lessThan(80);
          expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).to.equal(false);
          expect(await checkA11y(page)).to.deep.equal([]);
        },
        { signedIn: (f.as as Record<string, Browser>)[who] },
      );
    });
  }

  it('opens a drop-down from the keyboard at 1280 px and reaches an administration page', async () => {
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.goto('/home');
        const admin = page.getByRole('button', { name: 'Administration' });
        await admin.focus();
        await page.keyboard.press('Enter');
        expect(await admin.getAttribute('aria-expanded')).to.equal('true');
        await page.getByRole('link', { name: 'Identifiants LRS' }).focus();
        await page.keyboard.press('Enter');
        await page.waitForURL('**/admin/lrs');
        // The page is marked current in its (closed) drop-down, and the drop-down as the active section.
        expect(await page.locator('.dropdown-item[href="/admin/lrs"]').getAttribute('aria-current')).to.equal('page');
        expect(await page.getByRole('button', { name: 'Administration' }).getAttribute('class')).to.contain('active');
      },
      { signedIn: f.as.admin },
    );
  });

  it('folds the menu behind a Menu button at 390 px that a tap opens, with touch targets of 44 px, and reaches the catalogue', async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, locale: 'fr-FR', baseURL: t.url });
      await addSignedInCookies(context, t, f.as.learnerA);
      const page = await context.newPage();
      await page.goto('/home');
      const catalogue = page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Catalogue' });
      expect(await catalogue.isVisible(), 'folded').to.equal(false);
      const toggler = page.getByRole('button', { name: 'Menu' });
      expect((await toggler.boundingBox())!.height).to.be.at.least(44);
      await toggler.tap();
      await catalogue.waitFor();
      expect((await catalogue.boundingBox())!.height).to.be.at.least(44);
      await catalogue.tap();
      await page.waitForURL('**/catalogue');
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).to.equal(true);
    } finally {
      await browser.close();
    }
  });

  it('colours links, buttons, the brand and the current page with Boost’s one accent colour', async () => {
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.goto('/home');
        const [link, button, outline, brand, current] = await page.evaluate(() =>
          [
            ['main a:not(.btn)', 'color'],
            ['main .btn-primary', 'backgroundColor'],
            ['main .btn-outline-primary', 'color'],
            ['.instants-brand', 'color'],
            ['.instants-header .nav-link.active', 'boxShadow'],
          ].map(([selector, prop]) => getComputedStyle(document.querySelector(selector!)!)[prop as 'color']),
        );
        const colours = { link, button, outline, brand, current: current! };
        const accent = 'rgb(15, 108, 191)';
        expect(colours.link).to.equal(accent);
        expect(colours.button).to.equal(accent);
        expect(colours.outline).to.equal(accent);
        expect(colours.brand).to.equal(accent);
        expect(colours.current).to.contain(accent);
      },
      { signedIn: f.as.organiserA },
    );
  });
});
