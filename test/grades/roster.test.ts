import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { loadRoster, type RosterOptions } from '../../src/grades';
import { gradesRosters } from '../../src/grades/grades.tables';
import { fetchAllMembers } from '../../src/grades/nrps.client';
import { nextLink, PlatformAnswerError } from '../../src/grades/platform-http';
import type { Database } from '../../src/platform/db/client';
import { AppError } from '../../src/platform/errors';
import { createTestDatabase } from '../support/db';
import type { SimMember } from '../support/platform-services';
import { createGradesWorld, newSessionId, type GradesWorld } from './grades-fixture';

describe('grades: course rosters from NRPS', () => {
  let database: Database;
  let w: GradesWorld;
  let contextRef: string;
  const options: RosterOptions = { cacheSeconds: 600, pageSize: 100 };
  const big: SimMember[] = Array.from({ length: 1234 }, (_, i) => ({ userId: String(10_000 + i), roles: i % 50 === 0 ? ['Instructor'] : ['Learner'], given_name: 'Agent', family_name: String(i) }));

  before(async () => {
    database = await createTestDatabase();
    w = await createGradesWorld(database, { members: { '61': big, '62': [{ userId: '1', roles: ['Learner'] }] }, pageSizeMax: 500 });
    const l = await w.launch({ sub: '10000', contextId: '61', resourceLinkId: 'rl-61', sessionId: newSessionId(), role: 'organiser' });
    contextRef = l.contextRef!;
  });
  after(async () => {
    await w?.close();
    await database?.close();
  });

  it('follows Link rel="next" through every page and keeps each member once, with their short roles', async () => {
    const pagesBefore = w.sim.stats.membershipPages;
    const roster = await loadRoster(w.deps, options, contextRef, true);
    expect(roster.members).to.have.length(1234);
    expect(roster.pages).to.equal(13);
    expect(w.sim.stats.membershipPages - pagesBefore).to.equal(13);
    expect(new Set(roster.members.map((m) => m.userId)).size).to.equal(1234);
    expect(roster.members[0]).to.deep.equal({ userId: '10000', roles: ['Instructor'], name: 'Agent 0', email: null });
    const [row] = await database.db.select().from(gradesRosters).where(eq(gradesRosters.contextRef, contextRef));
    expect(row!.memberCount).to.equal(1234);
  });

  it('serves the stored roster while it is fresh, and reads it again once the cache time has passed', async () => {
    await loadRoster(w.deps, options, contextRef, true);
    const before = w.sim.stats.membershipPages;
    expect((await loadRoster(w.deps, options, contextRef)).fromCache).to.equal(true);
    expect(w.sim.stats.membershipPages).to.equal(before);
    w.clock.advance(601_000);
    expect((await loadRoster(w.deps, options, contextRef)).fromCache).to.equal(false);
    expect(w.sim.stats.membershipPages).to.equal(before + 13);
  });

  it('falls back to the stored roster when the platform is down, and says so', async () => {
    w.sim.setDown(true);
    try {
      const roster = await loadRoster(w.deps, options, contextRef, true);
      expect(roster.fromCache).to.equal(true);
      expect(roster.members).to.have.length(1234);
    } finally {
      w.sim.setDown(false);
    }
  });

  it('answers 503 with a clear reason when the platform fails and nothing is stored', async () => {
    const l = await w.launch({ sub: '1', contextId: '62', resourceLinkId: 'rl-62', sessionId: newSessionId(), role: 'organiser' });
    w.sim.failNext(1, 500);
    const err = await loadRoster(w.deps, options, l.contextRef!, true).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(AppError);
    expect(err).to.include({ status: 503, messageKey: 'grades.roster_platform_error' });
    expect(await database.db.select().from(gradesRosters).where(eq(gradesRosters.contextRef, l.contextRef!))).to.have.length(0);
  });

  it('refuses a memberships page that is not a membership container', async () => {
    const f: typeof fetch = async () => new Response('{"members": "lots"}', { status: 200 });
    const err = await fetchAllMembers(f, 'tok', 'http://127.0.0.1:9/m', 100).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PlatformAnswerError);
    const html: typeof fetch = async () => new Response('<html>login</html>', { status: 200 });
    expect(await fetchAllMembers(html, 'tok', 'http://127.0.0.1:9/m', 100).catch((e: unknown) => e)).to.be.instanceOf(PlatformAnswerError);
  });

  it('stops on a next link that points to the same page (no endless loop) and skips inactive members', async () => {
    const self = 'http://127.0.0.1:9/m?limit=100';
    const f: typeof fetch = async () =>
      new Response(JSON.stringify({ members: [{ user_id: 'a', roles: ['Learner'] }, { user_id: 'b', roles: ['Learner'], status: 'Inactive' }] }), { status: 200, headers: { link: `<${self}>; rel="next"` } });
    const r = await fetchAllMembers(f, 'tok', 'http://127.0.0.1:9/m', 100);
    expect(r.members.map((m) => m.userId)).to.deep.equal(['a']);
    expect(r.pages).to.equal(1);
  });

  it('reads rel="next" among other links of a Link header', () => {
    expect(nextLink('<http://x/a?p=1>; rel="first", <http://x/a?p=3>; rel="next"')).to.equal('http://x/a?p=3');
    expect(nextLink('<http://x/a?p=3>; rel=next')).to.equal('http://x/a?p=3');
    expect(nextLink('<http://x/a?p=1>; rel="first"')).to.equal(undefined);
    expect(nextLink(null)).to.equal(undefined);
  });
});
