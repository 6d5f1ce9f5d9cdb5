import { expect } from 'chai';
import { catchUp, seedDemo } from '../../src/dashboard';
import { checkA11y, withPage } from '../support/browser';
import { createTestApp, TEST_SECRETS, TestClock, type TestApp } from '../support/app';
import { signIn } from '../support/factories';

/** Each dashboard page in chromium: its charts are drawn (Chart.js under the CSP), its tables are there. */
describe('dashboard: in the browser (chromium)', function () {
  this.timeout(180_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-07-01T08:00:00Z')) });
    await seedDemo(t.database.db, { baseIri: t.config.xapi.baseIri, pseudonymKey: TEST_SECRETS.pseudonymKey!, issuer: `${t.url}/demo`, contextId: 'demo-course', contextTitle: 'Instants', end: new Date('2026-06-30T00:00:00Z'), people: 70, sessions: 3 });
    await catchUp(t.database.db);
  });
  after(async () => {
    await t.close();
  });

  it('opens each page and finds its charts drawn beside their tables, with no CSP error, no serious accessibility issue and no sideways scrolling at 360 px', async () => {
    const organiser = await signIn(t, { role: 'organiser', issuer: `${t.url}/demo`, contextId: 'demo-course' });
    const overview = await (await organiser.browser.get('/organiser/dashboard')).text();
    const sessionPath = /href="(\/organiser\/dashboard\/sessions\/[^"?]+)/.exec(overview)![1]!;
    await withPage(
      t,
      async (page) => {
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        for (const [path, chart, table] of [
          ['/organiser/dashboard', 'chart-reach', 'table-reach'],
          [sessionPath, 'chart-gains', 'table-gains'],
          ['/organiser/dashboard/competences', 'chart-coverage', 'table-competences'],
          ['/organiser/dashboard/needs', 'chart-needs', 'table-needs'],
        ] as const) {
          const res = await page.goto(path);
          expect(res?.status(), path).to.equal(200);
          await page.waitForSelector(`#${chart}[data-chart-ready="true"]`, { timeout: 10_000 });
          const drawn = await page.$eval(`#${chart}`, (c) => (c as HTMLCanvasElement).width > 0 && (c as HTMLCanvasElement).height > 0);
          expect(drawn, path).to.equal(true);
          expect(await page.locator(`#${table} tbody tr`).count(), path).to.be.greaterThan(0);
          expect(await page.locator(`#${table} caption a`).getAttribute('href'), path).to.include('format=csv');
          expect(await page.locator(`[aria-describedby="summary-${chart.slice(6)}"]`).count(), path).to.equal(1);
          expect(await checkA11y(page), path).to.deep.equal([]);
        }
        // At 360 px (a phone, or Moodle's narrow frame): no sideways scrolling of the page itself.
        await page.setViewportSize({ width: 360, height: 800 });
        for (const path of ['/organiser/dashboard', sessionPath, '/organiser/dashboard/competences', '/organiser/dashboard/needs']) {
          await page.goto(path);
          const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(wide, `${path} at 360 px`).to.be.at.most(0);
        }
        await page.goto(sessionPath);
        await page.screenshot({ path: 'test-artifacts/dashboard-session-360.png', fullPage: true });
        expect(errors).to.deep.equal([]);
      },
      { signedIn: organiser.browser },
    );
  });
});
