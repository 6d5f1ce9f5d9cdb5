import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { storeStatements } from '../../src/lrs';
import { catchUp } from '../../src/dashboard/rollup.service';
import { queryRows } from '../../src/dashboard/rollup.repo';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { buildLaunch, signIn } from '../support/factories';
import { activityIris } from '../../src/xapi';
import { BASE, ISSUER, session, st } from './fixtures';
import { buildSession } from '../activities/helpers';

const courseKey = (contextId: string) => activityIris(BASE).course(ISSUER, contextId);

/**
 * A small fixed data set with hand-computed figures. Session S, course-1, 7 people registered (launched),
 * p1–p6 attended, all in DANE except p6 and p7 (DSDEN 21).
 */
const S = session('c3333333-0000-4000-8000-000000000001', { title: 'Tchap pour tous' });
const SMALL = session('c3333333-0000-4000-8000-000000000002', { title: 'Petit groupe' });
const OTHER = session('c3333333-0000-4000-8000-000000000003', { title: 'Autre cours', course: { issuer: 'https://moodle.test.ac-dijon.fr', contextId: 'course-2', title: 'Cours 2' } });
const AT = '2026-02-10T11:00:00Z';
const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7'];
const service = (p: string) => ({ service: p === 'p6' || p === 'p7' ? 'DSDEN 21' : 'DANE', jobFamily: 'administratif' });
const PAIRS: Array<[number, number]> = [[2, 6], [4, 6], [8, 8], [6, 5], [2, 4], [3, 7]];

function fixture() {
  const out = [];
  for (const p of people) out.push(st(p, '2026-02-09T09:00:00Z', S, { kind: 'launched' }, service(p)));
  people.slice(0, 6).forEach((p, i) => {
    out.push(st(p, AT, S, { kind: 'attended', method: 'qr' }, service(p)));
    out.push(st(p, AT, S, { kind: 'self-positioned', competence: { framework: 'crcn', code: '2.1', title: 'Interagir' }, level: PAIRS[i]![0], moment: 'before' }, service(p)));
    out.push(st(p, '2026-02-10T12:00:00Z', S, { kind: 'self-positioned', competence: { framework: 'crcn', code: '2.1', title: 'Interagir' }, level: PAIRS[i]![1], moment: 'after' }, service(p)));
    out.push(st(p, AT, S, { kind: 'question-answered', quiz: { id: 'q', title: 'Quiz' }, question: { id: '1', text: 'Où créer un salon ?', interactionType: 'choice', choices: [], correct: ['a'], competence: null }, response: [i < 4 ? 'a' : 'b'], success: i < 4, certainty: i < 4 ? 3 : i === 4 ? 4 : 2 }, service(p)));
    out.push(st(p, AT, S, { kind: 'resource-opened', resource: { id: 'r', title: 'Guide Tchap', type: 'link', url: 'https://ex.fr/guide' } }, service(p)));
    if (i < 5) out.push(st(p, AT, S, { kind: 'rated', rating: { value: [4, 5, 3, 4, 5][i]!, max: 5 }, comment: null }, service(p)));
    if (i < 4) out.push(st(p, AT, S, { kind: 'session-completed', score: null }, service(p)));
    if (i < 5) out.push(st(p, '2026-03-12T10:00:00Z', S, { kind: 'follow-up-completed', usedSince: i < 3, frequency: null, purposes: [], obstacles: i < 3 ? [] : ['temps'] }, service(p)));
    out.push(st(p, AT, S, { kind: 'need-expressed', need: { type: 'free-text', id: null, label: ['Tchap', 'tchap ', 'messagerie Tchap'][i % 3]! } }, service(p)));
    if (i < 4) out.push(st(p, AT, S, { kind: 'need-expressed', need: { type: 'tool', id: 'osm', label: 'OpenStreetMap' } }, service(p)));
  });
  for (const p of ['q1', 'q2', 'q3']) out.push(st(p, AT, SMALL, { kind: 'attended', method: 'qr' }));
  for (const p of ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']) out.push(st(p, AT, OTHER, { kind: 'attended', method: 'qr' }));
  return out;
}

/** Intl writes narrow no-break spaces in French numbers ("86 %"); tests compare with plain spaces. */
const spaces = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

/** Reads semicolon CSV with quoted fields. */
function parseCsv(text: string): string[][] {
  return text
    .trim()
    .split('\r\n')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^;]*)(;|$)/g)].filter((m, i, all) => i < all.length - 1 || m[0] !== '').map((m) => (m[1]!.startsWith('"') ? m[1]!.slice(1, -1).replace(/""/g, '"') : m[1]!)));
}

