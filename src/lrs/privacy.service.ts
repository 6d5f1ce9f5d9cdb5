import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../platform/db/client';
import { ValidationError } from '../platform/errors';
import type { RemovedStatement } from '../platform/personal-data';
import { actorKey, type Json } from './ifi';
import { lrsAuditLog } from './lrs.tables';
import { agentParamSchema } from './statement.schema';

/**
 * Data-protection operations of the LRS (GDPR articles 15, 17 and 5.1.e): export, erasure, retention purge.
 * The privacy slice calls the primitives inside its own transaction (with the rest of a person's data, and
 * the dashboard facts derived from what goes); `exportPerson`, `erasePerson` and `purgeBefore` are the LRS
 * alone, each written to the LRS audit log.
 */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
/** The audit log names a person by a hash of their identifier; an erasure removes these rows too. */
export const subjectOf = (ifi: string) => `person:${crypto.createHash('sha256').update(ifi).digest('hex').slice(0, 32)}`;
const list = (ifis: string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(ifis)}::jsonb))`;

/** What happens after statements were removed, in the same transaction (the dashboard recomputes its facts). */
export type AfterRemoval = (tx: DbOrTx, removed: RemovedStatement[]) => Promise<void>;

/** The IFI of an agent given as JSON (as the xAPI `agent` parameter); ValidationError when invalid. */
export function personIfi(agentJson: string): string {
  let agent: unknown;
  try {
    agent = JSON.parse(agentJson);
  } catch {
    throw new ValidationError('The agent is not JSON', [{ path: 'agent', message: 'expected JSON, e.g. {"mbox":"mailto:jeanne@ac-dijon.fr"}' }]);
  }
  const r = agentParamSchema.safeParse(agent);
  if (!r.success) throw new ValidationError('The agent is not a valid xAPI Agent', r.error.issues.map((i) => ({ path: `agent.${i.path.join('.')}`, message: i.message })));
  return actorKey(agent as Json);
}

const personStatements = (ifis: string[]) => sql`select s.seq from lrs_statements s where s.actor_ifi in ${list(ifis)}
  union select a.statement_seq from lrs_statement_agents a where a.ifi in ${list(ifis)}`;

/** Every statement naming these identifiers in any role, as stored, oldest first. */
export async function statementsNaming(db: DbOrTx, ifis: string[]): Promise<Json[]> {
  return rowsOf<{ statement: Json }>(await db.execute(sql`select statement from lrs_statements where seq in (${personStatements(ifis)}) order by stored, seq`)).map((r) => r.statement);
}

/** The documents (state, agent profile) kept for these identifiers, contents decoded when textual. */
export async function documentsOf(db: DbOrTx, ifis: string[]): Promise<Json[]> {
  const rows = rowsOf<{ kind: string; activity_id: string; registration: string; doc_id: string; content_type: string; content: Uint8Array; updated: Date }>(
    await db.execute(sql`select kind, activity_id, registration, doc_id, content_type, content, updated from lrs_documents where agent_ifi in ${list(ifis)} order by id`),
  );
  return rows.map((d) => ({
    kind: d.kind,
    activityId: d.activity_id || undefined,
    registration: d.registration || undefined,
    id: d.doc_id,
    contentType: d.content_type,
    updated: new Date(d.updated).toISOString(),
    content: d.content_type.startsWith('application/json') || d.content_type.startsWith('text/') ? Buffer.from(d.content).toString('utf8') : Buffer.from(d.content).toString('base64'),
  }));
}

/** The names seen with these identifiers in statements (for /agents). */
export async function agentNamesOf(db: DbOrTx, ifis: string[]): Promise<Json[]> {
  return rowsOf<Json>(await db.execute(sql`select ifi, name from lrs_agent_names where ifi in ${list(ifis)} order by ifi, name`));
}

/** The LRS audit lines about these identifiers (exports logged by hash). */
export async function auditLinesOf(db: DbOrTx, ifis: string[]): Promise<Json[]> {
  return rowsOf<Json>(await db.execute(sql`select action, at, detail from lrs_audit_log where subject in (select jsonb_array_elements_text(${JSON.stringify(ifis.map(subjectOf))}::jsonb)) order by id`));
}

/** Deletes attachment contents no statement declares any more, and names no statement gives any more. */
async function dropOrphans(db: DbOrTx): Promise<void> {
  await db.execute(sql`delete from lrs_attachments a where not exists (
    select 1 from lrs_statements s where s.has_attachments and s.statement->'attachments' @> jsonb_build_array(jsonb_build_object('sha2', a.sha2)))`);
  await db.execute(sql`delete from lrs_agent_names n where not exists (select 1 from lrs_statement_agents a where a.ifi = n.ifi)`);
}

/** Deletes every statement naming these identifiers in any role, in the caller's transaction; returns them. */
export async function removeStatementsNaming(tx: DbOrTx, ifis: string[]): Promise<RemovedStatement[]> {
  const removed = rowsOf<{ actor_ifi: string; statement: unknown }>(
    await tx.execute(sql`delete from lrs_statements where seq in (${personStatements(ifis)}) returning actor_ifi, statement`),
  ).map((r) => ({ actorIfi: r.actor_ifi, statement: typeof r.statement === 'string' ? JSON.parse(r.statement) : r.statement }));
  await dropOrphans(tx);
  return removed;
}

/** Deletes the documents of these identifiers; returns how many. */
export async function removeDocumentsOf(tx: DbOrTx, ifis: string[]): Promise<number> {
  return rowsOf<{ n: number }>(await tx.execute(sql`with d as (delete from lrs_documents where agent_ifi in ${list(ifis)} returning 1) select count(*)::int as n from d`))[0]!.n;
}

/** Deletes the names seen with these identifiers; returns how many. */
export async function removeAgentNames(tx: DbOrTx, ifis: string[]): Promise<number> {
  return rowsOf<{ n: number }>(await tx.execute(sql`with d as (delete from lrs_agent_names where ifi in ${list(ifis)} returning 1) select count(*)::int as n from d`))[0]!.n;
}

/** Deletes the LRS audit lines naming these identifiers by hash; returns how many. */
export async function removeAuditLines(tx: DbOrTx, ifis: string[]): Promise<number> {
  return rowsOf<{ n: number }>(
    await tx.execute(sql`with d as (delete from lrs_audit_log where subject in (select jsonb_array_elements_text(${JSON.stringify(ifis.map(subjectOf))}::jsonb)) returning 1) select count(*)::int as n from d`),
  )[0]!.n;
}

/** Everything the LRS holds about one person: the statements naming them in any role, and their documents. */
export async function exportPerson(db: Db, ifi: string): Promise<{ statements: Json[]; documents: Json[] }> {
  const statements = await statementsNaming(db, [ifi]);
  const documents = await documentsOf(db, [ifi]);
  await db.insert(lrsAuditLog).values({ action: 'person.exported', subject: subjectOf(ifi), detail: { statements: statements.length, documents: documents.length } });
  return { statements, documents };
}

/**
 * Erases one person from the LRS: every statement naming them in any role, and their documents, in one
 * transaction; `afterRemoval` runs in it with the removed statements (derived facts). The audit line names
 * nobody.
 */
export async function erasePerson(db: Db, ifi: string, afterRemoval?: AfterRemoval): Promise<{ statements: number; documents: number }> {
  return db.transaction(async (tx) => {
    const removed = await removeStatementsNaming(tx, [ifi]);
    const documents = await removeDocumentsOf(tx, [ifi]);
    await removeAgentNames(tx, [ifi]);
    await removeAuditLines(tx, [ifi]);
    await afterRemoval?.(tx, removed);
    await tx.insert(lrsAuditLog).values({ action: 'person.erased', subject: 'person:erased', detail: { statements: removed.length, documents } });
    return { statements: removed.length, documents };
  });
}

const CHUNK = 5000;

/** How many statements were stored before `cutoff`, and the dates of the oldest and newest of them. */
export async function previewPurge(db: DbOrTx, cutoff: Date): Promise<{ rows: number; oldest: Date | null; newest: Date | null }> {
  const [r] = rowsOf<{ n: number; oldest: string | Date | null; newest: string | Date | null }>(
    await db.execute(sql`select count(*)::int as n, min(stored) as oldest, max(stored) as newest from lrs_statements where stored < ${cutoff.toISOString()}::timestamptz`),
  );
  return { rows: r!.n, oldest: r!.oldest ? new Date(r!.oldest) : null, newest: r!.newest ? new Date(r!.newest) : null };
}

/**
 * Deletes statements stored before `cutoff`, by chunks of one transaction each (so that a large purge never
 * holds one huge lock); `afterRemoval` runs in each chunk's transaction with what it removed.
 */
export async function purgeBefore(db: Db, cutoff: Date, onProgress?: (deleted: number) => void, afterRemoval?: AfterRemoval): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const removed = rowsOf<{ actor_ifi: string; statement: unknown }>(
        await tx.execute(sql`delete from lrs_statements where seq in (select seq from lrs_statements where stored < ${cutoff.toISOString()}::timestamptz order by stored limit ${CHUNK}) returning actor_ifi, statement`),
      ).map((r) => ({ actorIfi: r.actor_ifi, statement: typeof r.statement === 'string' ? JSON.parse(r.statement) : r.statement }));
      await afterRemoval?.(tx, removed);
      return removed.length;
    });
    total += n;
    onProgress?.(n);
    if (n < CHUNK) break;
  }
  await dropOrphans(db);
  await db.insert(lrsAuditLog).values({ action: 'statements.purged', subject: `before:${cutoff.toISOString()}`, detail: { statements: total } });
  return total;
}
