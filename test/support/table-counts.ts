import { sql } from 'drizzle-orm';
import type { Db } from '../../src/platform/db/client';

/** Row counts of every table of the public schema, in one statement (to show a refused request changed nothing). */
export async function tableCounts(db: Db, options: { ignore?: string[] } = {}): Promise<Record<string, number>> {
  const listed = (await db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)) as unknown as { rows: { name: string }[] };
  const names = listed.rows.map((r) => r.name).filter((n) => !(options.ignore ?? []).includes(n));
  if (!names.length) return {};
  const select = names.map((n, i) => `(select count(*)::int from "${n.replace(/"/g, '""')}") as c${i}`).join(', ');
  const result = (await db.execute(sql.raw(`select ${select}`))) as unknown as { rows: Record<string, number>[] };
  const row = result.rows[0]!;
  return Object.fromEntries(names.map((n, i) => [n, Number(row[`c${i}`])]));
}
