import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { MarkedClient } from './faults';
import * as schema from './schema';
import { isAlive } from '../pid';

/** The Drizzle database, whichever engine is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle, passed explicitly to repos that must write atomically. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or a transaction: what repos accept. */
export type DbOrTx = Db | Tx;

/** Runs raw multi-statement SQL inside one transaction on one connection (migrations, test setup). */
export type ExecInTransaction = (fn: (exec: (sqlText: string) => Promise<{ rows: Record<string, unknown>[] }>) => Promise<void>) => Promise<void>;

/** An open database: Drizzle plus the few engine-level operations the platform needs. */
export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Checks the database answers; used by /readyz. */
  ping(): Promise<void>;
  execInTransaction: ExecInTransaction;
  /** Statements sent so far, when opened with `countQueries` (benchmarks: queries per operation). */
  queries?(): number;
  /**
   * The statements sent so far by shape (their text up to the first parameter, cut at 90 characters), with
   * `countQueries`: how many, and the milliseconds from sending each to its answer (round trip and server time).
   */
  queryShapes?(): Map<string, { n: number; ms: number }>;
  close(): Promise<void>;
}

/** A database that cannot be opened or reached; its message is shown as is to the operator. */
export class DatabaseUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Opens a PostgreSQL server given by URL, checking that it answers before returning. Every client gets an
 * error listener, checked out or not: a connection lost in the middle of a transaction (server restart,
 * failover, `pg_terminate_backend`) fails that request with a 503 instead of crashing the process, and
 * the pool replaces the client (it drops clients that are no longer queryable when they are released).
 */
export async function openPostgres(url: string, poolSize = 10, options: { onConnectionLost?: (err: Error) => void; countQueries?: boolean } = {}): Promise<Database> {
  const counter = { n: 0, shapes: new Map<string, { n: number; ms: number }>() };
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, Client: options.countQueries ? countingClient(counter) : MarkedClient, application_name: 'instants' });
  pool.on('error', () => undefined); // an idle client's error: the pool removes it, the connect listener reports it
  pool.on('connect', (client) => {
    let reported = false;
    client.on('error', (err) => {
      if (reported) return;
      reported = true;
      options.onConnectionLost?.(err);
    });
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnavailableError(`Cannot connect to the PostgreSQL server in DATABASE_URL (${redactUrl(url)}): ${(cause as Error).message}`, { cause });
  }
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async ping() {
      await pool.query('select 1');
    },
    ...(options.countQueries ? { queries: () => counter.n, queryShapes: () => new Map([...counter.shapes].map(([k, v]) => [k, { ...v }])) } : {}),
    async execInTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        await fn(async (text) => {
          const result = await client.query(text);
          const last = Array.isArray(result) ? result[result.length - 1] : result;
          return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
        });
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** A pool client class that counts the statements it sends (benchmarks count queries per operation). */
function countingClient(counter: { n: number; shapes: Map<string, { n: number; ms: number }> }): typeof pg.Client {
  class CountingClient extends MarkedClient {}
  const send = MarkedClient.prototype.query;
  (CountingClient.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
    counter.n++;
    const first = args[0] as string | { text?: string } | undefined;
    const text = (typeof first === 'string' ? first : (first?.text ?? '?')).replace(/\s+/g, ' ').trim();
    const shape = text.split('$1')[0]!.slice(0, 90);
    const entry = counter.shapes.get(shape) ?? { n: 0, ms: 0 };
    counter.shapes.set(shape, entry);
    entry.n++;
    const started = performance.now();
    const done = () => void (entry.ms += performance.now() - started);
    // pool.query passes a callback; drizzle's transactions await a promise.
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function')
      args[last] = (...r: unknown[]) => {
        done();
        return (callback as (...a: unknown[]) => unknown)(...r);
      };
    const out = (send as (...a: unknown[]) => unknown).apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === 'function') (out as Promise<unknown>).then(done, done);
    return out;
  };
  return CountingClient;
}

/** Wraps an already created PGlite instance (used by tests that load a template dump). */
export function wrapPglite(client: PGlite, onClose?: () => void): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    async ping() {
      await client.query('select 1');
    },
    async execInTransaction(fn) {
      await client.transaction(async (tx) => {
        await fn(async (text) => {
          const results = await tx.exec(text);
          return { rows: (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[] };
        });
      });
    },
    async close() {
      await client.close();
      onClose?.();
    },
  };
}

/** Contrib extensions loaded into every PGlite (migrations `create extension` them; PostgreSQL ships them as contrib). */
export const PGLITE_EXTENSIONS = { pg_trgm };

/**
 * PGlite's start parameters with smaller shared buffers (32MB instead of PostgreSQL's 128MB): the
 * WebAssembly heap holds them, and the operating system's file cache already keeps the data files of one
 * embedded instance. Measured by bench/pglite-memory.ts: resident memory about 150 MB lower, writes as fast.
 */
export const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/** Opens the embedded PGlite database under `dataDir/pglite`, refusing a directory another process holds. */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir === undefined) return wrapPglite(await PGlite.create({ extensions: PGLITE_EXTENSIONS, startParams: PGLITE_START_PARAMS }));
  const dir = path.join(dataDir, 'pglite');
  const release = acquireLock(path.join(dataDir, 'pglite.lock'));
  try {
    const client = await PGlite.create(dir, { extensions: PGLITE_EXTENSIONS, startParams: PGLITE_START_PARAMS });
    return wrapPglite(client, release);
  } catch (cause) {
    release();
    throw new DatabaseUnavailableError(`Cannot open the embedded database in ${dir}: ${(cause as Error).message}`, { cause });
  }
}

/** Opens PostgreSQL when a URL is given, the embedded PGlite otherwise. */
export async function openDatabase(options: { url?: string; dataDir?: string; poolSize?: number; onConnectionLost?: (err: Error) => void }): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolSize, { onConnectionLost: options.onConnectionLost }) : openPglite(options.dataDir);
}

function acquireLock(file: string): () => void {
  if (fs.existsSync(file)) {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new DatabaseUnavailableError(
        `The embedded database in ${path.dirname(file)} is already used by another Instants process (pid ${pid}); stop it, or use PostgreSQL (DATABASE_URL) to run several instances`,
      );
    }
  }
  fs.writeFileSync(file, String(process.pid));
  return () => fs.rmSync(file, { force: true });
}


/** Hides the password of a connection URL for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparsable URL';
  }
}
