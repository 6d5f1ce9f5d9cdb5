import { sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../platform/db/client';
import type { DataSubject, PersonLink, PurgePreview } from '../platform/personal-data';

/**
 * The generic SQL behind the registry: rows tied to a person by a declared link, their erasure, purges by
 * period, and what the database catalog says (tables, columns, foreign keys to lti_users). Table and column
 * names come from the declarations in code, never from a request, and are quoted as identifiers.
 */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
const id = (name: string) => sql.identifier(name);

function matches(link: PersonLink, who: DataSubject): SQL {
  const column = sql`t.${id(link.column)}`;
  if (link.by === 'user') return sql`${column} = ${who.userId}::uuid`;
  if (link.by === 'actor') return sql`${column} = ${who.ifi}`;
  return sql`${column} = any(${`{${who.launchIds.join(',')}}`}::uuid[])`;
}

/** The person's rows of a table through its links, as JSON, without the withheld columns. */
export async function linkedRows(db: DbOrTx, table: string, links: PersonLink[], who: DataSubject, withheld: string[] = []): Promise<Array<Record<string, unknown>>> {
  if (!links.length) return [];
  const where = sql.join(links.map((l) => matches(l, who)), sql` or `);
  const minus = sql.join([sql`to_jsonb(t)`, ...withheld.map((c) => sql`${c}::text`)], sql` - `);
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select ${minus} as row from ${id(table)} t where ${where}`)).map((r) => r.row);
}

/** Deletes the rows of `delete` links, and sets `detach` links' columns to null; returns the rows touched. */
export async function eraseLinked(tx: DbOrTx, table: string, links: PersonLink[], who: DataSubject): Promise<number> {
  let touched = 0;
  for (const link of links) {
    if (link.erasure === 'recompute') continue;
    const query =
      link.erasure === 'detach'
        ? sql`with d as (update ${id(table)} t set ${id(link.column)} = null where ${matches(link, who)} returning 1) select count(*)::int as n from d`
        : sql`with d as (delete from ${id(table)} t where ${matches(link, who)} returning 1) select count(*)::int as n from d`;
    touched += rowsOf<{ n: number }>(await tx.execute(query))[0]!.n;
  }
  return touched;
}

const older = (column: string, cutoff: Date, where?: string) =>
  sql`${id(column)} < ${cutoff.toISOString()}::timestamptz${where ? sql.raw(` and (${where})`) : sql``}`;

/** What a purge by period would remove. */
export async function previewPeriod(db: DbOrTx, table: string, column: string, cutoff: Date, where?: string): Promise<PurgePreview> {
  const [r] = rowsOf<{ n: number; oldest: string | Date | null; newest: string | Date | null }>(
    await db.execute(sql`select count(*)::int as n, min(${id(column)}) as oldest, max(${id(column)}) as newest from ${id(table)} where ${older(column, cutoff, where)}`),
  );
  return { rows: r!.n, oldest: r!.oldest ? new Date(r!.oldest) : null, newest: r!.newest ? new Date(r!.newest) : null };
}

const CHUNK = 5000;

/** Deletes rows older than the cutoff, a chunk per statement (no huge lock); returns how many. */
export async function purgePeriod(db: Db, table: string, column: string, cutoff: Date, where: string | undefined, onProgress?: (n: number) => void): Promise<number> {
  let total = 0;
  for (;;) {
    const n = rowsOf<{ n: number }>(
      await db.execute(sql`with d as (delete from ${id(table)} where ctid in (select ctid from ${id(table)} where ${older(column, cutoff, where)} limit ${CHUNK}) returning 1) select count(*)::int as n from d`),
    )[0]!.n;
    total += n;
    onProgress?.(n);
    if (n < CHUNK) return total;
  }
}

/** The tables of the public schema, as the database catalog lists them. */
export async function catalogTables(db: DbOrTx): Promise<string[]> {
  return rowsOf<{ name: string }>(await db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)).map((r) => r.name);
}

/** Every column of the public schema with its type. */
export async function catalogColumns(db: DbOrTx): Promise<Array<{ table: string; column: string; type: string }>> {
  return rowsOf(await db.execute(sql`select table_name as "table", column_name as "column", data_type as type from information_schema.columns where table_schema = 'public' order by 1, ordinal_position`));
}

/** Columns holding a foreign key to lti_users (a reference to a person). */
export async function userForeignKeys(db: DbOrTx): Promise<Array<{ table: string; column: string }>> {
  return rowsOf(await db.execute(sql`select cl.relname as "table", a.attname as "column"
    from pg_constraint c join pg_class cl on cl.oid = c.conrelid join pg_namespace n on n.oid = cl.relnamespace
    join lateral unnest(c.conkey) k(attnum) on true join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
    where c.contype = 'f' and c.confrelid = 'public.lti_users'::regclass and n.nspname = 'public' order by 1, 2`));
}