describe('dashboard pages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-04-01T08:00:00Z')), env: { PRIVACY_MIN_GROUP: '5', PRIVACY_MIN_GROUP_TEXT: '6', XAPI_BASE_IRI: BASE } });
    await t.database.db.transaction(async (tx) => {
      await storeStatements(tx, fixture());
    });
    await catchUp(t.database.db);
  });
  after(async () => {
    await t.close();
  });

  const admin = () => signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-admin' });
  const organiser = (contextId: string) => signIn(t, { role: 'organiser', contextId });
  const csv = async (browser: Awaited<ReturnType<typeof admin>>['browser'], path: string) => {
    const res = await browser.get(path);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/csv; charset=utf-8/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    return parseCsv(spaces(bytes.subarray(3).toString('utf8')));
  };

  it('shows the overview with hand-checked figures, a chart and its table', async () => {
    const { browser } = await admin();
    const course = encodeURIComponent(courseKey('course-1'));
    const res = await browser.get(`/organiser/dashboard?course=${course}`);
    expect(res.status).to.equal(200);
    const html = spaces(await res.text());
    expect(html).to.include('id="chart-reach"').and.include('id="table-reach"').and.include('id="chart-months"');
    // Course 1: S (7 registered, 6 present) and SMALL (3 present): 9 attendees of 10 registrations (90 %),
    // 4 completed of 9 (44 %), satisfaction (4+5+3+4+5)/5 = 4.2. Attendance is shown as organisers see it by name.
    expect(html).to.match(/Participants distincts<\/p>\s*<p class="h4 mb-1">9</);
    expect(html).to.include('90 %').and.include('44 %').and.include('4,2 / 5');
    // The sessions' own date (first check-in), not the first statement's.
    expect(html).to.include('10 févr. 2026');
    expect(html).to.include('Année scolaire 2025-2026');
    const reach = await csv(browser, `/organiser/dashboard?format=csv&table=reach&course=${course}`);
    // DANE has 8 attendees, DSDEN 21 one: hidden, and DANE with it (else 9 − 8 would tell the one).
    expect(reach.slice(1).map((r) => r.slice(0, 2))).to.deep.equal([['DANE', 'masqué'], ['DSDEN 21', 'masqué']]);
  });

  it('computes the session gains, effect size, items and D+30 transfer as by hand, hiding what would tell an answer', async () => {
    const { browser } = await admin();
    const path = `/organiser/dashboard/sessions/${S.id}`;
    const html = spaces(await (await browser.get(path)).text());
    expect(html).to.include('id="chart-gains"').and.include('id="table-items"');
    expect(html).to.include('Tchap pour tous (10 février 2026)');
    const gains = await csv(browser, `${path}?format=csv&table=gains`);
    expect(gains).to.have.length(2);
    const row = gains[1]!;
    // 6 pairs (public: organisers see who positioned), one at 8 before: kept 5 and excluded 1 would tell
    // that one, so both counts are hidden; gains 4/6, 2/4, −1/2, 2/6, 4/5 → mean 0.36; gain of averages
    // (5.6 − 3.4) / (8 − 3.4) = 0.4783. Bands 1 / 0 / 3 / 1: the small ones hidden.
    expect(row.slice(2, 10)).to.deep.equal(['masqué', 'masqué', '0,36', '0,4783', 'masqué', '0', 'masqué', 'masqué']);
    // All 6 differences 4, 2, 0, −1, 2, 4: d_z = 1.8333 / 2.0412 = 0.8981, J = 1 − 3/19, g = 0.7563,
    // SE = √(1/6 + d_z²/12) = 0.4836, CI = J · (d_z ± 1.96 SE) = [−0.04 ; 1.55].
    expect(row[10]).to.equal('0,7563');
    expect(row[11]).to.equal('[-0,04 ; 1,55]');
    const items = await csv(browser, `${path}?format=csv&table=items`);
    // 4 right of 6 named respondents: 2 wrong would follow, so the rate is hidden; 1 confident error too.
    expect(items[1]).to.deep.equal(['Où créer un salon ?', '6', 'masqué', 'masqué']);
    // Follow-up: 5 of 6 attendees answered (83 %); 3 used it, 2 did not: hidden. "temps" (2 people) is not named.
    expect(html).to.include('83 %').and.not.include('60 %');
    const obstacles = await csv(browser, `${path}?format=csv&table=obstacles`);
    expect(obstacles).to.have.length(1);
    expect(html).not.to.include('temps');
  });

  it('shows only a notice when a view has fewer than 5 people, with the hint only when a filter is set', async () => {
    const { browser } = await admin();
    for (const q of ['service=DSDEN+21', `course=${encodeURIComponent(courseKey('course-1'))}&service=DSDEN+21`, 'period=2026-03']) {
      const res = await browser.get(`/organiser/dashboard?${q}`);
      expect(res.status, q).to.equal(200);
      const html = await res.text();
      expect(html, q).to.include('Moins de 5 personnes correspondent à cette vue').and.include('Élargissez la période ou retirez le filtre');
      expect(html, q).not.to.include('id="chart-');
      expect(html, q).not.to.include('id="table-');
    }
    const small = await (await browser.get(`/organiser/dashboard/sessions/${SMALL.id}`)).text();
    expect(small).to.include('Moins de 5 personnes').and.not.include('Élargissez');
    const empty = await (await browser.get('/organiser/dashboard?period=2024-2025')).text();
    expect(empty).to.include('Moins de 5 personnes').and.not.include('Élargissez');
  });

  it('counts needs in distinct people, groups free-text keywords and hides small ones', async () => {
    const { browser } = await admin();
    const rows = await csv(browser, '/organiser/dashboard/needs?format=csv&table=needs');
    // "Tchap", "tchap ", "messagerie Tchap" from 6 people: one line of 6 (free-text threshold 6); OpenStreetMap (4) hidden.
    expect(rows.slice(1).map((r) => r.slice(0, 3))).to.deep.equal([['Texte libre', 'Tchap', '6']]);
    const html = await (await browser.get('/organiser/dashboard/needs')).text();
    expect(html).to.include('href="/organiser/sessions/new?title&#x3D;Tchap"');
    // La Fabrique: a proposal prefilled from the need.
    expect(html).to.include('href="/fabrique/proposals/new?needType&#x3D;free-text&amp;needLabel&#x3D;Tchap&amp;needKey&#x3D;');
    // Offers to present a tool: 5 colleagues offer "Padlet" (shown), 2 offer "Scratch" (fewer than 5).
    for (const [i, tool] of ['Padlet', 'padlet ', 'Padlet', 'Padlet', 'PADLET', 'Scratch', 'Scratch'].entries()) {
      const l = await buildLaunch(t.database.db, { sub: `offer-${i}`, contextId: 'course-1' });
      await t.database.db.execute(sql`insert into activity_offers (user_ref, context_ref, tool, description, created_at) values (${l.userId}, ${l.contextRef}, ${tool}, 'je peux montrer', '2026-03-01T10:00:00Z')`);
    }
    const offers = await csv(browser, '/organiser/dashboard/needs?format=csv&table=offers');
    expect(offers.slice(1).map((r) => r.slice(0, 2))).to.deep.equal([['PADLET', '5'], ['Scratch', 'masqué']]);
  });

  it('prefills "create a session" from a need, and shows a planned session\'s results as an empty state', async () => {
    const mine = await organiser('course-1');
    const form = await (await mine.browser.get('/organiser/sessions/new?title=Atelier+Tchap&tool=Tchap&competence=2.1')).text();
    expect(form).to.include('value="Atelier Tchap"').and.include('value="Tchap"');
    expect(form).to.match(/value="crcn:2\.1"[^>]*checked/);
    const odd = await mine.browser.get('/organiser/sessions/new?competence=%3Cscript%3E');
    expect(odd.status).to.equal(200);
    expect(await odd.text()).not.to.include('<script>');
    const { session: planned } = await buildSession(t.database.db, { ownerContextRef: mine.contextRef, title: 'Session à venir' });
    const empty = await mine.browser.get(`/organiser/dashboard/sessions/${planned.id}`);
    expect(empty.status).to.equal(200);
    expect(await empty.text()).to.include('Session à venir').and.include('Personne n&#x27;a encore participé');
    const stranger = await organiser('course-2');
    expect((await stranger.browser.get(`/organiser/dashboard/sessions/${planned.id}`)).status).to.equal(403);
  });

  it('lets an organiser see their own course and refuses another course (403)', async () => {
    const mine = await organiser('course-1');
    const res = await mine.browser.get('/organiser/dashboard');
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.include('id="table-sessions"').and.include('Tchap pour tous').and.not.include('Autre cours');
    const other = await mine.browser.get(`/organiser/dashboard?course=${encodeURIComponent(courseKey('course-2'))}`);
    expect(other.status).to.equal(403);
    expect((await mine.browser.get(`/organiser/dashboard/sessions/${S.id}`)).status).to.equal(200);
    expect((await mine.browser.get(`/organiser/dashboard/sessions/${OTHER.id}`)).status).to.equal(403);
    const participant = await signIn(t, { role: 'participant', contextId: 'course-1' });
    expect((await participant.browser.get('/organiser/dashboard')).status).to.equal(403);
    expect((await new (mine.browser.constructor as typeof mine.browser & (new (u: string) => typeof mine.browser))(t.url).get('/organiser/dashboard')).status).to.equal(401);
  });

  it('answers invalid filters with a message and status 400, never a 500', async () => {
    const { browser } = await admin();
    const cases: Array<[string, string]> = [
      ['/organiser/dashboard?period=2026-13', 'Choisissez une période de la liste'],
      ['/organiser/dashboard?period=2025-2027', 'Choisissez une période de la liste'],
      ['/organiser/dashboard?from=2026-01-01&to=2026-01-31', 'Paramètre inconnu'],
      ['/organiser/dashboard?colour=red', 'Paramètre inconnu'],
      ['/organiser/dashboard?format=pdf', 'html ou csv'],
      ['/organiser/dashboard?service=DANE&job=administratif', 'un seul groupe à la fois'],
      ['/organiser/dashboard/competences?period=2026-02', 'un mois compterait trop peu de personnes'],
      [`/organiser/dashboard/sessions/${S.id}?service=DANE`, 'ne prend aucun filtre'],
    ];
    for (const [path, message] of cases) {
      const res = await browser.get(path);
      expect(res.status, path).to.equal(400);
      const html = await res.text();
      expect(html, path).to.include(message);
      expect(html, path).not.to.include('id="chart-');
    }
    expect((await browser.get('/organiser/dashboard/sessions/not-a-session')).status).to.equal(404);
    expect((await browser.get('/organiser/dashboard?format=csv&table=nope')).status).to.equal(404);
  });

  it('saves a Borich target and rejects a bad one without changing anything', async () => {
    const { browser } = await admin();
    const page = await (await browser.get('/organiser/dashboard/competences')).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const bad = await browser.postForm('/organiser/dashboard/competences/targets', { _csrf: token, competence: '2.1', jobFamily: 'administratif', level: '9' });
    expect(bad.status).to.equal(400);
    expect(await queryRows(t.database.db, sql`select * from dash_targets`)).to.deep.equal([]);
    const ok = await browser.postForm('/organiser/dashboard/competences/targets', { _csrf: token, competence: '2.1', jobFamily: 'administratif', level: '6' });
    expect(ok.status).to.equal(303);
    // 6 people, target 6, latest self level = after: 6, 6, 8, 5, 4, 7 → mean gap (0+0−2+1+2−1)/6 = 0 → MWDS 0.
    const rows = await csv(browser, '/organiser/dashboard/competences?format=csv&table=borich');
    expect(rows[1]).to.deep.equal(['1', '2.1', 'Interagir', '0', '6']);
    const coverage = await csv(browser, '/organiser/dashboard/competences?format=csv&table=competences');
    expect(coverage).to.have.length(17);
    // 2.1: the session's own page hides its pair count (one person at level 8), so the pooled one is hidden too.
    expect(coverage.find((r) => r[0] === '2.1')!.slice(2, 4)).to.deep.equal(['3', 'masqué']);
  });
});
