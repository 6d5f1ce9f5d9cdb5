import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';

/**
 * Reads of the learning records (the LRS statement store) that badge rules are computed from. Only
 * non-voided statements count, whoever sent them. Every query is for one actor, by their IFI.
 */

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const RATED = 'http://id.tincanapi.com/verb/rated';
const JOINED = 'http://activitystrea.ms/schema/1.0/join';
const HOSTED = 'http://activitystrea.ms/schema/1.0/host';

function rows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

/** The statement that records the completion of a session activity, if any. */
export async function findSessionCompletion(db: DbOrTx, actorIfi: string, sessionIri: string): Promise<string | undefined> {
  const r = rows<{ id: string }>(
    await db.execute(sql`select id from lrs_statements where actor_ifi = ${actorIfi} and verb_id = ${COMPLETED} and object_activity_id = ${sessionIri} and not voided order by seq limit 1`),
  );
  return r[0]?.id;
}

/**
 * Sessions completed by an actor (one statement id per session, the first), optionally only those grouped
 * in a series and with a timestamp within a period of Paris days.
 */
export async function listSessionCompletions(
  db: DbOrTx,
  q: { actorIfi: string; sessionPrefix: string; seriesIri: string | null; from: string | null; to: string | null },
): Promise<string[]> {
  const series = q.seriesIri
    ? sql`and exists (select 1 from lrs_statement_activities a where a.statement_seq = s.seq and a.activity_id = ${q.seriesIri} and a.role = 'grouping')`
    : sql``;
  const from = q.from ? sql`and (s."timestamp" at time zone 'Europe/Paris')::date >= ${q.from}::date` : sql``;
  const to = q.to ? sql`and (s."timestamp" at time zone 'Europe/Paris')::date <= ${q.to}::date` : sql``;
  const r = rows<{ id: string }>(
    await db.execute(sql`select (array_agg(s.id order by s.seq))[1] as id from lrs_statements s
      where s.actor_ifi = ${q.actorIfi} and s.verb_id = ${COMPLETED} and not s.voided
        and starts_with(s.object_activity_id, ${q.sessionPrefix}) and strpos(substr(s.object_activity_id, ${q.sessionPrefix.length + 1}), '/') = 0
        ${series} ${from} ${to}
      group by s.object_activity_id`),
  );
  return r.map((x) => x.id);
}

/**
 * A pair of self-positionings on a competence in the same registration (session) where the level after
 * the session exceeds the level before it (prospective or retrospective) by at least `gain`.
 */
export async function findPositioningGain(db: DbOrTx, q: { actorIfi: string; competenceIri: string; momentIri: string; gain: number }): Promise<string[] | undefined> {
  const r = rows<{ after_id: string; before_id: string }>(
    await db.execute(sql`with p as (
        select id, registration, statement -> 'context' -> 'extensions' ->> ${q.momentIri} as moment,
          (statement -> 'result' -> 'score' ->> 'raw')::numeric as level
        from lrs_statements
        where actor_ifi = ${q.actorIfi} and verb_id = ${RATED} and object_activity_id = ${q.competenceIri} and not voided and registration is not null
          and jsonb_typeof(statement -> 'result' -> 'score' -> 'raw') = 'number'
      )
      select a.id as after_id, b.id as before_id from p a join p b on a.registration = b.registration
      where a.moment = 'after' and b.moment in ('before', 'then') and a.level - b.level >= ${q.gain}
      limit 1`),
  );
  return r[0] ? [r[0].before_id, r[0].after_id] : undefined;
}

/**
 * The distinct activities directly under `prefix` (a Fabrique project, a session) on which the actor has a
 * statement with `verb` that is not voided: one statement id per activity, the first.
 */
async function listActivitiesWithVerb(db: DbOrTx, actorIfi: string, verb: string, prefix: string): Promise<string[]> {
  const r = rows<{ id: string }>(
    await db.execute(sql`select (array_agg(id order by seq))[1] as id from lrs_statements
      where actor_ifi = ${actorIfi} and verb_id = ${verb} and not voided
        and starts_with(object_activity_id, ${prefix}) and strpos(substr(object_activity_id, ${prefix.length + 1}), '/') = 0
      group by object_activity_id`),
  );
  return r.map((x) => x.id);
}

/** Fabrique projects whose team the actor joined. */
export const listProjectsJoined = (db: DbOrTx, actorIfi: string, projectPrefix: string) => listActivitiesWithVerb(db, actorIfi, JOINED, projectPrefix);

/** Sessions the actor presented (`hosted` statements on a session activity). */
export const listSessionsPresented = (db: DbOrTx, actorIfi: string, sessionPrefix: string) => listActivitiesWithVerb(db, actorIfi, HOSTED, sessionPrefix);

/** Known users for pseudonymous actor IFIs (`account:<issuer> <pseudonym>`). */
export async function findEarners(db: DbOrTx, ifis: string[]): Promise<Map<string, string>> {
  if (!ifis.length) return new Map();
  const list = `{${ifis.map((i) => `"${i.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  const r = rows<{ actor_ifi: string; user_ref: string }>(await db.execute(sql`select actor_ifi, user_ref from badge_earners where actor_ifi = any(${list}::text[])`));
  return new Map(r.map((x) => [x.actor_ifi, x.user_ref]));
}

/** Users of a platform not yet mapped to a pseudonym: the hook computes theirs and records them. */
export async function listUnmappedUsers(db: DbOrTx, issuer: string): Promise<Array<{ id: string; sub: string }>> {
  return rows<{ id: string; sub: string }>(
    await db.execute(sql`select u.id, u.sub from lti_users u where u.issuer = ${issuer}
      and not exists (select 1 from badge_earners e where e.user_ref = u.id)`),
  );
}

/** Remembers pseudonym → user mappings (idempotent). */
export async function insertEarners(db: DbOrTx, pairs: Array<{ actorIfi: string; userRef: string }>): Promise<void> {
  if (!pairs.length) return;
  const values = sql.join(pairs.map((p) => sql`(${p.actorIfi}, ${p.userRef}::uuid)`), sql`, `);
  await db.execute(sql`insert into badge_earners (actor_ifi, user_ref) values ${values} on conflict do nothing`);
}

/** Serialises rule evaluation per person, so two concurrent completions cannot each miss the other's. */
export async function lockEarner(db: DbOrTx, userRef: string): Promise<void> {
  await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`badges:${userRef}`}, 0))`);
}
