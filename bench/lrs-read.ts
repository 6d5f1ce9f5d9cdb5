/**
 * LRS read benchmark over real HTTP on a seeded database (target: p95 ≤ 30 ms at 1,000,000 statements for
 * every filter and for 100 `more` pages): p50/p95 of GET /xapi/statements by agent, verb, activity,
 * registration, related_agents, since, and of each page while following `more` 100 pages deep (limit=100
 * everywhere), beside the HTTP floor (GET /xapi/about) and os.loadavg(). The database given by --db is
 * created and seeded with --statements generated statements (through the store, then analysed) when it does
 * not exist, and kept for the next runs (`npm run seed -- --statements N` fills one too).
 * Usage: npx tsx bench/lrs-read.ts [--db postgres://postgres@127.0.0.1:5432/instants_lrs_seed] [--statements 1000000] [--samples 40]
 */
import pg from 'pg';
import { prng, seedStatements } from '../src/lrs/seed';
import { openPostgres } from '../src/platform/db/client';
import { migrate } from '../src/platform/db/migrate';
import { refreshStatistics } from '../src/platform/db/statistics';
import { percentile, startBenchLrs } from './lrs-common';
import { arg, load, runBench } from './support';

const dbUrl = arg('--db', 'postgres://postgres@127.0.0.1:5432/instants_lrs_seed');
const statements = Number(arg('--statements', '1000000'));
const samples = Number(arg('--samples', '40'));

/** Creates and seeds the database when it does not exist yet. */
async function ensureSeeded(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    if ((await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount) return;
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const database = await openPostgres(dbUrl, 4);
  try {
    await migrate(database);
    const started = Date.now();
    let done = 0;
    await seedStatements(database.db, statements, {
      seed: 42,
      onProgress: (n) => {
        done += n;
        process.stderr.write(`\rseeding ${done} / ${statements} statements`);
      },
    });
    await refreshStatistics(database.db);
    process.stderr.write(`\rseeded ${statements} statements in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  } finally {
    await database.close();
  }
}

async function main() {
  const u = new URL(dbUrl);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  await ensureSeeded(u.toString(), name);
  const lrs = await startBenchLrs({ adminUrl: u.toString(), name, create: false, poolSize: 8 });
  const check = new pg.Client({ connectionString: dbUrl });
  await check.connect();
  const total = Number((await check.query('select count(*) as n from lrs_statements')).rows[0].n);
  const span = (await check.query('select min(stored) as a, max(stored) as b from lrs_statements')).rows[0] as { a: Date; b: Date };
  // Values to query are drawn from the data itself, whatever generated it.
  const sample = (
    await check.query(`select statement->'actor' as actor, verb_id, object_activity_id, registration from lrs_statements tablesample system (1) limit 400`)
  ).rows as Array<{ actor: unknown; verb_id: string; object_activity_id: string | null; registration: string | null }>;
  await check.end();
  console.log(`database: ${total} statements`);
  const random = prng(99);
  const pick = (n: number) => Math.floor(random() * n);
  const any = <T>(list: T[]) => list[pick(list.length)]!;
  const activities = sample.map((r) => r.object_activity_id).filter((x): x is string => !!x);
  const registrations = sample.map((r) => r.registration).filter((x): x is string => !!x);
  const get = async (query: string) => {
    const started = process.hrtime.bigint();
    const res = await fetch(`${lrs.url}${query}`, { headers: { authorization: lrs.auth, 'x-experience-api-version': '1.0.3' } });
    const body = (await res.json()) as { statements: unknown[]; more: string };
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (res.status !== 200) throw new Error(`${query} answered ${res.status}`);
    return { ms, body };
  };
  const q = (params: Record<string, string>) => `/xapi/statements?${new URLSearchParams({ ...params, limit: '100' })}`;
  const shapes: Array<[string, () => string]> = [
    ['agent', () => q({ agent: JSON.stringify(any(sample).actor) })],
    ['verb', () => q({ verb: any(sample).verb_id })],
    ['activity', () => q({ activity: any(activities) })],
    ['registration', () => q({ registration: any(registrations) })],
    ['related_agents', () => q({ agent: JSON.stringify(any(sample).actor), related_agents: 'true' })],
    ['since', () => q({ since: new Date(span.a.getTime() + random() * (span.b.getTime() - span.a.getTime())).toISOString() })],
    ['agent + verb', () => q({ agent: JSON.stringify(any(sample).actor), verb: any(sample).verb_id })],
  ];
  try {
    // The noise floor of this machine: a request that touches neither credentials nor statements.
    const floor: number[] = [];
    for (let i = 0; i < samples; i++) {
      const started = process.hrtime.bigint();
      await (await fetch(`${lrs.url}/xapi/about`)).arrayBuffer();
      floor.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    console.log(`baseline GET /xapi/about (no database): p50 ${percentile(floor, 50).toFixed(1)} ms, p95 ${percentile(floor, 95).toFixed(1)} ms; load ${load()}`);
    for (const [label, build] of shapes) {
      await get(build()); // warm-up
      const times: number[] = [];
      let returned = 0;
      for (let i = 0; i < samples; i++) {
        const { ms, body } = await get(build());
        times.push(ms);
        returned += body.statements.length;
      }
      console.log(`GET by ${label}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (${samples} requests, ${(returned / samples).toFixed(0)} statements each on average); load ${load()}`);
    }
    for (const [label, first] of [['all statements', q({})], ['one verb', q({ verb: sample[0]!.verb_id })]] as const) {
      const times: number[] = [];
      let next = first;
      let pages = 0;
      while (next && pages < 100) {
        const { ms, body } = await get(next);
        times.push(ms);
        next = body.more;
        pages += 1;
      }
      console.log(`following more (${label}), ${pages} pages of 100: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, page 100 ${times[times.length - 1]!.toFixed(1)} ms; load ${load()}`);
    }
  } finally {
    await lrs.close();
  }
}

runBench(main);
