import { and, eq, sql } from 'drizzle-orm';
import { ltiLaunches, ltiResourceLinks, ltiUsers } from '../lti/lti.tables';
import type { DbOrTx } from '../platform/db/client';
import { activityLaunchEvents, type ActivityKind } from './activities.tables';

/** Reads about people in sessions (launches, presence, a person's whole state) and launch events: raw SQL where one round trip matters. */

export interface ParticipantRow {
  user_ref: string;
  name: string | null;
  email: string | null;
  role: string | null;
  last_launch: string | Date | null;
  attended_at: string | Date | null;
  method: string | null;
  completed_at: string | Date | null;
  done_kinds: string[];
}

/**
 * People who launched a session (through a link bound to it) or did something in it, with their status;
 * with `ownCourse`, only the people of that course (who launched it from that course's links, or answered
 * its activities from that course).
 */
export async function listParticipants(db: DbOrTx, sessionId: string, ownCourse: string | null = null) {
  const course = ownCourse
    ? sql`where g.user_ref in (
        select l.user_ref from lti_launches l join lti_resource_links r on r.id = l.resource_link_ref
         where r.session_id = ${sessionId} and r.context_ref = ${ownCourse}
        union select t.user_ref from activity_attempts t where t.session_id = ${sessionId} and t.context_ref = ${ownCourse})`
    : sql``;
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
           g.last_launch, a.attended_at, a.method, c.completed_at,
           coalesce((select array_agg(t.kind order by t.kind) from activity_attempts t
                      where t.session_id = ${sessionId} and t.user_ref = g.user_ref and t.completed_at is not null), '{}') as done_kinds
      from grouped g
      join lti_users u on u.id = g.user_ref
      left join activity_attendances a on a.session_id = ${sessionId} and a.user_ref = g.user_ref
      left join activity_session_completions c on c.session_id = ${sessionId} and c.user_ref = g.user_ref
     ${course}
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

/** Sessions of a person with a follow-up configured and not yet answered, with the follow-up's settings. */
export async function findPendingFollowUps(db: DbOrTx, userRef: string): Promise<Array<{ sessionId: string; settings: unknown }>> {
  const result = await db.execute(sql`
    with mine as (
      select r.session_id from lti_launches l join lti_resource_links r on r.id = l.resource_link_ref
       where l.user_ref = ${userRef} and r.session_id is not null
      union select session_id from activity_attendances where user_ref = ${userRef}
      union select session_id from activity_attempts where user_ref = ${userRef}
    )
    select c.session_id, c.settings from activity_configs c join mine m on m.session_id = c.session_id
     where c.kind = 'follow-up' and c.offered
       and not exists (select 1 from activity_attempts t where t.session_id = c.session_id and t.user_ref = ${userRef} and t.kind = 'follow-up' and t.completed_at is not null)`);
  return rowsOf<{ session_id: string; settings: unknown }>(result).map((r) => ({ sessionId: r.session_id, settings: typeof r.settings === 'string' ? JSON.parse(r.settings) : r.settings }));
}
