import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { DataSubject } from '../platform/personal-data';

/** Rows of the administrator's import about a person, by e-mail or pseudonym (src/people/personal-data.ts). */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

const keyed = (who: DataSubject) => sql`((key_kind = 'email' and key = ${(who.email ?? '').toLowerCase()} and ${who.email ?? ''} <> '') or (key_kind = 'pseudonym' and key = ${who.pseudonym}))`;

export async function importsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select to_jsonb(i) as row from people_imports i where ${keyed(who)} order by imported_at`)).map((r) => r.row);
}

export async function deleteImportsOf(db: DbOrTx, who: DataSubject): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from people_imports where ${keyed(who)} returning 1) select count(*)::int as n from d`))[0]!.n;
}
