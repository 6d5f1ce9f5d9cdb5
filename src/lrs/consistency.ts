import { sql } from 'drizzle-orm';
import type { Clock } from '../platform/clock';
import { changeVersionsSql, type ChangeVersions } from '../platform/db/changes';
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

/**
 * What a statement query reads first, in one query: Consistent-Through (as `readConsistentThrough`), the
 * versions of the cached tables (the credential is confirmed against them) and whether a StatementRef
 * statement was ever stored (`refsFlag`, a row of instants_settings; until then there is nothing to match).
 */
export async function readQueryContext(db: DbOrTx, clock: Clock, refsFlag: string): Promise<{ consistentThrough: Date; versions: ChangeVersions; refs: boolean }> {
  const now = clock.now();
  const rows = (
    (await db.execute(sql`select 'oldest' as kind, null as topic, (${writersOldestSql}) as value
      union all select 'refs', null, count(*) from instants_settings where name = ${refsFlag}
      union all select 'version', topic, version from (${changeVersionsSql}) v`)) as unknown as { rows: Array<{ kind: string; topic: string | null; value: string | number | null }> }
  ).rows;
  const oldest = rows.find((r) => r.kind === 'oldest')?.value;
  return {
    consistentThrough: consistentThroughOf(now, oldest === null || oldest === undefined ? null : Number(oldest)),
    versions: new Map(rows.filter((r) => r.kind === 'version').map((r) => [r.topic!, Number(r.value)])),
    refs: Number(rows.find((r) => r.kind === 'refs')?.value ?? 1) > 0,
  };
}

/** The value sent when the database cannot say (an outage): the epoch, the only instant always true. */
export const CONSISTENT_THROUGH_UNKNOWN = new Date(0);
