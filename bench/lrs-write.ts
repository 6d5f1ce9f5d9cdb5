/**
 * LRS write benchmark on PostgreSQL, over real HTTP, each figure beside what this machine allows in the
 * same run: single-statement POSTs (20 clients) against the HTTP floor (GET /xapi/about, same stack, same
 * clients) and against a plain `pg` client inserting the same rows into the same tables and indexes (one
 * autocommitted statement per write, as a plain client would); 100-statement POSTs (4 clients) against the
 * same `pg` ceiling for 100-row writes. Prints ratios, statements per POST, and os.loadavg() beside each
 * figure (server, load generator and ceiling share this process: take figures on an idle machine).
 * Usage: npx tsx bench/lrs-write.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--batches 100] [--singles 2000]
 */
import pg from 'pg';
import { referencesOf } from '../src/lrs/ifi';
import { prng, seededStatement } from '../src/lrs/seed';
import { complete, rowOf } from '../src/lrs/store.service';
import { startBenchLrs } from './lrs-common';
import { arg, load, runBench } from './support';

const adminUrl = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const batches = Number(arg('--batches', '100'));
const singles = Number(arg('--singles', '2000'));
const random = prng(1);
let counter = 0;
const statement = () => {
  const s = seededStatement(counter++, 1_000_000, random);
  delete s.id;
  return s;
};

/** Runs `requests` calls of `send` from `clients` concurrent loops; returns the rate of units per second. */
async function drive(clients: number, requests: number, perRequest: number, send: (i: number) => Promise<void>) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = next++; i < requests; i = next++) await send(i);
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, rate: (requests * perRequest) / seconds, load: load() };
}

/** The same rows our store writes (statement, agent and activity index rows, agent names), in one statement. */
function ceilingInsert(rows: Array<{ row: ReturnType<typeof rowOf>; refs: ReturnType<typeof referencesOf> }>): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const p = (v: unknown) => `$${values.push(v)}`;
  const statements = rows.map(({ row }) =>
    `(${[row.id, JSON.stringify(row.statement), row.stored, row.timestamp, row.version, row.verbId, row.actorIfi, row.objectType, row.objectActivityId, row.registration].map(p).join(',')})`,
  );
  const agents: string[] = [];
  const activities: string[] = [];
  const names: string[] = [];
  rows.forEach(({ row, refs }) => {
    for (const a of refs.agents) agents.push(`(${p(row.id)}::uuid,${p(a.ifi)},${p(a.role)},${p(row.stored)}::timestamptz)`);
    for (const a of refs.activities) activities.push(`(${p(row.id)}::uuid,${p(a.id)},${p(a.role)},${p(row.stored)}::timestamptz)`);
    for (const n of refs.names) names.push(`(${p(n.ifi)},${p(n.name)})`);
  });
  const text = `with s as (insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_activity_id, registration)
      values ${statements.join(',')} returning seq, id),
    ag as (insert into lrs_statement_agents (statement_seq, ifi, role, stored) select s.seq, v.ifi, v.role, v.stored from (values ${agents.join(',')}) v(id, ifi, role, stored) join s on s.id = v.id on conflict do nothing)
    ${activities.length ? `, ac as (insert into lrs_statement_activities (statement_seq, activity_id, role, stored) select s.seq, v.a, v.role, v.stored from (values ${activities.join(',')}) v(id, a, role, stored) join s on s.id = v.id on conflict do nothing)` : ''}
    ${names.length ? `, nm as (insert into lrs_agent_names (ifi, name) values ${names.join(',')} on conflict do nothing)` : ''}
    select count(*) from s`;
  return { text, values };
}

