import { and, asc, desc, eq, gte, inArray, isNull, sql } from 'drizzle-orm';
import { ltiContexts, ltiLaunches, ltiResourceLinks, ltiUsers } from '../lti/lti.tables';
import type { DbOrTx } from '../platform/db/client';
import {
  activityAnswers,
  activityAttempts,
  activityAttendances,
  activityCheckinCodes,
  activityCheckinFailures,
  activityConfigs,
  activityLaunchEvents,
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
export async function replaceConfigs(tx: DbOrTx, sessionId: string, list: Array<{ kind: ActivityKind; required: boolean; settings: unknown }>, at: Date): Promise<void> {
  await tx.delete(activityConfigs).where(eq(activityConfigs.sessionId, sessionId));
  if (list.length) await tx.insert(activityConfigs).values(list.map((c) => ({ sessionId, kind: c.kind, required: c.required, settings: c.settings, updatedAt: at })));
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

/** Free-text wishes from the "what next?" survey (answers only, no names), newest first. */
export function listWishes(db: DbOrTx, filter: { contextRef?: string }) {
  return db
    .select({ sessionId: activityAttempts.sessionId, value: activityAnswers.value, at: activityAnswers.answeredAt })
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
    .orderBy(desc(activityAnswers.answeredAt))
    .limit(1000);
}

/** Contexts (courses) whose resource links show a session. */
export async function findSessionContexts(db: DbOrTx, sessionId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ c: ltiResourceLinks.contextRef })
    .from(ltiResourceLinks)
    .where(eq(ltiResourceLinks.sessionId, sessionId));
  return rows.map((r) => r.c).filter((c): c is string => c !== null);
}

export interface ParticipantRow {
  user_ref: string;
  name: string | null;
  email: string | null;
  role: string | null;
  last_launch: string | Date | null;
  attended_at: string | Date | null;
  method: string | null;
  completed_at: string | Date | null;
}

/** People who launched a session (through a link bound to it) or did something in it, with their status. */
export async function listParticipants(db: DbOrTx, sessionId: string) {
  const result = await db.execute(sql`
    with people as (
      select l.user_ref, max(l.launched_at) as last_launch, bool_or(l.role = 'organiser') as organiser
        from lti_launches l join lti_resource_links r on r.id = l.resource_link_ref
       where r.session_id = ${sessionId}
       group by l.user_ref
      union
      select a.user_ref, null, false from activity_attendances a where a.session_id = ${sessionId}
      union
      select t.user_ref, null, false from activity_attempts t where t.session_id = ${sessionId}
    ), grouped as (
      select user_ref, max(last_launch) as last_launch, bool_or(organiser) as organiser from people group by user_ref
    )
    select g.user_ref, u.name, u.email, case when g.organiser then 'organiser' else 'participant' end as role,
           g.last_launch, a.attended_at, a.method, c.completed_at
      from grouped g
      join lti_users u on u.id = g.user_ref
      left join activity_attendances a on a.session_id = ${sessionId} and a.user_ref = g.user_ref
      left join activity_session_completions c on c.session_id = ${sessionId} and c.user_ref = g.user_ref
     order by u.name nulls last, u.email nulls last, g.user_ref`);
  return rowsOf<ParticipantRow>(result);
}

/** Whether a person launched a session through a link bound to it. */
export async function hasLaunched(db: DbOrTx, sessionId: string, userRef: string): Promise<boolean> {
  const rows = await db
    .select({ id: ltiLaunches.id })
    .from(ltiLaunches)
    .innerJoin(ltiResourceLinks, eq(ltiResourceLinks.id, ltiLaunches.resourceLinkRef))
    .where(and(eq(ltiResourceLinks.sessionId, sessionId), eq(ltiLaunches.userRef, userRef)))
    .limit(1);
  return rows.length === 1;
}

/** Ids of the sessions a person launched or took part in. */
export async function findMySessionIds(db: DbOrTx, userRef: string): Promise<string[]> {
  const result = await db.execute(sql`
    select r.session_id from lti_launches l join lti_resource_links r on r.id = l.resource_link_ref
     where l.user_ref = ${userRef} and r.session_id is not null
    union select session_id from activity_attendances where user_ref = ${userRef}
    union select session_id from activity_attempts where user_ref = ${userRef}`);
  return rowsOf<{ session_id: string }>(result).map((r) => r.session_id);
}

export async function ltiUserById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(ltiUsers).where(eq(ltiUsers.id, id));
  return row;
}

/** The rows of a raw query, whichever driver ran it (both node-postgres and PGlite answer `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** One person's state in a session in one round trip: attempts with answers, opened resources, presence, completion. */
export async function findPersonalState(db: DbOrTx, sessionId: string, userRef: string) {
  const result = await db.execute(sql`
    select
      (select coalesce(json_agg(json_build_object(
          'id', t.id, 'kind', t.kind, 'startedAt', t.started_at, 'completedAt', t.completed_at, 'result', t.result,
          'answers', (select coalesce(json_agg(json_build_object('questionKey', a.question_key, 'value', a.value, 'answeredAt', a.answered_at) order by a.answered_at), '[]'::json)
                        from activity_answers a where a.attempt_id = t.id))), '[]'::json)
         from activity_attempts t where t.session_id = ${sessionId} and t.user_ref = ${userRef}) as attempts,
      (select coalesce(json_agg(o.resource_id), '[]'::json) from activity_resource_opens o where o.session_id = ${sessionId} and o.user_ref = ${userRef}) as opens,
      (select json_build_object('at', d.attended_at, 'method', d.method) from activity_attendances d where d.session_id = ${sessionId} and d.user_ref = ${userRef}) as attendance,
      (select c.completed_at from activity_session_completions c where c.session_id = ${sessionId} and c.user_ref = ${userRef}) as completed_at`);
  const row = rowsOf<{ attempts: unknown; opens: unknown; attendance: unknown; completed_at: unknown }>(result)[0]!;
  const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  const attempts = json<Array<{ id: string; kind: string; startedAt: string; completedAt: string | null; result: unknown; answers: Array<{ questionKey: string; value: unknown; answeredAt: string }> }>>(row.attempts);
  const attendance = json<{ at: string; method: string } | null>(row.attendance);
  return {
    attempts: attempts.map((a) => ({ ...a, kind: a.kind as ActivityKind, startedAt: new Date(a.startedAt), completedAt: date(a.completedAt), answers: a.answers.map((x) => ({ ...x, answeredAt: new Date(x.answeredAt) })) })),
    opens: json<string[]>(row.opens),
    attendance: attendance ? { at: new Date(attendance.at), method: attendance.method } : null,
    completedAt: date(row.completed_at),
  };
}

export async function hasLaunchEvent(db: DbOrTx, launchId: string): Promise<boolean> {
  const rows = await db.select({ id: activityLaunchEvents.launchId }).from(activityLaunchEvents).where(eq(activityLaunchEvents.launchId, launchId));
  return rows.length === 1;
}

/** Marks a launch's event as recorded; true when marked now (false when it already was). */
export async function insertLaunchEvent(tx: DbOrTx, launchId: string, sessionId: string, at: Date): Promise<boolean> {
  const rows = await tx.insert(activityLaunchEvents).values({ launchId, sessionId, recordedAt: at }).onConflictDoNothing().returning({ id: activityLaunchEvents.launchId });
  return rows.length === 1;
}
