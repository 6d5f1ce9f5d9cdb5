import { and, inArray, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { ActivityRef, AgentRef, Json } from './ifi';
import { lrsActivities, lrsStatementActivities, lrsStatementAgents, lrsStatements } from './lrs.tables';
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

/** Inserts statements and their index rows; returns what was inserted (an id stored meanwhile is skipped). */
export async function insertStatementRows(
  tx: DbOrTx,
  rows: Array<Omit<StatementRow, 'seq'>>,
  refs: Array<{ agents: AgentRef[]; activities: ActivityRef[] }>,
): Promise<Array<{ seq: number; id: string }>> {
  const inserted = await tx
    .insert(lrsStatements)
    .values(rows)
    .onConflictDoNothing({ target: lrsStatements.id })
    .returning({ seq: lrsStatements.seq, id: lrsStatements.id });
  const seqOf = new Map(inserted.map((r) => [r.id, r.seq]));
  const agents: Array<typeof lrsStatementAgents.$inferInsert> = [];
  const activities: Array<typeof lrsStatementActivities.$inferInsert> = [];
  rows.forEach((row, i) => {
    const seq = seqOf.get(row.id);
    if (seq === undefined) return;
    for (const a of refs[i]!.agents) agents.push({ statementSeq: seq, ifi: a.ifi, role: a.role, stored: row.stored });
    for (const a of refs[i]!.activities) activities.push({ statementSeq: seq, activityId: a.id, role: a.role, stored: row.stored });
  });
  if (agents.length) await tx.insert(lrsStatementAgents).values(agents).onConflictDoNothing();
  if (activities.length) await tx.insert(lrsStatementActivities).values(activities).onConflictDoNothing();
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
