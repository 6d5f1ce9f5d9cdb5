import { sql } from 'drizzle-orm';
import type { Clock } from '../platform/clock';
import type { DbOrTx } from '../platform/db/client';

/**
 * X-Experience-API-Consistent-Through (Communication §2.1.3): an instant before which every statement the
 * LRS will ever hold is already visible. Each writing transaction announces itself with a shared advisory
 * lock (class WRITER_LOCK_CLASS, key = the whole second it read its clock at) *before* it reads the clock
 * for `stored`, so its statements are stored at or after its key. A reader reads its clock T first, then the
 * oldest key still locked: every statement stored before min(T, oldest key) is committed, or belongs to a
 * writer that announced itself later and so stores after T. Instances must share a synchronised clock (NTP).
 */

/** The advisory-lock class (first int4 key) of writing transactions; the second key is a second since the epoch. */
export const WRITER_LOCK_CLASS = 0x4c525301;

/** SQL for the oldest second announced by the other writing transactions of this database (null when none). */
export const writersOldestSql = sql`select min(objid::bigint) from pg_locks
  where locktype = 'advisory' and classid = ${WRITER_LOCK_CLASS} and objsubid = 2 and granted
    and database = (select oid from pg_database where datname = current_database()) and pid <> pg_backend_pid()`;

/** The lock key of a writer whose clock reads `now`. */
export const writerSecond = (now: Date): number => Math.floor(now.getTime() / 1000);

/** Consistent-Through from the reader's clock (read first) and the oldest announced writer second. */
export function consistentThroughOf(readerNow: Date, othersOldestSecond: number | null): Date {
  const bound = othersOldestSecond === null ? readerNow.getTime() : Math.min(readerNow.getTime(), othersOldestSecond * 1000);
  return new Date(bound - 1);
}

/** Reads Consistent-Through now: the clock first, then the oldest writer still running (one query). */
export async function readConsistentThrough(db: DbOrTx, clock: Clock): Promise<Date> {
  const now = clock.now();
  const rows = (await db.execute(sql`select (${writersOldestSql}) as oldest`)) as unknown as { rows: Array<{ oldest: string | number | null }> };
  const oldest = rows.rows[0]?.oldest;
  return consistentThroughOf(now, oldest === null || oldest === undefined ? null : Number(oldest));
}

/** The value sent when the database cannot say (an outage): the epoch, the only instant always true. */
export const CONSISTENT_THROUGH_UNKNOWN = new Date(0);
