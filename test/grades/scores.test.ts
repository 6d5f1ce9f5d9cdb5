import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { gradesScores } from '../../src/grades/grades.tables';
import { gradeSync, queueSessionScore, retryRefusedScores } from '../../src/grades';
import { gradesSettings } from '../../src/grades/grades.tables';
import { ltiResourceLinks } from '../../src/lti/lti.tables';
import type { Database } from '../../src/platform/db/client';
import { outbox } from '../../src/xapi/xapi.tables';
import { createTestDatabase } from '../support/db';
import { createGradesWorld, newSessionId, type GradesWorld } from './grades-fixture';

const LEARNER = (userId: string) => ({ userId, roles: ['Learner'] });

describe('grades: scores to the Moodle gradebook (AGS) through the outbox', () => {
  let database: Database;
  let w: GradesWorld;

  before(async () => {
    database = await createTestDatabase();
    w = await createGradesWorld(database, {
      members: {
        '42': [LEARNER('101'), LEARNER('102'), LEARNER('103'), LEARNER('104'), LEARNER('105'), LEARNER('106'), { userId: '7', roles: ['Instructor'] }],
        '43': [LEARNER('201'), LEARNER('202')],
      },
    });
  });
  after(async () => {
    await w?.close();
    await database?.close();
  });

  const scoreRow = async (id: string) => (await database.db.select().from(gradesScores).where(eq(gradesScores.id, id)))[0]!;
  const outboxRows = async (ref: string) => database.db.select().from(outbox).where(eq(outbox.ref, ref));

  it('posts a completion to the coupled line item exactly as Moodle records it (rescaled, FullyGraded)', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('42', { label: 'Instant Twitter', scoreMaximum: 10, resourceLinkId: 'rl-a' }, '3');
    const who = await w.launch({ sub: '101', contextId: '42', resourceLinkId: 'rl-a', sessionId, coupled });
    const at = w.clock.now();
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at });
    expect(row).to.not.equal(undefined);
    expect(await w.drain()).to.be.greaterThan(0);
    const grade = w.sim.gradebook(coupled).get('101');
    expect(grade).to.deep.include({ grade: 10, activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
    expect(grade!.timemodified).to.equal(Math.floor(at.getTime() / 1000));
    expect((await scoreRow(row!.id)).status).to.equal('delivered');
    expect(await outboxRows(row!.id)).to.have.length(0);
    const post = w.sim.scorePosts.find((p) => p.userId === '101')!;
    expect(post.body).to.deep.equal({ userId: '101', scoreGiven: 100, scoreMaximum: 100, activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp: at.toISOString() });
  });

  it('sends the quiz score when the organiser chose it, and a later change with a strictly newer timestamp', async () => {
    const sessionId = newSessionId();
    await database.db.insert(gradesSettings).values({ sessionId, scoreMode: 'quiz' });
    const coupled = w.sim.addLineItem('42', { label: 'Quiz', scoreMaximum: 20, resourceLinkId: 'rl-q' }, '3');
    const who = await w.launch({ sub: '102', contextId: '42', resourceLinkId: 'rl-q', sessionId, coupled });
    const at = w.clock.now();
    await queueSessionScore(database.db, { userId: who.userId, sessionId, at, quizScaled: 0.75 });
    await w.drain();
    expect(w.sim.gradebook(coupled).get('102')!.grade).to.equal(15);
    // D+30 follow-up changes the result within the same second: the timestamp still moves forward.
    const [again] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at, quizScaled: 0.9 });
    await w.drain();
    const grade = w.sim.gradebook(coupled).get('102')!;
    expect(grade.grade).to.equal(18);
    expect(grade.timemodified).to.equal(Math.floor(at.getTime() / 1000) + 1);
    expect((await scoreRow(again!.id)).version).to.equal(2);
  });

  it('sends a non-final result as Pending, which Moodle keeps without a grade', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('42', { label: 'Pending', scoreMaximum: 100, resourceLinkId: 'rl-p' }, '3');
    const who = await w.launch({ sub: '103', contextId: '42', resourceLinkId: 'rl-p', sessionId, coupled });
    await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now(), final: false });
    await w.drain();
    expect(w.sim.gradebook(coupled).get('103')).to.deep.include({ grade: null, gradingProgress: 'Pending' });
  });

  it('creates a line item by resourceId and tag when the link has none, and reuses it afterwards', async () => {
    const sessionId = newSessionId();
    const a = await w.launch({ sub: '201', contextId: '43', resourceLinkId: 'rl-nocoupled', sessionId, coupled: null });
    const b = await w.launch({ sub: '202', contextId: '43', resourceLinkId: 'rl-nocoupled', sessionId, coupled: null });
    await queueSessionScore(database.db, { userId: a.userId, sessionId, at: w.clock.now() });
    await w.drain();
    await queueSessionScore(database.db, { userId: b.userId, sessionId, at: w.clock.now() });
    await w.drain();
    const items = w.sim.lineItems('43');
    expect(items).to.have.length(1);
    expect(items[0]).to.deep.include({ resourceId: sessionId, tag: 'instants-completion', resourceLinkId: 'rl-nocoupled', scoreMaximum: 100 });
    expect([...w.sim.gradebook(items[0]!.id).keys()].sort()).to.deep.equal(['201', '202']);
  });

  it('re-posts once with a fresh timestamp when Moodle answers 409 for a timestamp not newer', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('42', { label: '409', scoreMaximum: 100, resourceLinkId: 'rl-409' }, '3');
    const who = await w.launch({ sub: '104', contextId: '42', resourceLinkId: 'rl-409', sessionId, coupled });
    const at = w.clock.now();
    const seconds = Math.floor(at.getTime() / 1000);
    w.sim.setGrade(coupled, '104', { grade: 50, timemodified: seconds, activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
    const refusedBefore = w.sim.stats.refused[409] ?? 0;
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at });
    await w.drain();
    expect(w.sim.stats.refused[409]).to.equal(refusedBefore + 1);
    const grade = w.sim.gradebook(coupled).get('104')!;
    expect(grade.grade).to.equal(100);
    expect(grade.timemodified).to.be.greaterThan(seconds);
    expect((await scoreRow(row!.id)).status).to.equal('delivered');
  });

  it('records a refusal for a user Moodle does not grade (teacher) and does not retry it', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('42', { label: 'teacher', scoreMaximum: 100, resourceLinkId: 'rl-t' }, '3');
    const who = await w.launch({ sub: '7', contextId: '42', resourceLinkId: 'rl-t', sessionId, coupled, role: 'organiser' });
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now() });
    await w.drain();
    const refused = await scoreRow(row!.id);
    expect(refused).to.include({ status: 'refused', remoteStatus: 400 });
    expect(refused.remoteBody).to.contain('not gradable');
    const [dead] = await outboxRows(row!.id);
    expect(dead).to.include({ status: 'dead', remoteStatus: 400 });
    const posts = w.sim.stats.scoreRequests;
    w.clock.advance(3600_000);
    await w.drain();
    expect(w.sim.stats.scoreRequests).to.equal(posts);
    expect(w.sim.gradebook(coupled).has('7')).to.equal(false);
    const sync = await gradeSync(database.db, sessionId);
    expect(sync.counts).to.deep.equal({ delivered: 0, pending: 0, refused: 1 });
    expect(sync.refused[0]!.remoteStatus).to.equal(400);
  });

  it('retries a refused score on demand with a fresh timestamp, replacing its dead letter', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('42', { label: 'retry', scoreMaximum: 100, resourceLinkId: 'rl-r' }, '3');
    const who = await w.launch({ sub: '105', contextId: '42', resourceLinkId: 'rl-r', sessionId, coupled });
    w.sim.failNext(1, 404);
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now() });
    await w.drain();
    expect((await scoreRow(row!.id)).status).to.equal('refused');
    expect(await retryRefusedScores(database.db, w.clock, sessionId)).to.equal(1);
    expect((await outboxRows(row!.id)).map((r) => r.status)).to.deep.equal(['pending']);
    await w.drain();
    expect((await scoreRow(row!.id)).status).to.equal('delivered');
    expect(w.sim.gradebook(coupled).get('105')!.grade).to.equal(100);
    expect(await retryRefusedScores(database.db, w.clock, sessionId)).to.equal(0);
  });

  it('keeps scores while the platform is down, then delivers each once with its latest value', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('42', { label: 'down', scoreMaximum: 100, resourceLinkId: 'rl-down' }, '3');
    await database.db.insert(gradesSettings).values({ sessionId, scoreMode: 'quiz' });
    const who = await w.launch({ sub: '106', contextId: '42', resourceLinkId: 'rl-down', sessionId, coupled });
    w.sim.setDown(true, 'reset');
    await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now(), quizScaled: 0.4 });
    await w.drain();
    w.sim.setDown(true, '503');
    w.clock.advance(60_000);
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now(), quizScaled: 0.8 });
    for (let i = 0; i < 5; i++) {
      w.clock.advance(10 * 60_000);
      await w.drain();
    }
    expect((await scoreRow(row!.id)).status).to.equal('pending');
    expect(await gradeSync(database.db, sessionId)).to.have.nested.property('counts.pending', 1);
    w.sim.setDown(false);
    w.clock.advance(10 * 60_000);
    await w.drain();
    expect(w.sim.scorePosts.filter((p) => p.userId === '106')).to.have.length(1);
    expect(w.sim.gradebook(coupled).get('106')!.grade).to.equal(80);
    expect((await scoreRow(row!.id)).status).to.equal('delivered');
    expect(await outboxRows(row!.id)).to.have.length(0);
  });

  it('delivers days after the launch from what Instants stored (no ltijs token), with a fresh service token', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('43', { label: 'later', scoreMaximum: 100, resourceLinkId: 'rl-later' }, '3');
    const who = await w.launch({ sub: '202', contextId: '43', resourceLinkId: 'rl-later', sessionId, coupled });
    await w.drain();
    w.clock.advance(5 * 86_400_000);
    const tokensBefore = w.sim.stats.tokenRequests;
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now() });
    await w.drain();
    expect((await scoreRow(row!.id)).status).to.equal('delivered');
    expect(w.sim.gradebook(coupled).get('202')!.grade).to.equal(100);
    expect(w.sim.stats.tokenRequests).to.equal(tokensBefore + 1);
  });

  it('waits after a 429 and then delivers', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('43', { label: '429', scoreMaximum: 100, resourceLinkId: 'rl-429' }, '3');
    const who = await w.launch({ sub: '201', contextId: '43', resourceLinkId: 'rl-429', sessionId, coupled });
    w.sim.failNext(1, 429);
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now() });
    await w.drain();
    expect((await scoreRow(row!.id)).status).to.equal('pending');
    expect((await outboxRows(row!.id))[0]!.remoteStatus).to.equal(429);
    w.clock.advance(5 * 60_000);
    await w.drain();
    expect((await scoreRow(row!.id)).status).to.equal('delivered');
  });

  it('queues nothing for a link without a gradebook service or a session the person did not launch', async () => {
    const sessionId = newSessionId();
    const who = await w.launch({ sub: '202', contextId: '43', resourceLinkId: 'rl-noags', sessionId, coupled: null });
    await database.db.update(ltiResourceLinks).set({ agsLineitem: null, agsLineitems: null }).where(eq(ltiResourceLinks.id, who.resourceLinkRef));
    expect(await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now() })).to.deep.equal([]);
    expect(await queueSessionScore(database.db, { userId: who.userId, sessionId: newSessionId(), at: w.clock.now() })).to.deep.equal([]);
    const [{ n }] = (await database.db.select({ n: sql<number>`count(*)::int` }).from(gradesScores).where(eq(gradesScores.sessionId, sessionId))) as [{ n: number }];
    expect(Number(n)).to.equal(0);
  });

  it('records a refusal, without posting, when no key is registered for the platform', async () => {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('43', { label: 'nokey', scoreMaximum: 100, resourceLinkId: 'rl-nokey' }, '3');
    const who = await w.launch({ sub: '202', contextId: '43', resourceLinkId: 'rl-nokey', sessionId, coupled });
    const [row] = await queueSessionScore(database.db, { userId: who.userId, sessionId, at: w.clock.now() });
    await database.db.update(gradesScores).set({ clientId: 'unknown-client' }).where(eq(gradesScores.id, row!.id));
    const posts = w.sim.stats.scoreRequests;
    await database.db.execute(sql`update outbox set destination = 'elsewhere' where ref = ${row!.id}`);
    await w.drain();
    expect((await scoreRow(row!.id)).status).to.equal('refused');
    expect(w.sim.stats.scoreRequests).to.equal(posts);
  });
});
