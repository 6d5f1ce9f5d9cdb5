import { expect } from 'chai';
import { catalogSessionOrganisers } from '../../src/catalog/catalog.tables';
import { catchUp } from '../../src/dashboard/rollup.service';
import { storeStatements } from '../../src/lrs';
import { buildSession } from '../activities/helpers';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { BASE, ISSUER, session, st } from './fixtures';

/**
 * A session's dashboard page follows the catalogue's ownership model (AGENTS.md, "Who owns what"): the
 * session's organisers (owner course, co-organiser courses, administrators) see every participant; a course
 * that only links the session sees figures computed over its own participants alone; a course with no
 * relation is refused. Session S of course A is linked from course B and co-organised by course D; C has
 * nothing. A's 6 participants and B's 5 each answered the quiz once.
 */
const course = (id: string) => ({ issuer: ISSUER, contextId: `course-${id}`, title: `Cours ${id}` });
const AT = '2026-02-10T11:00:00Z';
const QUESTION = { id: '1', text: 'Où créer un salon ?', interactionType: 'choice' as const, choices: [], correct: ['a'], competence: null };

function people(prefix: string, n: number) {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

function statementsOf(sessionId: string, byCourse: Array<[string, string[]]>) {
  const out = [];
  for (const [id, who] of byCourse) {
    const s = session(sessionId, { title: 'Tchap partagé', course: course(id) });
    for (const [i, p] of who.entries()) {
      out.push(st(p, '2026-02-09T09:00:00Z', s, { kind: 'launched' }));
      out.push(st(p, AT, s, { kind: 'attended', method: 'qr' }));
      out.push(st(p, AT, s, { kind: 'question-answered', quiz: { id: 'q', title: 'Quiz' }, question: QUESTION, response: [i % 2 ? 'a' : 'b'], success: i % 2 === 1, certainty: null }));
    }
  }
  return out;
}

const spaces = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('dashboard: a session page for its organisers, co-organisers and linking courses', function () {
  this.timeout(120_000);
  let t: TestApp;
  let as: Record<'A' | 'B' | 'C' | 'D' | 'learnerA' | 'admin', Awaited<ReturnType<typeof signIn>>>;
  let ids: { shared: string; draft: string; planned: string; external: string };

  before(async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-04-01T08:00:00Z')), env: { PRIVACY_MIN_GROUP: '5', XAPI_BASE_IRI: BASE } });
    const db = t.database.db;
    const A = await signIn(t, { role: 'organiser', contextId: 'course-A' });
    const { session: shared } = await buildSession(db, { title: 'Tchap partagé', ownerContextRef: A.contextRef });
    const { session: draft } = await buildSession(db, { title: 'Brouillon du cours A', ownerContextRef: A.contextRef, status: 'draft' });
    const { session: planned } = await buildSession(db, { title: 'Session à venir de A', ownerContextRef: A.contextRef });
    const B = await signIn(t, { role: 'organiser', contextId: 'course-B', resourceLinkId: `b-${shared.id}`, sessionId: shared.id });
    const C = await signIn(t, { role: 'organiser', contextId: 'course-C' });
    const D = await signIn(t, { role: 'organiser', contextId: 'course-D' });
    await db.insert(catalogSessionOrganisers).values([{ sessionId: shared.id, contextRef: D.contextRef! }, { sessionId: planned.id, contextRef: D.contextRef! }]);
    const learnerA = await signIn(t, { role: 'participant', contextId: 'course-A', resourceLinkId: `a-${shared.id}`, sessionId: shared.id });
    const admin = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-admin' });
    as = { A, B, C, D, learnerA, admin };
    // A session of another tool's statements, unknown to the catalogue: people of courses A and C.
    const external = 'e4444444-0000-4000-8000-000000000001';
    ids = { shared: shared.id, draft: draft.id, planned: planned.id, external };
    await db.transaction(async (tx) => {
      await storeStatements(tx, [...statementsOf(shared.id, [['A', people('a', 6)], ['B', people('b', 5)]]), ...statementsOf(external, [['A', people('xa', 6)], ['C', people('xc', 5)]])]);
    });
    await catchUp(db);
  });
  after(async () => t?.close());

  const page = async (who: keyof typeof as, id: string, suffix = '') => {
    const res = await as[who].browser.get(`/organiser/dashboard/sessions/${id}${suffix}`);
    return { status: res.status, body: spaces(await res.text()) };
  };
  /** The quiz item's answer count (shown as it is: organisers see who answered) from the items CSV. */
  const answered = async (who: keyof typeof as, id: string) => {
    const csv = await page(who, id, '?format=csv&table=items');
    expect(csv.status, `${who} items CSV`).to.equal(200);
    return csv.body.replace(/^\uFEFF/, '').trim().split('\r\n')[1]!.split(';')[1];
  };

  it('shows the owner course, a co-organiser course and an administrator every participant of the session', async () => {
    for (const who of ['A', 'D', 'admin'] as const) {
      const res = await page(who, ids.shared);
      expect(res.status, who).to.equal(200);
      expect(res.body, who).to.include('11 personnes inscrites');
      expect(await answered(who, ids.shared), who).to.equal('11');
    }
  });

  it('computes a linking course’s page over its own participants only: nothing of the owner course’s people enters', async () => {
    const res = await page('B', ids.shared);
    expect(res.status).to.equal(200);
    expect(res.body).to.include('5 personnes inscrites').and.not.include('11 personnes');
    expect(await answered('B', ids.shared)).to.equal('5');
  });

  it('refuses a course with no relation to the session (403), a learner (403) and nobody (401)', async () => {
    expect((await page('C', ids.shared)).status).to.equal(403);
    expect((await page('learnerA', ids.shared)).status).to.equal(403);
    expect((await page('C', ids.shared, '?format=csv&table=items')).status).to.equal(403);
    const anonymous = await fetch(`${t.url}/organiser/dashboard/sessions/${ids.shared}`, { redirect: 'manual' });
    expect(anonymous.status).to.equal(401);
  });

  it('shows a planned session’s empty state to a co-organiser course, and refuses a course with no relation', async () => {
    const res = await page('D', ids.planned);
    expect(res.status).to.equal(200);
    expect(res.body).to.include('Session à venir de A').and.include('Personne n&#x27;a encore participé');
    expect((await page('C', ids.planned)).status).to.equal(403);
  });

  it('answers 404 for another course’s draft, without its title', async () => {
    for (const who of ['B', 'C'] as const) {
      const res = await page(who, ids.draft);
      expect(res.status, who).to.equal(404);
      expect(res.body, who).not.to.include('Brouillon du cours A');
    }
    expect((await page('A', ids.draft)).status).to.equal(200);
  });

  it('shows each course only its own participants of a session the catalogue does not know, and refuses a course with none', async () => {
    expect(await answered('A', ids.external)).to.equal('6');
    expect(await answered('C', ids.external)).to.equal('5');
    expect(await answered('admin', ids.external)).to.equal('11');
    expect((await page('B', ids.external)).status).to.equal(403);
  });
});
