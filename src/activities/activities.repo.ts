import { and, asc, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import { ltiContexts, ltiUsers } from '../lti/lti.tables';
import type { DbOrTx } from '../platform/db/client';
import {
  activityAnswers,
  activityAttempts,
  activityAttendances,
  activityCheckinCodes,
  activityCheckinFailures,
  activityConfigs,
  activityNeedTopics,
  activityOffers,
  activityResourceOpens,
  activitySessionCompletions,
  type ActivityKind,
} from './activities.tables';

/** The only place of the activities slice that reads and writes its tables with Drizzle. */

export type ConfigRow = typeof activityConfigs.$inferSelect;
export type AttemptRow = typeof activityAttempts.$inferSelect;
export type AnswerRow = typeof activityAnswers.$inferSelect;

export function findConfigs(db: DbOrTx, sessionId: string): Promise<ConfigRow[]> {
  return db.select().from(activityConfigs).where(eq(activityConfigs.sessionId, sessionId));
}

/** Replaces a session's activity configuration by the given list (absent kinds are removed). */
export async function replaceConfigs(tx: DbOrTx, sessionId: string, list: Array<{ kind: ActivityKind; required: boolean; offered?: boolean; settings: unknown }>, at: Date): Promise<void> {
  await tx.delete(activityConfigs).where(eq(activityConfigs.sessionId, sessionId));
  if (list.length) await tx.insert(activityConfigs).values(list.map((c) => ({ sessionId, kind: c.kind, required: c.required, offered: c.offered ?? true, settings: c.settings, updatedAt: at })));
}

/** Serialises the saves of one session's activities until the transaction ends. */
export async function lockConfigs(tx: DbOrTx, sessionId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`activity_configs:${sessionId}`}, 0))`);
}

/** What participants answered in a session's quiz: people who answered, who finished, answers per question key. */
export async function countQuizAnswers(db: DbOrTx, sessionId: string): Promise<{ people: number; completed: number; byQuestion: Map<string, number> }> {
  const quiz = and(eq(activityAttempts.sessionId, sessionId), eq(activityAttempts.kind, 'quiz'));
  const [people] = await db
    .select({ n: sql<number>`count(distinct ${activityAttempts.userRef})::int`, completed: sql<number>`count(${activityAttempts.completedAt})::int` })
    .from(activityAttempts)
    .where(and(quiz, sql`exists (select 1 from activity_answers x where x.attempt_id = ${activityAttempts.id})`));
  const rows = await db
    .select({ key: activityAnswers.questionKey, n: sql<number>`count(*)::int` })
    .from(activityAnswers)
    .innerJoin(activityAttempts, eq(activityAttempts.id, activityAnswers.attemptId))
    .where(quiz)
    .groupBy(activityAnswers.questionKey);
  return { people: people?.n ?? 0, completed: people?.completed ?? 0, byQuestion: new Map(rows.map((r) => [r.key, r.n])) };
}

/** The attempt of one person at one activity of a session, created on first use. */
export async function ensureAttempt(tx: DbOrTx, v: { sessionId: string; userRef: string; contextRef: string | null; kind: ActivityKind; at: Date }): Promise<AttemptRow> {
  await tx
    .insert(activityAttempts)
    .values({ sessionId: v.sessionId, userRef: v.userRef, contextRef: v.contextRef, kind: v.kind, startedAt: v.at })
    .onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(activityAttempts)
    .where(and(eq(activityAttempts.sessionId, v.sessionId), eq(activityAttempts.userRef, v.userRef), eq(activityAttempts.kind, v.kind)));
  return row!;
}

/** Locks an attempt row for the rest of the transaction (two submits of the same person run one after the other). */
export async function lockAttempt(tx: DbOrTx, attemptId: string): Promise<void> {
  await tx.execute(sql`select id from activity_attempts where id = ${attemptId} for update`);
}

/** A person's attempts at a session's activities, with their answers. */
export async function findAttempts(db: DbOrTx, sessionId: string, userRef: string): Promise<Array<AttemptRow & { answers: AnswerRow[] }>> {
  const attempts = await db.select().from(activityAttempts).where(and(eq(activityAttempts.sessionId, sessionId), eq(activityAttempts.userRef, userRef)));
  if (!attempts.length) return [];
  const answers = await db
    .select()
    .from(activityAnswers)
    .where(inArray(activityAnswers.attemptId, attempts.map((a) => a.id)))
    .orderBy(asc(activityAnswers.answeredAt));
  return attempts.map((a) => ({ ...a, answers: answers.filter((x) => x.attemptId === a.id) }));
}

export function findAnswers(db: DbOrTx, attemptId: string): Promise<AnswerRow[]> {
  return db.select().from(activityAnswers).where(eq(activityAnswers.attemptId, attemptId));
}

/** Stores an answer unless this question of this attempt already has one; true when stored now. */
export async function insertAnswer(tx: DbOrTx, attemptId: string, questionKey: string, value: unknown, at: Date): Promise<boolean> {
  const rows = await tx.insert(activityAnswers).values({ attemptId, questionKey, value, answeredAt: at }).onConflictDoNothing().returning({ k: activityAnswers.questionKey });
  return rows.length === 1;
}

/** Marks an attempt completed once; true when it was completed now. */
export async function completeAttempt(tx: DbOrTx, attemptId: string, result: unknown, at: Date): Promise<boolean> {
  const rows = await tx
    .update(activityAttempts)
    .set({ completedAt: at, result })
    .where(and(eq(activityAttempts.id, attemptId), isNull(activityAttempts.completedAt)))
    .returning({ id: activityAttempts.id });
  return rows.length === 1;
}

/** Records presence once; true when recorded now. */
export async function insertAttendance(tx: DbOrTx, v: { sessionId: string; userRef: string; method: 'code' | 'qr' | 'manual'; markedBy: string | null; at: Date }): Promise<boolean> {
  const rows = await tx
    .insert(activityAttendances)
    .values({ sessionId: v.sessionId, userRef: v.userRef, method: v.method, markedBy: v.markedBy, attendedAt: v.at })
    .onConflictDoNothing()
    .returning({ u: activityAttendances.userRef });
  return rows.length === 1;
}

export async function findAttendance(db: DbOrTx, sessionId: string, userRef: string) {
  const [row] = await db.select().from(activityAttendances).where(and(eq(activityAttendances.sessionId, sessionId), eq(activityAttendances.userRef, userRef)));
  return row;
}

/** The session's check-in code, created with `fresh` when there is none yet. */
export async function ensureCheckinCode(db: DbOrTx, sessionId: string, fresh: string): Promise<string> {
  await db.insert(activityCheckinCodes).values({ sessionId, code: fresh }).onConflictDoNothing();
  const [row] = await db.select().from(activityCheckinCodes).where(eq(activityCheckinCodes.sessionId, sessionId));
  return row!.code;
}

export async function findCheckinCode(db: DbOrTx, sessionId: string): Promise<string | undefined> {
  const [row] = await db.select().from(activityCheckinCodes).where(eq(activityCheckinCodes.sessionId, sessionId));
  return row?.code;
}

/** Locks a person's row until the transaction ends (their check-in tries are then evaluated one at a time). */
export async function lockPersonForCheckin(tx: DbOrTx, userRef: string): Promise<void> {
  await tx.execute(sql`select id from lti_users where id = ${userRef} for update`);
}

export async function countCheckinFailures(db: DbOrTx, userRef: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(activityCheckinFailures)
    .where(and(eq(activityCheckinFailures.userRef, userRef), gte(activityCheckinFailures.attemptedAt, since)));
  return row?.n ?? 0;
}

export async function insertCheckinFailure(db: DbOrTx, userRef: string, sessionId: string, at: Date): Promise<void> {
  await db.insert(activityCheckinFailures).values({ userRef, sessionId, attemptedAt: at });
}

/** Counts an opening of a resource by a person. */
export async function recordResourceOpen(tx: DbOrTx, v: { resourceId: string; sessionId: string; userRef: string; at: Date }): Promise<void> {
  await tx
    .insert(activityResourceOpens)
    .values({ resourceId: v.resourceId, sessionId: v.sessionId, userRef: v.userRef, firstOpenedAt: v.at, lastOpenedAt: v.at })
    .onConflictDoUpdate({
      target: [activityResourceOpens.resourceId, activityResourceOpens.userRef],
      set: { lastOpenedAt: v.at, openCount: sql`${activityResourceOpens.openCount} + 1` },
    });
}

export function findResourceOpens(db: DbOrTx, sessionId: string, userRef: string) {
  return db.select().from(activityResourceOpens).where(and(eq(activityResourceOpens.sessionId, sessionId), eq(activityResourceOpens.userRef, userRef)));
}

/** Records a session's completion once; true when recorded now. */
export async function insertCompletion(tx: DbOrTx, sessionId: string, userRef: string, at: Date): Promise<boolean> {
  const rows = await tx.insert(activitySessionCompletions).values({ sessionId, userRef, completedAt: at }).onConflictDoNothing().returning({ u: activitySessionCompletions.userRef });
  return rows.length === 1;
}

export async function findCompletion(db: DbOrTx, sessionId: string, userRef: string) {
  const [row] = await db
    .select()
    .from(activitySessionCompletions)
    .where(and(eq(activitySessionCompletions.sessionId, sessionId), eq(activitySessionCompletions.userRef, userRef)));
  return row;
}

export function listTopics(db: DbOrTx, onlyActive: boolean) {
  return db
    .select()
    .from(activityNeedTopics)
    .where(onlyActive ? eq(activityNeedTopics.active, true) : undefined)
    .orderBy(asc(activityNeedTopics.kind), asc(activityNeedTopics.label));
}

/** Adds a topic; false when one with the same label (any case) exists. */
export async function insertTopic(db: DbOrTx, kind: 'tool' | 'theme', label: string): Promise<boolean> {
  const rows = await db.insert(activityNeedTopics).values({ kind, label }).onConflictDoNothing().returning({ id: activityNeedTopics.id });
  return rows.length === 1;
}

export async function setTopicActive(db: DbOrTx, id: string, active: boolean): Promise<boolean> {
  const rows = await db.update(activityNeedTopics).set({ active }).where(eq(activityNeedTopics.id, id)).returning({ id: activityNeedTopics.id });
  return rows.length === 1;
}

export async function insertOffer(db: DbOrTx, v: typeof activityOffers.$inferInsert) {
  const [row] = await db.insert(activityOffers).values(v).returning();
  return row!;
}

/** Offers made from a course (or every course when `contextRef` is undefined), newest first. */
export function listOffers(db: DbOrTx, filter: { contextRef?: string; userRef?: string }) {
  return db
    .select({ offer: activityOffers, name: ltiUsers.name, email: ltiUsers.email, course: ltiContexts.title })
    .from(activityOffers)
    .innerJoin(ltiUsers, eq(ltiUsers.id, activityOffers.userRef))
    .leftJoin(ltiContexts, eq(ltiContexts.id, activityOffers.contextRef))
    .where(
      and(
        filter.contextRef !== undefined ? eq(activityOffers.contextRef, filter.contextRef) : undefined,
        filter.userRef !== undefined ? eq(activityOffers.userRef, filter.userRef) : undefined,
      ),
    )
    .orderBy(desc(activityOffers.createdAt))
    .limit(500);
}

/**
 * One offer with who made it and the course it was made from, locked for the caller's transaction (two
 * organisers taking it up at once are serialised); undefined for an unknown id.
 */
export async function findOfferForUpdate(tx: DbOrTx, id: string) {
  const [row] = await tx
    .select({
      offer: activityOffers,
      user: { issuer: ltiUsers.issuer, sub: ltiUsers.sub, service: ltiUsers.service, jobFamily: ltiUsers.jobFamily },
      course: { issuer: ltiContexts.issuer, contextId: ltiContexts.contextId, title: ltiContexts.title },
    })
    .from(activityOffers)
    .innerJoin(ltiUsers, eq(ltiUsers.id, activityOffers.userRef))
    .leftJoin(ltiContexts, eq(ltiContexts.id, activityOffers.contextRef))
    .where(eq(activityOffers.id, id))
    .for('update', { of: activityOffers });
  return row;
}

/** Records that an offer was taken up for a session (or, with null, that it no longer is). */
export async function setOfferTakenUp(tx: DbOrTx, id: string, v: { sessionId: string; at: Date; by: string; statementId: string } | null): Promise<void> {
  await tx
    .update(activityOffers)
    .set(v ? { takenUpSessionId: v.sessionId, takenUpAt: v.at, takenUpBy: v.by, takenUpStatementId: v.statementId } : { takenUpSessionId: null, takenUpAt: null, takenUpBy: null, takenUpStatementId: null })
    .where(eq(activityOffers.id, id));
}

/** Free-text wishes from the "what next?" survey (answers only, no names), in text order (never by time). */
export function listWishes(db: DbOrTx, filter: { contextRef?: string }) {
  return db
    .select({ sessionId: activityAttempts.sessionId, value: activityAnswers.value })
    .from(activityAnswers)
    .innerJoin(activityAttempts, eq(activityAttempts.id, activityAnswers.attemptId))
    .where(
      and(
        eq(activityAttempts.kind, 'needs'),
        eq(activityAnswers.questionKey, 'needs'),
        sql`coalesce(${activityAnswers.value}->>'freeText', '') <> ''`,
        filter.contextRef !== undefined ? eq(activityAttempts.contextRef, filter.contextRef) : undefined,
      ),
    )
    .orderBy(sql`lower(${activityAnswers.value}->>'freeText')`)
    .limit(1000);
}

/** People who answered the "what next?" survey, in all and per session (the free-text wishes' threshold). */
export async function countNeedsRespondents(db: DbOrTx, filter: { contextRef?: string }): Promise<{ total: number; bySession: Map<string, number> }> {
  const where = and(eq(activityAttempts.kind, 'needs'), sql`${activityAttempts.completedAt} is not null`, filter.contextRef !== undefined ? eq(activityAttempts.contextRef, filter.contextRef) : undefined);
  const [all] = await db.select({ n: sql<number>`count(distinct ${activityAttempts.userRef})::int` }).from(activityAttempts).where(where);
  const per = await db.select({ sessionId: activityAttempts.sessionId, n: sql<number>`count(distinct ${activityAttempts.userRef})::int` }).from(activityAttempts).where(where).groupBy(activityAttempts.sessionId);
  return { total: all?.n ?? 0, bySession: new Map(per.map((r) => [r.sessionId, r.n])) };
}

/** How many people are marked present at a session. */
export async function countAttendances(db: DbOrTx, sessionId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(activityAttendances).where(eq(activityAttendances.sessionId, sessionId));
  return row?.n ?? 0;
}
