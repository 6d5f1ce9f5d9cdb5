import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { Json } from './ifi';

/** Reads statements for GET /xapi/statements: filters, StatementRef matching and keyset pages on (stored, seq). */

export interface StatementFilter {
  agent?: string;
  verb?: string;
  activity?: string;
  registration?: string;
  relatedAgents: boolean;
  relatedActivities: boolean;
  since?: string;
  until?: string;
  ascending: boolean;
  limit: number;
  /** Only statements written by this credential (scope statements/read/mine). */
  credentialId?: string;
  /** Continue after this (stored, seq) position. */
  after?: { stored: string; seq: number };
}

export interface StatementPage {
  /** The statements as stored JSON text (sent as is for format=exact, parsed for the other formats). */
  texts: string[];
  /** The position of the last statement returned when more follow. */
  next: { stored: string; seq: number } | null;
  lastStored: string | null;
}

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

/** The non-time filters on the statements table aliased `alias` (null when there are none). */
function matchFilters(f: StatementFilter, alias: 's' | 't'): SQL | null {
  const a = sql.raw(alias);
  const parts: SQL[] = [];
  if (f.verb !== undefined) parts.push(sql`${a}.verb_id = ${f.verb}`);
  if (f.registration !== undefined) parts.push(sql`${a}.registration = ${f.registration}`);
  if (f.activity !== undefined) {
    parts.push(
      f.relatedActivities
        ? sql`exists (select 1 from lrs_statement_activities x where x.statement_seq = ${a}.seq and x.activity_id = ${f.activity})`
        : sql`${a}.object_activity_id = ${f.activity}`,
    );
  }
  if (f.agent !== undefined) {
    parts.push(
      f.relatedAgents
        ? sql`exists (select 1 from lrs_statement_agents x where x.statement_seq = ${a}.seq and x.ifi = ${f.agent})`
        : sql`exists (select 1 from lrs_statement_agents x where x.statement_seq = ${a}.seq and x.ifi = ${f.agent} and x.role in ('actor', 'object'))`,
    );
  }
  return parts.length ? sql.join(parts, sql` and `) : null;
}

/** Time window, keyset position, visibility and ownership, on the returned statement `s`. */
function windowFilters(f: StatementFilter): SQL {
  const parts: SQL[] = [sql`not s.voided`];
  if (f.since !== undefined) parts.push(sql`s.stored > ${f.since}::timestamptz`);
  if (f.until !== undefined) parts.push(sql`s.stored <= ${f.until}::timestamptz`);
  if (f.credentialId !== undefined) parts.push(sql`s.credential_id = ${f.credentialId}`);
  if (f.after) {
    parts.push(f.ascending ? sql`(s.stored, s.seq) > (${f.after.stored}::timestamptz, ${f.after.seq}::bigint)` : sql`(s.stored, s.seq) < (${f.after.stored}::timestamptz, ${f.after.seq}::bigint)`);
  }
  return sql.join(parts, sql` and `);
}

interface Row {
  seq: string | number;
  stored: string | Date;
  statement: Json | string;
}

/**
 * The two queries of a page: the statements matching the filter, and (when there are non-time filters) those
 * targeting a matching statement by StatementRef (xAPI-Communication §2.1.3), each limited to one page and one.
 */
export function pageQueries(f: StatementFilter): { direct: SQL; referring: SQL | null } {
  const order = f.ascending ? sql`s.stored asc, s.seq asc` : sql`s.stored desc, s.seq desc`;
  const take = f.limit + 1;
  const own = matchFilters(f, 's');
  const window = windowFilters(f);
  const target = matchFilters(f, 't');
  return {
    direct: sql`select s.seq, s.stored, s.statement::text as statement from lrs_statements s
    where ${window}${own ? sql` and ${own}` : sql``} order by ${order} limit ${take}`,
    referring: target
      ? sql`select s.seq, s.stored, s.statement::text as statement from lrs_statements s join lrs_statements t on t.id = s.object_statement_ref
        where s.object_statement_ref is not null and ${window} and ${target} order by ${order} limit ${take}`
      : null,
  };
}

/**
 * One page of statements matching the filter, newest stored first unless ascending. `refs: false` (no
 * StatementRef statement was ever stored) skips the StatementRef query: it has nothing to find, and without
 * planner statistics (after a bulk load) its plan can scan the whole table.
 */
export async function queryStatements(db: DbOrTx, f: StatementFilter, options: { refs?: boolean } = {}): Promise<StatementPage> {
  const queries = pageQueries(f);
  const direct = db.execute(queries.direct);
  const referring = queries.referring && options.refs !== false ? db.execute(queries.referring) : Promise.resolve({ rows: [] });
  const [a, b] = await Promise.all([direct, referring]);
  const seen = new Set<number>();
  const merged = [...rowsOf<Row>(a), ...rowsOf<Row>(b)]
    .map((r) => ({ seq: Number(r.seq), stored: new Date(r.stored).toISOString(), at: new Date(r.stored).getTime(), text: typeof r.statement === 'string' ? r.statement : JSON.stringify(r.statement) }))
    .filter((r) => (seen.has(r.seq) ? false : (seen.add(r.seq), true)))
    .sort((x, y) => (f.ascending ? 1 : -1) * (x.at - y.at || x.seq - y.seq));
  const page = merged.slice(0, f.limit);
  const last = page[page.length - 1];
  const lastStored = page.reduce<string | null>((m, r) => (m === null || r.stored > m ? r.stored : m), null);
  return { texts: page.map((r) => r.text), next: merged.length > f.limit && last ? { stored: last.stored, seq: last.seq } : null, lastStored };
}

/** One statement by id: `voided` chooses between statementId (not voided) and voidedStatementId (voided). */
export async function findStatement(db: DbOrTx, id: string, voided: boolean, credentialId?: string): Promise<{ statement: Json; stored: string } | null> {
  const mine = credentialId !== undefined ? sql` and credential_id = ${credentialId}` : sql``;
  const rows = rowsOf<Row>(await db.execute(sql`select seq, stored, statement from lrs_statements where id = ${id} and voided = ${voided}${mine}`));
  const r = rows[0];
  if (!r) return null;
  return { statement: (typeof r.statement === 'string' ? JSON.parse(r.statement) : r.statement) as Json, stored: new Date(r.stored).toISOString() };
}

/** Attachment contents by hash. */
export async function findAttachments(db: DbOrTx, hashes: string[]): Promise<Array<{ sha2: string; contentType: string; content: Buffer }>> {
  if (!hashes.length) return [];
  const rows = rowsOf<{ sha2: string; content_type: string; content: Buffer | Uint8Array }>(
    await db.execute(sql`select sha2, content_type, content from lrs_attachments where sha2 in ${hashes}`),
  );
  return rows.map((r) => ({ sha2: r.sha2, contentType: r.content_type, content: Buffer.from(r.content) }));
}

/** Stores attachment contents once per hash. */
export async function saveAttachments(db: DbOrTx, parts: Array<{ sha2: string; contentType: string; content: Buffer }>): Promise<void> {
  for (const p of parts) {
    await db.execute(sql`insert into lrs_attachments (sha2, content_type, length, content) values (${p.sha2}, ${p.contentType}, ${p.content.length}, ${p.content}) on conflict (sha2) do nothing`);
  }
}
