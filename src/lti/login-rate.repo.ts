import { lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { ltiLoginRate } from './lti.tables';

/** Counts one login initiation of `client` in the minute starting at `windowStart`; returns the new count (atomic). */
export async function countLogin(db: DbOrTx, client: string, windowStart: Date): Promise<number> {
  const [row] = await db
    .insert(ltiLoginRate)
    .values({ client, windowStart, count: 1 })
    .onConflictDoUpdate({ target: [ltiLoginRate.client, ltiLoginRate.windowStart], set: { count: sql`${ltiLoginRate.count} + 1` } })
    .returning({ count: ltiLoginRate.count });
  return row!.count;
}

/** Deletes the counts of windows that started before `before`; returns how many rows went. */
export async function purgeLoginCounts(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(ltiLoginRate).where(lt(ltiLoginRate.windowStart, before)).returning({ client: ltiLoginRate.client });
  return rows.length;
}
