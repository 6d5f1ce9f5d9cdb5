import { isDeepStrictEqual } from 'node:util';
import { and, asc, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import { changeVersionsSql, type ChangeVersions } from '../platform/db/changes';
import type { DbOrTx } from '../platform/db/client';
import { WRITER_LOCK_CLASS, writersOldestSql } from './consistency';
import type { ActivityRef, AgentRef, Json, NameRef } from './ifi';
import { lrsActivities, lrsAgentNames, lrsStatementAgents, lrsStatements } from './lrs.tables';
import { mergeDefinitions } from './statement.normalise';
import { VOIDED_VERB } from './statement.schema';

/** One row of lrs_statements. */
export type StatementRow = typeof lrsStatements.$inferSelect;

/** The stored statements with these ids (any order). */
export async function findStatementsByIds(tx: DbOrTx, ids: string[]): Promise<Array<{ id: string; statement: unknown; voided: boolean }>> {
  if (!ids.length) return [];
  return tx
    .select({ id: lrsStatements.id, statement: lrsStatements.statement, voided: lrsStatements.voided })
    .from(lrsStatements)
    .where(inArray(lrsStatements.id, ids));
}

/** The flag that a StatementRef statement was stored (readers skip their StatementRef query until it is set). */
export const STATEMENT_REFS_FLAG = 'lrs_statement_refs';
// A conflict on the existing flag takes no lock: writers of StatementRefs never queue behind each other here.
const STATEMENT_REFS_SEEN = sql`,
    refs as (insert into instants_settings (name, value) values (${STATEMENT_REFS_FLAG}, 'true'::jsonb) on conflict do nothing)`;

/**
 * Inserts statements and their index rows; returns what was inserted (an id stored meanwhile is skipped).
 * Rows travel as one JSON parameter per table (jsonb_to_recordset): one round trip whatever the batch size.
 * `alongside`: other data-modifying statements run in the same statement (the forwarding outbox rows).
 */
export async function insertStatementRows(
  tx: DbOrTx,
  rows: Array<Omit<StatementRow, 'seq'>>,
  refs: Array<{ agents: AgentRef[]; activities: ActivityRef[]; names: NameRef[] }>,
  alongside: SQL[] = [],
): Promise<Array<{ seq: number; id: string }>> {
  const payload = JSON.stringify(
    rows.map((r) => ({
      id: r.id, statement: r.statement, stored: r.stored, timestamp: r.timestamp, version: r.version, verb_id: r.verbId, actor_ifi: r.actorIfi,
      object_type: r.objectType, object_activity_id: r.objectActivityId, object_statement_ref: r.objectStatementRef, registration: r.registration,
      voided: r.voided, credential_id: r.credentialId, has_attachments: r.hasAttachments,
    })),
  );
  const agents: Array<[string, string, string, string]> = [];
  const activities: Array<[string, string, string, string]> = [];
  const names: Array<[string, string, string]> = [];
  rows.forEach((row, i) => {
    for (const a of refs[i]!.agents) agents.push([row.id, a.ifi, a.role, row.stored]);
    for (const a of refs[i]!.activities) activities.push([row.id, a.id, a.role, row.stored]);
    for (const n of refs[i]!.names) names.push([row.id, n.ifi, n.name]);
  });
  // One statement: the rows, then their index rows joined on what was really inserted (not on conflicts).
  const result = await tx.execute(sql`with ins as (
      insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type,
        object_activity_id, object_statement_ref, registration, voided, credential_id, has_attachments)
      select id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_activity_id, object_statement_ref, registration,
        voided, credential_id, has_attachments
      from jsonb_to_recordset(${payload}::jsonb) as r(id uuid, statement jsonb, stored timestamptz, "timestamp" timestamptz, version text,
        verb_id text, actor_ifi text, object_type text, object_activity_id text, object_statement_ref uuid, registration uuid, voided boolean,
        credential_id uuid, has_attachments boolean)
      on conflict (id) do nothing
      returning seq, id),
    ag as (
      insert into lrs_statement_agents (statement_seq, ifi, role, stored)
      select ins.seq, x->>1, x->>2, (x->>3)::timestamptz from jsonb_array_elements(${JSON.stringify(agents)}::jsonb) x join ins on ins.id = (x->>0)::uuid
      on conflict do nothing),
    ac as (
      insert into lrs_statement_activities (statement_seq, activity_id, role, stored)
      select ins.seq, x->>1, x->>2, (x->>3)::timestamptz from jsonb_array_elements(${JSON.stringify(activities)}::jsonb) x join ins on ins.id = (x->>0)::uuid
      on conflict do nothing),
    nm as (
      insert into lrs_agent_names (ifi, name)
      select distinct x->>1, x->>2 from jsonb_array_elements(${JSON.stringify(names)}::jsonb) x join ins on ins.id = (x->>0)::uuid
      on conflict do nothing)${rows.some((r) => r.objectStatementRef) ? STATEMENT_REFS_SEEN : sql``}${sql.join(
      alongside.map((statement, i) => sql`, ${sql.raw(`side${i}`)} as (${statement})`),
      sql``,
    )}
    select seq, id::text as id from ins`);
  const inserted = (result as unknown as { rows: Array<{ seq: string | number; id: string }> }).rows.map((r) => ({ seq: Number(r.seq), id: r.id }));
  return inserted;
}

/**
 * In one query: a shared advisory lock announcing this writer (its key is the second before which it stores
 * nothing, see consistency.ts), the oldest such key of the other writers, the stored statements with these
 * ids, the ids a stored voiding statement already refers to, the stored definitions of these activities, and
 * the versions of the cached tables (credentials, forwarding destinations: src/platform/db/changes.ts).
 */
export async function findExistingAndVoided(
  tx: DbOrTx,
  ids: string[],
  activityIds: string[] = [],
  writerSecond?: number,
): Promise<{ existing: Array<{ id: string; statement: unknown }>; voided: Set<string>; definitions: Map<string, Json>; othersOldestSecond: number | null; versions: ChangeVersions }> {
  const activities = activityIds.length
    ? sql` union all select id, definition, 'activity' from lrs_activities where id in ${activityIds}`
    : sql``;
  // The lock is taken in a scalar subquery evaluated once; its key goes as a signed int4 (pg_locks shows it unsigned).
  const writer =
    writerSecond === undefined
      ? sql``
      : sql` union all select (select pg_advisory_xact_lock_shared(${WRITER_LOCK_CLASS}, ${writerSecond | 0})::text), null, 'lock'
        union all select (${writersOldestSql})::text, null, 'oldest'`;
  const rows = (
    (await tx.execute(sql`select id::text as id, statement, 'statement' as kind from lrs_statements where id in ${ids}
      union all
      select object_statement_ref::text, null, 'voided' from lrs_statements where object_statement_ref in ${ids} and verb_id = ${VOIDED_VERB}${activities}${writer}
      union all select v.topic, to_jsonb(v.version), 'version' from (${changeVersionsSql}) v`)) as unknown as {
      rows: Array<{ id: string | null; statement: unknown; kind: 'statement' | 'voided' | 'activity' | 'lock' | 'oldest' | 'version' }>;
    }
  ).rows;
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  const oldest = rows.find((r) => r.kind === 'oldest')?.id;
  return {
    existing: rows.filter((r) => r.kind === 'statement').map((r) => ({ id: r.id!, statement: parse(r.statement) })),
    voided: new Set(rows.filter((r) => r.kind === 'voided').map((r) => r.id!)),
    definitions: new Map(rows.filter((r) => r.kind === 'activity').map((r) => [r.id!, (parse(r.statement) ?? {}) as Json])),
    othersOldestSecond: oldest === undefined || oldest === null ? null : Number(oldest),
    versions: new Map(rows.filter((r) => r.kind === 'version').map((r) => [r.id!, Number(parse(r.statement))])),
  };
}

/** Applies new voiding statements (xAPI-Data §2.3.2): their targets become voided, unless voiding statements. */
export async function markVoided(tx: DbOrTx, targets: string[]): Promise<void> {
  if (!targets.length) return;
  await tx
    .update(lrsStatements)
    .set({ voided: true })
    .where(and(inArray(lrsStatements.id, targets), ne(lrsStatements.verbId, VOIDED_VERB)));
}

/**
 * Keeps the canonical definition of each activity (for GET /activities), merged in SQL in the upsert itself
 * so that concurrent writers never lose each other's keys: language maps (name, description) and
 * extensions key by key, the other properties replaced by the latest. `known` gives the stored definitions
 * when the caller already read them: only definitions that would change are written, in id order (each
 * row locked until commit as it is written), so that concurrent writers of the same activities never
 * deadlock, and writers whose definitions are already stored (nearly all: the same session, series and
 * course over and over) take no lock at all and never queue behind each other.
 */
export async function upsertActivityDefinitions(tx: DbOrTx, list: Array<{ id: string; definition: Json }>, known?: Map<string, Json>): Promise<void> {
  if (!list.length) return;
  const merged = new Map<string, Json>();
  for (const { id, definition } of list) merged.set(id, mergeDefinitions(merged.get(id), definition));
  const existing =
    known ??
    new Map(
      (await tx.select({ id: lrsActivities.id, definition: lrsActivities.definition }).from(lrsActivities).where(inArray(lrsActivities.id, [...merged.keys()]))).map(
        (r) => [r.id, (r.definition ?? {}) as Json],
      ),
    );
  const changed = [...merged]
    .filter(([id, definition]) => !existing.has(id) || !isDeepStrictEqual(mergeDefinitions(existing.get(id), definition), existing.get(id)))
    .map(([id, definition]) => ({ id, definition }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (!changed.length) return;
  // Data §2.4.4.1 (Activity Definition): the LRS keeps one canonical definition, merged here key by key.
  const map = (k: string) => sql.raw(`case when jsonb_typeof(a.definition->'${k}') = 'object' and jsonb_typeof(excluded.definition->'${k}') = 'object'
      then jsonb_build_object('${k}', (a.definition->'${k}') || (excluded.definition->'${k}')) else '{}'::jsonb end`);
  await tx.execute(sql`insert into lrs_activities as a (id, definition)
    select id, definition from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as r(id text, definition jsonb) order by id
    on conflict (id) do update set
      definition = coalesce(a.definition, '{}'::jsonb) || excluded.definition || ${map('name')} || ${map('description')} || ${map('extensions')},
      updated_at = now()`);
}

/** The canonical definition of an activity, or null when none was seen. */
export async function findActivityDefinition(db: DbOrTx, id: string): Promise<Json | null> {
  const [row] = await db.select({ definition: lrsActivities.definition }).from(lrsActivities).where(eq(lrsActivities.id, id));
  return (row?.definition as Json | null | undefined) ?? null;
}

/** The names seen with an Agent's IFI in stored statements, sorted. */
export async function findAgentNames(db: DbOrTx, ifi: string): Promise<string[]> {
  const rows = await db.select({ name: lrsAgentNames.name }).from(lrsAgentNames).where(eq(lrsAgentNames.ifi, ifi)).orderBy(asc(lrsAgentNames.name));
  return rows.map((r) => r.name);
}

/** Whether any stored statement names this agent IFI (in any role). */
export async function isAgentSeen(db: DbOrTx, ifi: string): Promise<boolean> {
  const [row] = await db.select({ ifi: lrsStatementAgents.ifi }).from(lrsStatementAgents).where(eq(lrsStatementAgents.ifi, ifi)).limit(1);
  return row !== undefined;
}
