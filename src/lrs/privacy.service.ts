import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import { ValidationError } from '../platform/errors';
import { actorKey, type Json } from './ifi';
import { lrsAuditLog } from './lrs.tables';
import { agentParamSchema } from './statement.schema';

/** Data-protection operations (GDPR articles 15, 17 and 5.1.e): export, erasure, retention purge; each logged. */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
/** The audit log names a person by a hash of their identifier, so that it keeps nothing of an erased person. */
const subjectOf = (ifi: string) => `person:${crypto.createHash('sha256').update(ifi).digest('hex').slice(0, 32)}`;

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

const personStatements = (ifi: string) => sql`select s.seq from lrs_statements s where s.actor_ifi = ${ifi}
  union select a.statement_seq from lrs_statement_agents a where a.ifi = ${ifi}`;

/** Everything the LRS holds about one person: the statements naming them in any role, and their documents. */
export async function exportPerson(db: Db, ifi: string): Promise<{ statements: Json[]; documents: Json[] }> {
  const statements = rowsOf<{ statement: Json }>(
    await db.execute(sql`select statement from lrs_statements where seq in (${personStatements(ifi)}) order by stored, seq`),
  ).map((r) => r.statement);
  const documents = rowsOf<{ kind: string; activity_id: string; registration: string; doc_id: string; content_type: string; content: Uint8Array; updated: Date }>(
    await db.execute(sql`select kind, activity_id, registration, doc_id, content_type, content, updated from lrs_documents where agent_ifi = ${ifi} order by id`),
  ).map((d) => ({
    kind: d.kind,
    activityId: d.activity_id || undefined,
    registration: d.registration || undefined,
    id: d.doc_id,
    contentType: d.content_type,
    updated: new Date(d.updated).toISOString(),
    content: d.content_type.startsWith('application/json') || d.content_type.startsWith('text/') ? Buffer.from(d.content).toString('utf8') : Buffer.from(d.content).toString('base64'),
  }));
  await db.insert(lrsAuditLog).values({ action: 'person.exported', subject: subjectOf(ifi), detail: { statements: statements.length, documents: documents.length } });
  return { statements, documents };
}

/** Deletes attachment contents no statement declares any more, and names no statement gives any more. */
async function dropOrphans(db: Db): Promise<void> {
  await db.execute(sql`delete from lrs_attachments a where not exists (
    select 1 from lrs_statements s where s.has_attachments and s.statement->'attachments' @> jsonb_build_array(jsonb_build_object('sha2', a.sha2)))`);
  await db.execute(sql`delete from lrs_agent_names n where not exists (select 1 from lrs_statement_agents a where a.ifi = n.ifi)`);
}

/** Erases one person: every statement naming them in any role, and their documents, in one transaction. */
export async function erasePerson(db: Db, ifi: string): Promise<{ statements: number; documents: number }> {
  return db.transaction(async (tx) => {
    const statements = rowsOf<{ n: number }>(await tx.execute(sql`with d as (delete from lrs_statements where seq in (${personStatements(ifi)}) returning 1) select count(*)::int as n from d`))[0]!.n;
    const documents = rowsOf<{ n: number }>(await tx.execute(sql`with d as (delete from lrs_documents where agent_ifi = ${ifi} returning 1) select count(*)::int as n from d`))[0]!.n;
    // The names seen with the person's identifier (for /agents) are personal data too.
    await tx.execute(sql`delete from lrs_agent_names where ifi = ${ifi}`);
    await dropOrphans(tx as unknown as Db);
    await tx.insert(lrsAuditLog).values({ action: 'person.erased', subject: subjectOf(ifi), detail: { statements, documents } });
    return { statements, documents };
  });
}

/** Deletes statements stored before `cutoff`, by chunks (so that a large purge never holds one huge lock). */
export async function purgeBefore(db: Db, cutoff: Date, onProgress?: (deleted: number) => void): Promise<number> {
  let total = 0;
  for (;;) {
    const n = rowsOf<{ n: number }>(
      await db.execute(sql`with d as (delete from lrs_statements where seq in (select seq from lrs_statements where stored < ${cutoff.toISOString()}::timestamptz order by stored limit 5000) returning 1) select count(*)::int as n from d`),
    )[0]!.n;
    total += n;
    onProgress?.(n);
    if (n < 5000) break;
  }
  await dropOrphans(db);
  await db.insert(lrsAuditLog).values({ action: 'statements.purged', subject: `before:${cutoff.toISOString()}`, detail: { statements: total } });
  return total;
}
