import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { DataSubject } from '../platform/personal-data';

/** Awards of a person, and their erasure with the status bit kept revoked (src/badges/personal-data.ts). */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

export async function awardsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  // Their own awards whole; of the awards they gave or revoked, what they did, never whom to.
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select case when a.user_ref = ${who.userId} then to_jsonb(a) || jsonb_build_object('badge', c.name)
      else jsonb_build_object('badge', c.name, 'issued_on', a.issued_on, 'awarded_by_you', a.awarded_by is not distinct from ${who.userId}::uuid,
        'revoked_by_you', a.revoked_by is not distinct from ${who.userId}::uuid, 'revoked_at', a.revoked_at) end as row
    from badge_awards a join badge_classes c on c.id = a.badge_class_id
    where a.user_ref = ${who.userId} or a.awarded_by = ${who.userId} or a.revoked_by = ${who.userId} order by a.issued_on`)).map((r) => r.row);
}

/**
 * Deletes the person's awards, keeping each one's status-list bit revoked (a downloaded credential stops
 * verifying; a revoked one is not revived), and detaches them from the awards they gave or revoked.
 */
export async function eraseAwards(db: DbOrTx, who: DataSubject): Promise<number> {
  await db.execute(sql`insert into badge_status_tombstones (status_index) select status_index from badge_awards where user_ref = ${who.userId} on conflict do nothing`);
  const deleted = rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from badge_awards where user_ref = ${who.userId} returning 1) select count(*)::int as n from d`))[0]!.n;
  const detached = rowsOf<{ n: number }>(await db.execute(sql`with d as (update badge_awards set
      awarded_by = case when awarded_by = ${who.userId} then null else awarded_by end,
      revoked_by = case when revoked_by = ${who.userId} then null else revoked_by end
    where awarded_by = ${who.userId} or revoked_by = ${who.userId} returning 1) select count(*)::int as n from d`))[0]!.n;
  return deleted + detached;
}
