import { expect } from 'chai';
import type { Browser as PwBrowser, BrowserContext, Page } from 'playwright-core';
import { listRoutes } from '../../src/platform/access';
import { buildAccessFixture, type AccessFixture } from '../access/fixture';
import { EXPECTED, type Person } from '../access/matrix.expected';
import { addMatrixData, paramsOf, restoreMatrixData, type MatrixData } from '../access/matrix.support';
import { createTestApp, type TestApp } from '../support/app';
import { addSignedInCookies, checkA11y, launchChromium } from '../support/browser';
import type { Browser } from '../support/http';

/**
 * Issue #16 and #17 in chromium: every page a participant can open, at 360 and 390 px with touch, scrolls
 * only up and down, has touch targets of at least 44 px and no axe violation; every organiser and
 * administrator page at 390 px the same (tables scroll inside their own box). The pages are the app's GET
 * routes that answer the person with an HTML page (read from the router and the access matrix's rows, so a
 * new page is checked without being listed here).
 */
describe('home: every page on a phone, in chromium', function () {
  this.timeout(900_000);
  let t: TestApp;
  let f: AccessFixture;
  let data: MatrixData;
  let chromium: PwBrowser;
  before(async () => {
    t = await createTestApp();
    f = await buildAccessFixture(t);
    data = await addMatrixData(t, f);
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await t?.close();
  });

  /** The HTML pages `person` may open (GET routes whose matrix cell is "ok" for them and not for `except`), as paths. */
  async function pagesOf(person: Person, browser: Browser, except: Person[] = []): Promise<string[]> {
    const paths = new Set<string>();
    for (const r of listRoutes(t.instants.app)) {
      const row = EXPECTED[`GET ${r.path}`];
      if (r.method !== 'GET' || !row || row[person] !== 'ok' || except.some((p) => row[p] === 'ok')) continue;
      paths.add(paramsOf(r.path, data));
    }
    const pages: string[] = [];
    for (const path of paths) {
      await restoreMatrixData(t, data);
      const res = await browser.get(path);
      await res.arrayBuffer();
      // A download (the export of one's own data as HTML) is a file to keep, not a page to browse.
      const download = /^\s*attachment/i.test(res.headers.get('content-disposition') ?? '');
      if (res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/html') && !download) pages.push(path);
    }
    return pages;
  }

  async function phone(person: Browser, width: number): Promise<{ context: BrowserContext; page: Page }> {
    const context = await chromium.newContext({ viewport: { width, height: 800 }, hasTouch: true, isMobile: true, locale: 'fr-FR', baseURL: t.url });
    await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
    await addSignedInCookies(context, t, person);
    return { context, page: await context.newPage() };
  }

  /** Visible controls smaller than 44 px (a radio or checkbox counts with its row, the area its label makes tappable). */
  const smallTargets = (page: Page) =>
    page.evaluate(() => {
      const small: string[] = [];
      let measured = 0;
      const controls = document.querySelectorAll<HTMLElement>('main button, main .btn, main input:not([type=hidden]), main select, main textarea, header .nav-link, header .navbar-toggler, header .btn, .instants-subnav .nav-link');
      for (const el of controls) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
        const check = el.matches('input[type=radio], input[type=checkbox]') ? el.closest('.form-check') : null;
        const target = (check ?? el).getBoundingClientRect();
        measured++;
        if (target.height < 43.5 || target.width < 43.5) small.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? (el as HTMLInputElement).name ?? '').trim().slice(0, 30)}" ${Math.round(target.width)}×${Math.round(target.height)}`);
      }
      return { small, measured };
    });

  const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  /** Visits each page at each width; returns every problem found (so one run names them all). */
  async function sweep(person: Browser, pages: string[], widths: number[], options: { touch: boolean }): Promise<{ problems: string[]; measured: number }> {
    const problems: string[] = [];
    let measured = 0;
    for (const width of widths) {
      const { context, page } = await phone(person, width);
      try {
        for (const path of pages) {
          await restoreMatrixData(t, data);
          await page.goto(path);
          const over = await sideways(page);
          if (over > 0) problems.push(`${path} at ${width} px scrolls sideways by ${over} px`);
          if (options.touch) {
            const targets = await smallTargets(page);
            measured += targets.measured;
            for (const small of targets.small) problems.push(`${path} at ${width} px: ${small}`);
          }
          if (width === widths[widths.length - 1]) for (const v of await checkA11y(page)) problems.push(`${path}: axe ${v.id} (${v.nodes.slice(0, 3).join(', ')})`);
        }
      } finally {
        await context.close();
      }
    }
    return { problems, measured };
  }

  it('lets a participant use every page at 360 and 390 px: no sideways scroll, touch targets of 44 px, no axe violation', async () => {
    const pages = await pagesOf('learnerA', f.as.learnerA);
    expect(pages).to.include.members(['/home', `/sessions/${data.sessionId}`, `/sessions/${data.sessionId}/checkin`, `/sessions/${data.sessionId}/quiz`, '/catalogue', '/fabrique']);
    const { problems, measured } = await sweep(f.as.learnerA, pages, [360, 390], { touch: true });
    expect(problems).to.deep.equal([]);
    // The controls were found and measured (menu button, buttons, form fields of the activities…).
    expect(measured).to.be.greaterThan(pages.length * 2 * 3);
  });

  it('lets an organiser use every organiser page at 390 px: no sideways scroll, no axe violation', async () => {
    const pages = await pagesOf('organiserA', f.as.organiserA, ['learnerA']);
    expect(pages).to.include.members(['/organiser', `/organiser/sessions/${data.sessionId}`, `/organiser/sessions/${data.sessionId}/grades`, '/organiser/dashboard']);
    expect((await sweep(f.as.organiserA, pages, [390], { touch: false })).problems).to.deep.equal([]);
  });

  it('lets an administrator use every administration page at 390 px: no sideways scroll, no axe violation', async () => {
    const pages = await pagesOf('admin', f.as.admin, ['organiserA']);
    expect(pages).to.include.members(['/admin/lrs', '/admin/xapi', '/admin/lti', '/admin/people']);
    expect((await sweep(f.as.admin, pages, [390], { touch: false })).problems).to.deep.equal([]);
  });
});
