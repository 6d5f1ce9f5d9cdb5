import { sql } from 'drizzle-orm';
import type { DbOrTx } from './client';

/**
 * Per-instance caches of rarely changed tables (LRS credentials, forwarding destinations), correct with any
 * number of instances: a trigger on each watched table bumps the version of its topic in the changing
 * transaction (migration 0050), and a cached value is used only when the version read in the request's own
 * first query (folded into it, no extra round trip) is still the one it was loaded at.
 */

/** The topic versions, as read in one snapshot. */
export type ChangeVersions = ReadonlyMap<string, number>;

/** SQL rows `(topic, version)` of every watched table, to union into a query the request makes anyway. */
export const changeVersionsSql = sql`select topic, version from instants_change_versions`;

/** Reads the versions alone (paths that have no query to fold them into). */
export async function readChangeVersions(db: DbOrTx): Promise<ChangeVersions> {
  const result = (await db.execute(changeVersionsSql)) as unknown as { rows: Array<{ topic: string; version: string | number }> };
  return new Map(result.rows.map((r) => [r.topic, Number(r.version)]));
}

/** Values of one topic by key, each kept with the version it was loaded at; at most `max` keys. */
export class VersionedCache<K, V> {
  private readonly values = new Map<K, { version: number; value: V }>();

  constructor(
    readonly topic: string,
    private readonly max = 1000,
  ) {}

  /** The value of `key` if it was loaded at `version` (the current one, read by the caller). */
  hit(key: K, version: number | undefined): V | undefined {
    const entry = this.values.get(key);
    return entry && version !== undefined && entry.version === version ? entry.value : undefined;
  }

  /** The value loaded at some version, whatever the current one (to be confirmed against it later). */
  peek(key: K): { value: V; version: number } | undefined {
    return this.values.get(key);
  }

  /**
   * Keeps a value loaded at `version`: the version read before (or in the same snapshot as) the load, so a
   * change committed in between makes the next request reload rather than trust it.
   */
  keep(key: K, version: number | undefined, value: V): void {
    if (version === undefined) return;
    if (!this.values.has(key) && this.values.size >= this.max) this.values.delete(this.values.keys().next().value as K);
    this.values.set(key, { version, value });
  }

  /** The value of `key` at `version`: from the cache, or loaded (with `db`, in the caller's snapshot) and kept. */
  async get(key: K, version: number | undefined, load: () => Promise<V>): Promise<V> {
    const cached = this.hit(key, version);
    if (cached !== undefined) return cached;
    const value = await load();
    this.keep(key, version, value);
    return value;
  }

  forget(key: K): void {
    this.values.delete(key);
  }
}
