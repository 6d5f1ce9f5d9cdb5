import { lt, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { ltiLoginRate, type ltiLoginRequests } from './lti.tables';

/** Counts one login initiation of `client` in the minute starting at `windowStart`; returns the new count (atomic). */
export async function countLogin(db: DbOrTx, client: string, windowStart: Date): Promise<number> {
  const [row] = await db
    .insert(ltiLoginRate)
    .values({ client, windowStart, count: 1 })
    .onConflictDoUpdate({ target: [ltiLoginRate.client, ltiLoginRate.windowStart], set: { count: sql`${ltiLoginRate.count} + 1` } })
    .returning({ count: ltiLoginRate.count });
  return row!.count;
}

/**
 * Counts one login initiation and, in the same statement, stores its login request unless the count is
 * past `limit` (then nothing but the count is written). Returns the new count.
 */
export async function countLoginAndStore(db: DbOrTx, client: string, windowStart: Date, limit: number, r: typeof ltiLoginRequests.$inferInsert): Promise<number> {
  const value = (v: string | Date | null | undefined): SQL => (v === undefined || v === null ? sql`null` : sql`${v instanceof Date ? v.toISOString() : v}`);
  const result = await db.execute(sql`
    with rate as (
      insert into lti_login_rate (client, window_start, count) values (${client}, ${windowStart.toISOString()}::timestamptz, 1)
      on conflict (client, window_start) do update set count = lti_login_rate.count + 1 returning count),
    stored as (
      insert into lti_login_requests (state, nonce, issuer, client_id, target_link_uri, login_hint, lti_message_hint, deployment_hint, storage_target, storage_binding, created_at, expires_at)
      select ${r.state}, ${r.nonce}, ${r.issuer}, ${value(r.clientId)}, ${r.targetLinkUri}, ${value(r.loginHint)}, ${value(r.ltiMessageHint)}, ${value(r.deploymentHint)}, ${value(r.storageTarget)}, ${value(r.storageBinding)},
             ${value(r.createdAt)}::timestamptz, ${value(r.expiresAt)}::timestamptz
      where (select count from rate) <= ${limit}
      returning 1)
    select (select count from rate) as count`);
  return Number((result as unknown as { rows: Array<{ count: number }> }).rows[0]!.count);
}

/** Deletes the counts of windows that started before `before`; returns how many rows went. */
export async function purgeLoginCounts(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(ltiLoginRate).where(lt(ltiLoginRate.windowStart, before)).returning({ client: ltiLoginRate.client });
  return rows.length;
}
