import crypto from 'node:crypto';
import { expect } from 'chai';
import { pseudonymOf } from '../../src/xapi';
import { sql } from 'drizzle-orm';
import { TEST_SECRETS, type TestApp } from '../support/app';
import { engine } from '../support/db';
import { signIn, TEST_ISSUER } from '../support/factories';
import { appWithOtherTool, awardsOf, checkIn, checkinCode, courseWithSession, createBadge, earnedStatements, participant, rows } from './helpers';

/** Awards computed from the learning records, whoever wrote them, exactly once even under concurrent writes. */
describe('badges: awards from other tools’ statements and under concurrency', function () {
  this.timeout(120_000);
  let t: TestApp;
  let auth: string;
  before(async () => {
    ({ t, auth } = await appWithOtherTool());
  });
  after(async () => t.close());

  const actorOf = (sub: string) => ({ objectType: 'Agent', account: { homePage: TEST_ISSUER, name: pseudonymOf(TEST_SECRETS.pseudonymKey, TEST_ISSUER, sub) } });
  const sessionIri = (id: string) => `${t.config.xapi.baseIri}/sessions/${id}`;
  const completed = (sub: string, sessionId: string) => ({
    id: crypto.randomUUID(),
    actor: actorOf(sub),
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'fr-FR': 'a terminé' } },
    object: { objectType: 'Activity', id: sessionIri(sessionId), definition: { type: 'http://adlnet.gov/expapi/activities/meeting', name: { 'fr-FR': 'Session' } } },
    result: { completion: true },
  });
  const post = (statements: unknown) =>
    fetch(`${t.url}/xapi/statements`, { method: 'POST', headers: { authorization: auth, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' }, body: JSON.stringify(statements) });

  it('counts a completion another tool sent to the LRS towards a badge of several sessions', async () => {
    const { organiser, session, contextId } = await courseWithSession(t);
    const badgeId = await createBadge(organiser, { rule_kind: 'sessions-count', count: '2' });
    const p = await participant(t, session.id, contextId);
    await checkIn(p, session.id, await checkinCode(organiser, session.id));
    expect(await awardsOf(t, p.userId)).to.have.length(0);
    expect((await post([completed(p.sub, crypto.randomUUID())])).status).to.equal(200);
    const awards = await awardsOf(t, p.userId);
    expect(awards.map((a) => a.badge_class_id)).to.deep.equal([badgeId]);
  });

  it('ignores statements of unknown people and of non-session activities', async () => {
    const { organiser } = await courseWithSession(t);
    await createBadge(organiser, { rule_kind: 'sessions-count', count: '1' });
    const before = (await earnedStatements(t)).length;
    const stranger = { ...completed('unknown', crypto.randomUUID()), actor: { objectType: 'Agent', mbox: 'mailto:personne@example.org' } };
    const followUp = { ...completed('x', crypto.randomUUID()), object: { objectType: 'Activity', id: `${sessionIri(crypto.randomUUID())}/follow-up` } };
    expect((await post([stranger, followUp])).status).to.equal(200);
    expect((await earnedStatements(t)).length).to.equal(before);
  });

  it('awards exactly once when many completions of one person arrive at the same time', async () => {
    const { organiser } = await courseWithSession(t);
    const badgeId = await createBadge(organiser, { rule_kind: 'sessions-count', count: '3' });
    const who = await signIn(t, { role: 'participant', contextId: 'course-concurrent' });
    const responses = await Promise.all(Array.from({ length: 8 }, () => post([completed(who.sub, crypto.randomUUID())])));
    expect(responses.map((r) => r.status)).to.deep.equal(Array(8).fill(200));
    const awards = (await awardsOf(t, who.userId)).filter((a) => a.badge_class_id === badgeId);
    expect(awards).to.have.length(1);
    const earned = (await earnedStatements(t)).filter((s) => s.id === awards[0]!.statement_id);
    expect(earned).to.have.length(1);
  });

  // The race the per-person lock (lockEarner) exists for needs two transactions really open at once: PGlite
  // runs one at a time, so this one is for PostgreSQL. The completion that meets the rule is held open in its
  // transaction (a hook after the badges hook) while the other completion arrives; without the lock neither
  // transaction sees the other's completion and nobody is awarded (run it with lockEarner removed: it fails).
  it('on PostgreSQL: awards exactly once, with one earned statement, when the completion meeting the rule races another in a concurrent transaction', async function () {
    if (engine !== 'postgres') this.skip();
    const { organiser } = await courseWithSession(t);
    const badgeId = await createBadge(organiser, { rule_kind: 'sessions-count', count: '3' });
    const who = await signIn(t, { role: 'participant', contextId: 'course-race' });
    // A first completion maps the person's pseudonym (badge_earners): the racing transactions then write no row in common.
    expect((await post([completed(who.sub, crypto.randomUUID())])).status).to.equal(200);
    const held = completed(who.sub, crypto.randomUUID());
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let entered = () => {};
    const inside = new Promise<void>((r) => (entered = r));
    const hook = async (_tx: unknown, statements: Array<Record<string, unknown>>) => {
      if (!statements.some((s) => s.id === held.id)) return;
      entered();
      await gate;
    };
    const hooks = t.instants.ctx.afterStatementsStored;
    hooks.push(hook);
    try {
      const first = post([held]);
      await inside;
      let secondDone = false;
      const second = post([completed(who.sub, crypto.randomUUID())]).then((r) => ((secondDone = true), r));
      // Until the second transaction waits for a lock (the per-person one) or, without it, has finished.
      const waiting = async () =>
        Number(rows<{ n: string }>(await t.database.db.execute(sql`select count(*)::text as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n);
      for (let i = 0; !secondDone && (await waiting()) === 0; i++) {
        if (i > 400) throw new Error('the second completion neither waited nor finished');
        await new Promise((r) => setTimeout(r, 25));
      }
      release();
      expect((await first).status).to.equal(200);
      expect((await second).status).to.equal(200);
    } finally {
      release();
      hooks.splice(hooks.indexOf(hook), 1);
    }
    const awards = (await awardsOf(t, who.userId)).filter((a) => a.badge_class_id === badgeId);
    expect(awards, 'awards of the badge').to.have.length(1);
    const earned = (await earnedStatements(t)).filter((s) => String((s.statement.object as { id: string }).id).endsWith(`/${badgeId}`));
    expect(earned.map((s) => s.id), 'earned statements of the badge').to.deep.equal([awards[0]!.statement_id]);
  });

  it('awards a session badge exactly once when the same completion is sent concurrently by several tools', async () => {
    const { organiser, session } = await courseWithSession(t);
    const badgeId = await createBadge(organiser, { rule_kind: 'session-completed', session_id: session.id });
    const who = await signIn(t, { role: 'participant', contextId: 'course-concurrent-2' });
    const responses = await Promise.all(Array.from({ length: 6 }, () => post([completed(who.sub, session.id)])));
    expect(responses.every((r) => r.status === 200)).to.equal(true);
    expect((await awardsOf(t, who.userId)).filter((a) => a.badge_class_id === badgeId)).to.have.length(1);
  });

  it('awards a positioning-gain badge when the level after a session exceeds the level before by the gain, and not a larger one', async () => {
    const { organiser } = await courseWithSession(t);
    const small = await createBadge(organiser, { name: 'Progrès', rule_kind: 'positioning-gain', competence: 'crcn:2.3', gain: '2' });
    const large = await createBadge(organiser, { name: 'Grand progrès', rule_kind: 'positioning-gain', competence: 'crcn:2.3', gain: '5' });
    const who = await signIn(t, { role: 'participant', contextId: 'course-gain' });
    const registration = crypto.randomUUID();
    const rated = (level: number, moment: string) => ({
      id: crypto.randomUUID(),
      actor: actorOf(who.sub),
      verb: { id: 'http://id.tincanapi.com/verb/rated', display: { 'fr-FR': 'a évalué' } },
      object: { objectType: 'Activity', id: `${t.config.xapi.baseIri}/competences/crcn/2.3` },
      result: { score: { raw: level, min: 1, max: 8 } },
      context: { registration, extensions: { [`${t.config.xapi.baseIri}/extensions/moment`]: moment } },
    });
    expect((await post([rated(2, 'before')])).status).to.equal(200);
    expect(await awardsOf(t, who.userId)).to.have.length(0);
    expect((await post([rated(5, 'after')])).status).to.equal(200);
    const ids = (await awardsOf(t, who.userId)).map((a) => a.badge_class_id);
    expect(ids).to.include(small);
    expect(ids).not.to.include(large);
  });

  it('awards a Fabrique badge once the person joined the teams of N projects', async () => {
    const { organiser } = await courseWithSession(t);
    const res = await createBadge(organiser, { name: 'Fabricante ou fabricant', rule_kind: 'fabrique-joined', projects: '2' });
    const who = await signIn(t, { role: 'participant', contextId: 'course-fabrique' });
    const joined = (projectId: string) => ({
      id: crypto.randomUUID(),
      actor: actorOf(who.sub),
      verb: { id: 'http://activitystrea.ms/schema/1.0/join', display: { 'fr-FR': 'a rejoint' } },
      object: { objectType: 'Activity', id: `${t.config.xapi.baseIri}/fabrique/projects/${projectId}` },
    });
    const project = crypto.randomUUID();
    expect((await post([joined(project), joined(project)])).status).to.equal(200);
    expect(await awardsOf(t, who.userId)).to.have.length(0);
    expect((await post([joined(crypto.randomUUID())])).status).to.equal(200);
    expect((await awardsOf(t, who.userId)).map((a) => a.badge_class_id)).to.deep.equal([res]);
  });
});
