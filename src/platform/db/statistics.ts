import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client';

/**
 * Refreshes the planner's statistics of `tables` (all tables when none are named) after a bulk write:
 * seeding, an import, a rebuild, a migration. Without them PostgreSQL guesses row counts and value
 * frequencies until autovacuum gets to the table (PGlite has no autovacuum at all), and a guessed plan can
 * read a whole table for a query an index answers in a few pages.
 */
export async function refreshStatistics(db: DbOrTx, tables: readonly string[] = []): Promise<void> {
  const names = tables.map((t) => `"${t.replace(/"/g, '""')}"`).join(', ');
  await db.execute(sql.raw(names ? `analyze ${names}` : 'analyze'));
}
