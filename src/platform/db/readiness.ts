import { getTableName, isTable, sql, type Table } from 'drizzle-orm';
import type { Database } from './client';
import { readMigrations } from './migrate';
import * as schema from './schema';

/** What `/readyz` reports. */
export interface Readiness {
  ready: boolean;
  /** Why not ready: the database cannot be used, the schema is missing or behind, or the check timed out. */
  reason?: 'unreachable' | 'schema_missing' | 'timeout';
  /** PGlite only: the check timed out behind other work, and the answer is the last completed check. */
  busy?: boolean;
}

export interface ReadinessOptions {
  /** The latest migration this build knows (default: the last file in migrations/). */
  latestMigration?: string;
  /** Tables that must exist (default: every table of the Drizzle schema). */
  tables?: string[];
  /** How long to wait for the database (default 2 s on PostgreSQL, 1 s on PGlite). */
  timeoutMs?: number;
  /** PGlite: how long a completed check may stand in for one stuck behind other work (default 60 s). */
  staleMs?: number;
  now?: () => number;
}

const rowsOf = (result: unknown) => ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];

/** Checks, in two cheap catalogue queries, that the migrations table, the latest migration and every table are there. */
async function checkSchema(database: Database, latestMigration: string | undefined, tables: string[]): Promise<Readiness> {
  const names = sql.join(
    tables.map((t) => sql`${t}`),
    sql`, `,
  );
  const [found] = rowsOf(
    await database.db.execute(sql`select to_regclass('instants_migrations') is not null as migrations_table,
      (select count(*)::int from unnest(array[${names}]::text[]) as t(name) where to_regclass(t.name) is null) as missing`),
  );
  if (!found?.migrations_table || Number(found.missing) > 0) return { ready: false, reason: 'schema_missing' };
  if (latestMigration) {
    const [applied] = rowsOf(await database.db.execute(sql`select exists(select 1 from instants_migrations where name = ${latestMigration}) as applied`));
    if (!applied?.applied) return { ready: false, reason: 'schema_missing' };
  }
  return { ready: true };
}

/**
 * Builds the readiness check of `/readyz`. One check runs at a time (concurrent probes share it) and each
 * waits at most `timeoutMs`. On PGlite, queries queue behind one another inside this process: a check
 * stuck behind long work answers from the last completed check when recent, instead of making the probe
 * wait; on PostgreSQL a timeout is not ready (the pool or the server cannot serve).
 */
export function readinessCheck(database: Database, options: ReadinessOptions = {}): () => Promise<Readiness> {
  const latest = options.latestMigration ?? readMigrations().at(-1)?.name;
  const tables = options.tables ?? (Object.values(schema) as unknown[]).filter((t): t is Table => isTable(t)).map((t) => getTableName(t));
  const timeoutMs = options.timeoutMs ?? (database.kind === 'pglite' ? 1000 : 2000);
  const staleMs = options.staleMs ?? 60_000;
  const now = options.now ?? Date.now;
  let inFlight: Promise<Readiness> | undefined;
  let last: { at: number; result: Readiness } | undefined;

  const run = () => {
    inFlight ??= checkSchema(database, latest, tables)
      .catch((): Readiness => ({ ready: false, reason: 'unreachable' }))
      .then((result) => {
        last = { at: now(), result };
        return result;
      })
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  return async () => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([run(), timedOut]).finally(() => clearTimeout(timer));
    if (outcome !== 'timeout') return outcome;
    if (database.kind === 'pglite' && last && now() - last.at < staleMs) return { ...last.result, busy: true };
    return { ready: false, reason: 'timeout' };
  };
}
