import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { catchUp, seedDemo } from '../../src/dashboard';
import { queryRows } from '../../src/dashboard/rollup.repo';
import { createTestApp, TEST_SECRETS, TestClock, type TestApp } from '../support/app';
import { signIn } from '../support/factories';

describe('dashboard demo data', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-07-01T08:00:00Z')) });
  });
  after(async () => {
    await t.close();
  });

  it('fills the store with valid statements that give full dashboards to the demo course organiser', async function () {
    this.timeout(120_000);
    const issuer = `${t.url}/demo`;
    const written = await seedDemo(t.database.db, {
      baseIri: t.config.xapi.baseIri,
      pseudonymKey: TEST_SECRETS.pseudonymKey!,
      issuer,
      contextId: 'demo-course',
      contextTitle: 'Instants numériques',
      end: new Date('2026-06-30T00:00:00Z'),
      people: 120,
      sessions: 6,
    });
    expect(written).to.be.greaterThan(500);
    const [{ n }] = (await queryRows<{ n: number }>(t.database.db, sql`select count(*)::int as n from lrs_statements`)) as [{ n: number }];
    expect(n).to.equal(written);
    await catchUp(t.database.db);
    const { browser } = await signIn(t, { role: 'organiser', issuer, contextId: 'demo-course' });
    for (const path of ['/organiser/dashboard', '/organiser/dashboard/competences', '/organiser/dashboard/needs']) {
      const res = await browser.get(path);
      expect(res.status, path).to.equal(200);
      const html = await res.text();
      expect(html, path).to.include('<canvas id="chart-');
      expect(html, path).not.to.include('Moins de 5 personnes correspondent');
    }
    const overview = await (await browser.get('/organiser/dashboard')).text();
    expect(overview).to.include('DSDEN 21');
    const first = /href="(\/organiser\/dashboard\/sessions\/[^"]+)"/.exec(overview)![1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
    const session = await (await browser.get(first)).text();
    expect(session).to.include('id="chart-gains"').and.include('id="table-items"');
  });
});
