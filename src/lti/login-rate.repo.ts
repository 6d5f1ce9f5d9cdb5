import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';

/** Counts one login initiation of `client` in the minute starting at `windowStart`; returns the new count (atomic). */
export async function countLogin(db: DbOrTx, client: string, windowStart: Date): Promise<number> {
  const result = await db.execute(sql`
    insert into lti_login_rate (client, window_start, count) values (${client}, ${windowStart}, 1)
    on conflict (client, window_start) do update set count = lti_login_rate.count + 1
    returning count`);
  return Number((result as unknown as { rows: { count: number }[] }).rows[0]!.count);
}

/** Deletes the counts of windows that started before `before`; returns how many rows went. */
export async function purgeLoginCounts(db: DbOrTx, before: Date): Promise<number> {
  const result = await db.execute(sql`delete from lti_login_rate where window_start < ${before} returning client`);
  return (result as unknown as { rows: unknown[] }).rows.length;
}
