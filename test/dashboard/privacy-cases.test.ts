import { expect } from 'chai';
import { catchUp } from '../../src/dashboard/rollup.service';
import { storeStatements } from '../../src/lrs';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { BASE, session, st } from './fixtures';

/**
 * The five cases of issue #15, as an organiser who wants to know what one colleague answered found them on
 * the demo data; each must now be refused. (Case 5, the free-text wishes page, is in test/activities.)
 */

const TCHAP = session('c5555555-0000-4000-8000-000000000001', { title: 'Tchap' });
const LATER = session('c5555555-0000-4000-8000-000000000002', { title: 'Canva' });
const A = '2025-10-07T10:30:00Z';
const B = '2026-01-20T10:30:00Z';
const people = Array.from({ length: 22 }, (_, i) => `t${i}`);
const profile = (i: number) => ({ service: i < 14 ? 'DSI' : 'DRH', jobFamily: 'administratif' });
const comp = { framework: 'crcn', code: '2.1', title: 'Interagir' };

function fixture() {
  const out = [];
  for (const [i, p] of people.entries()) {
    out.push(st(p, A, TCHAP, { kind: 'attended', method: 'qr' }, profile(i)));
    // Gains: 7 low (2 → 3), 14 medium (2 → 5), 1 high (2 → 8): the "0 / 7 / 14 / 1" of the issue.
    const post = i < 7 ? 3 : i < 21 ? 5 : 8;
    out.push(st(p, A, TCHAP, { kind: 'self-positioned', competence: comp, level: 2, moment: 'before' }, profile(i)));
    out.push(st(p, '2025-10-07T11:30:00Z', TCHAP, { kind: 'self-positioned', competence: comp, level: post, moment: 'after' }, profile(i)));
    // Follow-up: 7 answer, 6 used Tchap since, one did not because of "pas d'usage dans mon service".
    if (i < 7) out.push(st(p, '2025-11-07T10:00:00Z', TCHAP, { kind: 'follow-up-completed', usedSince: i < 6, frequency: null, purposes: [], obstacles: i < 6 ? [] : ['pas d’usage dans mon service'] }, profile(i)));
    if (i < 6) out.push(st(p, A, TCHAP, { kind: 'need-expressed', need: { type: 'tool', id: 'canva', label: 'Canva' } }, profile(i)));
  }
  for (let i = 0; i < 8; i++) out.push(st(`u${i}`, B, LATER, { kind: 'attended', method: 'qr' }, { service: 'DRH', jobFamily: 'administratif' }));
  // One more person wants Canva in term 2: the year (7) and term 1 (6) must not both be shown.
  out.push(st('u0', B, LATER, { kind: 'need-expressed', need: { type: 'tool', id: 'canva', label: 'Canva' } }, { service: 'DRH', jobFamily: 'administratif' }));
  // One DSI colleague also attends the later session: the DSI view must not tell when.
  out.push(st('t0', B, LATER, { kind: 'attended', method: 'qr' }, profile(0)));
  return out;
}

const csvRows = (text: string) => text.slice(1).trim().split('\r\n').map((l) => l.split(';'));

describe('dashboard privacy: the five cases of issue #15 are refused', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-07-01T08:00:00Z')), env: { PRIVACY_MIN_GROUP: '5', XAPI_BASE_IRI: BASE } });
    await t.database.db.transaction((tx) => storeStatements(tx, fixture()));
    await catchUp(t.database.db);
  });
  after(async () => t.close());
  const organiser = () => signIn(t, { role: 'organiser', contextId: 'course-1' });

  it('1. shows no count of 1 to 4 in the gain bands: each band is a released count, the small ones hidden', async () => {
    const { browser } = await organiser();
    const rows = csvRows(await (await browser.get(`/organiser/dashboard/sessions/${TCHAP.id}?format=csv&table=gains`)).text());
    const header = rows[0]!;
    const row = rows[1]!;
    const at = (name: string) => row[header.indexOf(name)];
    expect(at('Gains moyens')).to.equal('14');
    expect(at('Gains élevés')).to.equal('masqué');
    // 0 / 7 / 14 / 1: with the 1 hidden, a second band is hidden too so that 22 − 14 − 7 does not give it back.
    expect([at('Gains négatifs'), at('Gains faibles')].filter((v) => v === 'masqué')).to.have.length.greaterThan(0);
    for (const cell of row.slice(2)) expect(cell, header[row.indexOf(cell)]).not.to.match(/^[1-4]$/);
  });

  it('2. hides the D+30 transfer rate and never names a hidden obstacle, in the table, the chart or a sentence', async () => {
    const { browser } = await organiser();
    const html = (await (await browser.get(`/organiser/dashboard/sessions/${TCHAP.id}`)).text()).replace(/[\u202f\u00a0]/g, ' ');
    // 7 named respondents and 86 % would say that exactly one did not use Tchap.
    expect(html).not.to.include('86 %');
    expect(html).to.include("part qui a utilisé l&#x27;outil depuis : masqué");
    expect(html).not.to.include('pas d’usage dans mon service');
    expect(html).not.to.include('le plus cité');
  });

  it('3. refuses free start and end dates, and two allowed periods never differ by one person', async () => {
    const { browser } = await organiser();
    const res = await browser.get('/organiser/dashboard/needs?from=2025-09-01&to=2025-12-03');
    expect(res.status).to.equal(400);
    expect(await res.text()).to.include('Paramètre inconnu');
    const canva = async (period: string) => csvRows(await (await browser.get(`/organiser/dashboard/needs?period=${period}&format=csv&table=needs`)).text()).find((r) => r[1] === 'Canva')?.[2] ?? 'absent';
    const year = await canva('2025-2026');
    const term = await canva('2025-2026-T1');
    // 7 in the year, 6 in term 1: at most one of them is shown.
    expect([year, term].filter((v) => /^\d+$/.test(v)), `${year} / ${term}`).to.have.length.lessThan(2);
  });

  it('4. does not list the sessions a service attended, and says so, under a service filter', async () => {
    const { browser } = await organiser();
    const html = await (await browser.get('/organiser/dashboard?service=DSI')).text();
    expect(html).not.to.include('id="table-sessions"');
    expect(html).not.to.include('>Canva<').and.not.include('>Tchap<');
    expect(html).to.include('les sessions suivies par ce groupe ne sont pas listées');
    // January: one DSI colleague attended; the month's count is hidden.
    const months = csvRows(await (await browser.get('/organiser/dashboard?service=DSI&format=csv&table=months')).text());
    expect(months.find((r) => r[0] === 'janvier 2026')?.[1]).to.equal('masqué');
    const all = await (await browser.get('/organiser/dashboard')).text();
    expect(all).to.include('id="table-sessions"').and.include('Tchap');
  });
});
