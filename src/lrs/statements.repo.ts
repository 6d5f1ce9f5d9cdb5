import { and, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { ActivityRef, AgentRef, Json } from './ifi';
import { lrsActivities, lrsStatements } from './lrs.tables';
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

/**
 * Inserts statements and their index rows; returns what was inserted (an id stored meanwhile is skipped).
 * Rows travel as one JSON parameter per table (jsonb_to_recordset): one round trip whatever the batch size.
 */
export async function insertStatementRows(
  tx: DbOrTx,
  rows: Array<Omit<StatementRow, 'seq'>>,
  refs: Array<{ agents: AgentRef[]; activities: ActivityRef[] }>,
): Promise<Array<{ seq: number; id: string }>> {
  const payload = JSON.stringify(
    rows.map((r) => ({
      id: r.id, statement: r.statement, stored: r.stored, timestamp: r.timestamp, version: r.version, verb_id: r.verbId, actor_ifi: r.actorIfi,
      object_type: r.objectType, object_activity_id: r.objectActivityId, object_statement_ref: r.objectStatementRef, registration: r.registration,
      voided: r.voided, credential_id: r.credentialId, has_attachments: r.hasAttachments,
    })),
  );
  const result = await tx.execute(sql`insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type,
      object_activity_id, object_statement_ref, registration, voided, credential_id, has_attachments)
    select id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_activity_id, object_statement_ref, registration,
      voided, credential_id, has_attachments
    from jsonb_to_recordset(${payload}::jsonb) as r(id uuid, statement jsonb, stored timestamptz, "timestamp" timestamptz, version text,
      verb_id text, actor_ifi text, object_type text, object_activity_id text, object_statement_ref uuid, registration uuid, voided boolean,
      credential_id uuid, has_attachments boolean)
    on conflict (id) do nothing
    returning seq, id`);
  const inserted = (result as unknown as { rows: Array<{ seq: string | number; id: string }> }).rows.map((r) => ({ seq: Number(r.seq), id: r.id }));
  const seqOf = new Map(inserted.map((r) => [r.id, r.seq]));
  const agents: Array<[number, string, string, string]> = [];
  const activities: Array<[number, string, string, string]> = [];
  rows.forEach((row, i) => {
    const seq = seqOf.get(row.id);
    if (seq === undefined) return;
    for (const a of refs[i]!.agents) agents.push([seq, a.ifi, a.role, row.stored]);
    for (const a of refs[i]!.activities) activities.push([seq, a.id, a.role, row.stored]);
  });
  if (agents.length || activities.length) {
    await tx.execute(sql`with a as (
        insert into lrs_statement_agents (statement_seq, ifi, role, stored)
        select (x->>0)::bigint, x->>1, x->>2, (x->>3)::timestamptz from jsonb_array_elements(${JSON.stringify(agents)}::jsonb) x
        on conflict do nothing)
      insert into lrs_statement_activities (statement_seq, activity_id, role, stored)
      select (x->>0)::bigint, x->>1, x->>2, (x->>3)::timestamptz from jsonb_array_elements(${JSON.stringify(activities)}::jsonb) x
      on conflict do nothing`);
  }
  return inserted;
}

/**
 * Applies voiding (xAPI-Data §2.3.2): the targets of new voiding statements become voided, and so does a new
 * statement that an earlier voiding statement already referred to. A voiding statement is never voided.
 */
export async function markVoided(tx: DbOrTx, targets: string[], newSeqs: number[]): Promise<void> {
  if (targets.length) {
    await tx
      .update(lrsStatements)
      .set({ voided: true })
      .where(and(inArray(lrsStatements.id, targets), ne(lrsStatements.verbId, VOIDED_VERB)));
  }
  if (newSeqs.length) {
    await tx.execute(sql`update lrs_statements s set voided = true
      where s.seq in ${newSeqs} and s.verb_id <> ${VOIDED_VERB}
        and exists (select 1 from lrs_statements v where v.object_statement_ref = s.id and v.verb_id = ${VOIDED_VERB})`);
  }
}

/** Keeps the latest definition of each activity, merged property by property (for GET /activities). */
export async function upsertActivityDefinitions(tx: DbOrTx, list: Array<{ id: string; definition: Json }>): Promise<void> {
  if (!list.length) return;
  const merged = new Map<string, Json>();
  for (const { id, definition } of list) merged.set(id, { ...(merged.get(id) ?? {}), ...definition });
  await tx
    .insert(lrsActivities)
    .values([...merged].map(([id, definition]) => ({ id, definition })))
    .onConflictDoUpdate({
      target: lrsActivities.id,
      set: { definition: sql`coalesce(${lrsActivities.definition}, '{}'::jsonb) || excluded.definition`, updatedAt: sql`now()` },
    });
}
