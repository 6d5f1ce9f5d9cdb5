/** Helpers shared by the benchmark scripts: command-line options, percentiles, throw-away databases. */
import os from 'node:os';
import pg from 'pg';
import { openPostgres, type Database } from '../src/platform/db/client';
import { migrate } from '../src/platform/db/migrate';

/** The value after `name` on the command line, or the fallback. */
export function arg(name: string): string | undefined;
export function arg(name: string, fallback: string): string;
export function arg(name: string, fallback?: string): string | undefined {
  return process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback;
}

/** The machine's load average now (1, 5 and 15 minutes), to print beside a figure. */
export function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

/** The p-th percentile (nearest rank) of durations in ms. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/**
 * Creates a throw-away PostgreSQL database from an admin connection, migrates it, runs `fn` with it and
 * drops it whatever happens.
 */
export async function withBenchDatabase<T>(adminUrl: string, label: string, poolSize: number, fn: (database: Database, url: string) => Promise<T>, options: { countQueries?: boolean } = {}): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `instants_bench_${label}_${process.pid}`;
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), poolSize, { countQueries: options.countQueries });
  try {
    await migrate(database);
    return await fn(database, url.toString());
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/**
 * Runs a bench's main function; a failure prints its error and exits 1, success exits 0 (whatever handle a
 * library left open: `npm run bench` runs the benches one after the other and must never hang on one).
 */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/**
 * Prints the statements sent between two `queryShapes()` readings, per operation: how many of each shape
 * and their mean time from sending to answer (round trip plus server time), the costliest first.
 */
export function printQueryShapes(before: Map<string, { n: number; ms: number }>, after: Map<string, { n: number; ms: number }>, operations: number, indent = '    '): void {
  const rows = [...after]
    .map(([shape, v]) => {
      const b = before.get(shape) ?? { n: 0, ms: 0 };
      return { shape, n: (v.n - b.n) / operations, ms: v.n - b.n ? (v.ms - b.ms) / (v.n - b.n) : 0 };
    })
    .filter((r) => r.n > 0.01)
    .sort((a, b) => b.n * b.ms - a.n * a.ms);
  console.log(`${indent}per operation   mean ms   statement`);
  for (const r of rows) console.log(`${indent}${r.n.toFixed(2).padStart(13)}   ${r.ms.toFixed(2).padStart(7)}   ${r.shape}`);
}