async function main() {
  const lrs = await startBenchLrs({ adminUrl, name: `instants_bench_lrsw_${process.pid}`, create: true, countQueries: true });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const headers = { authorization: lrs.auth, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' };
  const post = async (body: unknown) => {
    const res = await fetch(`${lrs.url}/xapi/statements`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status !== 200) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const about = async () => {
    const res = await fetch(`${lrs.url}/xapi/about`);
    if (res.status !== 200) throw new Error(`GET /xapi/about answered ${res.status}`);
    await res.arrayBuffer();
  };
  const pool = new pg.Pool({ connectionString: lrs.databaseUrl, max: 20 });
  const ceiling = async (connections: number, perWrite: number, writes: number) => {
    const stored = new Date().toISOString();
    const prepared = Array.from({ length: writes }, () =>
      ceilingInsert(
        Array.from({ length: perWrite }, () => {
          const s = complete(statement(), stored, { objectType: 'Agent', account: { homePage: 'urn:bench', name: 'bench' } }, '1.0.3');
          return { row: rowOf(s, null), refs: referencesOf(s) };
        }),
      ),
    );
    return drive(connections, writes, perWrite, async (i) => {
      const q = prepared[i]!;
      await pool.query(q.text, q.values);
    });
  };
  const queries = lrs.database.queries!;
  const perPost = async (n: number, body: () => unknown) => {
    const before = queries();
    for (let i = 0; i < n; i++) await post(body());
    return (queries() - before) / n;
  };
  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(0)} %`;
  try {
    // Warm-up of every path (JIT, caches, connections), not counted.
    await drive(20, 200, 1, about);
    await drive(4, 5, 100, () => post(Array.from({ length: 100 }, statement)));
    await drive(20, 100, 1, () => post(statement()));
    await ceiling(20, 1, 200);
    await ceiling(4, 100, 5);

    const floor = await drive(20, singles, 1, about);
    const single = await drive(20, singles, 1, () => post(statement()));
    const singleCeiling = await ceiling(20, 1, singles);
    const batch = await drive(4, batches, 100, () => post(Array.from({ length: 100 }, statement)));
    const batchCeiling = await ceiling(4, 100, batches);
    clearInterval(sampler);
    const singleQueries = await perPost(50, statement);
    const batchQueries = await perPost(5, () => Array.from({ length: 100 }, statement));

    console.log('LRS writes, PostgreSQL, HTTP on loopback (figures: statements/s or requests/s; load average 1/5/15 min at the end of each run)');
    console.log(`  HTTP floor, GET /xapi/about, 20 clients:                       ${Math.round(floor.rate)} requests/s   load ${floor.load}`);
    console.log(`  POST single statements, 20 clients:                            ${Math.round(single.rate)} statements/s   load ${single.load}`);
    console.log(`  raw pg ceiling, same rows and indexes, 1 per write, 20 clients: ${Math.round(singleCeiling.rate)} statements/s   load ${singleCeiling.load}`);
    console.log(`  POST 100-statement batches, 4 clients:                         ${Math.round(batch.rate)} statements/s   load ${batch.load}`);
    console.log(`  raw pg ceiling, same rows and indexes, 100 per write, 4 clients: ${Math.round(batchCeiling.rate)} statements/s   load ${batchCeiling.load}`);
    console.log(`  ratios: singles / HTTP floor ${pct(single.rate, floor.rate)} (target ≥ 50 %, and ≥ 2,000/s); singles / pg ceiling ${pct(single.rate, singleCeiling.rate)}; batches / pg ceiling ${pct(batch.rate, batchCeiling.rate)} (target ≥ 50 %)`);
    console.log(`  statements sent to PostgreSQL per POST (counted through the pool): single ${singleQueries.toFixed(1)}, batch of 100 ${batchQueries.toFixed(1)}; the ceiling sends 1`);
    console.log(`  peak RSS of the process (server + load generator + ceiling client): ${Math.round(peakRss / 1024 / 1024)} MB`);
  } finally {
    clearInterval(sampler);
    await pool.end();
    await lrs.close();
  }
}

// The database is dropped WITH (FORCE) at the end: a pool still holding an idle connection may report it.
process.on('uncaughtException', (err: Error & { code?: string }) => {
  if (err.code === '57P01') return;
  console.error(err);
  process.exit(1);
});

runBench(main);
