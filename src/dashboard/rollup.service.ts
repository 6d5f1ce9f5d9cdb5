import type { Db } from '../platform/db/client';
import { refreshStatistics } from '../platform/db/statistics';
import { emptyFacts, extractFacts } from './extract';
import { VERB } from './dashboard.vocabulary';
import { actorsOfStatements, applyFacts, clearActorFacts, clearFacts, lockCursor, maxStatementSeq, readStatements, saveCursor, statementsOfActors } from './rollup.repo';

/**
 * The incremental rollup: reads new statements in storage order (seq), turns them into facts and merges
 * them, moving a cursor in the same transaction.
 *
 * Late commits: `seq` is drawn when a statement is inserted, so a transaction that started earlier may
 * commit a smaller seq after we have read past it. We keep every skipped seq between the old and the new
 * cursor as a "gap" and re-read the gaps on every run until they appear or are older than `gapTtlMs`
 * (identity numbers lost by a rollback never appear). This is exact for transactions shorter than the
 * TTL, needs no engine-specific snapshot functions (PGlite and PostgreSQL alike), and re-reading is
 * harmless because facts merge by commutative, idempotent rules.
 *
 * Voiding: the LRS flags the target in the transaction that stores the voiding statement; when we read a
 * voiding statement, the facts of the target's actor are deleted and rebuilt from their statements that
 * are not voided (facts of one person depend only on that person's statements), so a voided statement
 * stops counting as it would after a rebuild.
 */

export const ROLLUP_CURSOR = 'rollup';
export const DEFAULT_BATCH = 5000;
export const DEFAULT_GAP_TTL_MS = 10 * 60_000;

export interface RollupOptions {
  batchSize?: number;
  gapTtlMs?: number;
  now?: Date;
}

/** Processes one batch of new statements (and any late ones); returns how many statements were read. */
export async function runRollupBatch(db: Db, options: RollupOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const ttl = options.gapTtlMs ?? DEFAULT_GAP_TTL_MS;
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const cursor = await lockCursor(tx, ROLLUP_CURSOR);
    const { rows, maxSeq, found } = await readStatements(tx, cursor.lastSeq, batchSize, cursor.gaps.map((g) => g.seq));
    const facts = emptyFacts();
    for (const row of rows) extractFacts(row.statement, facts, row.actor_ifi);
    // A voiding statement: the people whose statements were voided get their facts rebuilt from what remains.
    const voidedIds = rows.filter((r) => (r.statement as { verb?: { id?: string } }).verb?.id === VERB.voided).map((r) => String((r.statement as { object?: { id?: string } }).object?.id ?? ''));
    const actors = await actorsOfStatements(tx, voidedIds);
    if (actors.length) {
      await clearActorFacts(tx, actors);
      for (const row of await statementsOfActors(tx, actors)) extractFacts(row.statement, facts, row.actor_ifi);
    }
    await applyFacts(tx, facts);
    const seen = new Set(found);
    const gaps = cursor.gaps.filter((g) => !seen.has(g.seq) && now.getTime() - new Date(g.seenAt).getTime() < ttl);
    for (let s = cursor.lastSeq + 1; s < maxSeq; s++) if (!seen.has(s)) gaps.push({ seq: s, seenAt: now.toISOString() });
    await saveCursor(tx, ROLLUP_CURSOR, { lastSeq: maxSeq, gaps });
    return found.length;
  });
}

/** Runs batches until the rollups have caught up; returns the number of statements read. */
export async function catchUp(db: Db, options: RollupOptions & { onProgress?: (seq: number, max: number) => void } = {}): Promise<number> {
  let total = 0;
  const max = options.onProgress ? await maxStatementSeq(db) : 0;
  for (;;) {
    const n = await runRollupBatch(db, options);
    total += n;
    if (options.onProgress) {
      const cursor = await db.transaction((tx) => lockCursor(tx, ROLLUP_CURSOR));
      options.onProgress(Math.min(cursor.lastSeq, max), max);
    }
    if (n === 0) return total;
  }
}

/** Throws every fact away and reads the whole statement store again, then refreshes the planner's statistics. */
export async function rebuildRollups(db: Db, options: RollupOptions & { onProgress?: (seq: number, max: number) => void } = {}): Promise<number> {
  await db.transaction((tx) => clearFacts(tx, ROLLUP_CURSOR));
  const read = await catchUp(db, options);
  await refreshStatistics(db);
  return read;
}
