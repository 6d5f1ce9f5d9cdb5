/**
 * LRS write benchmark on PostgreSQL, over real HTTP: statements/s for POSTs of 100-statement batches with 4
 * concurrent clients and for single-statement POSTs with 20 concurrent clients; the same rows inserted
 * directly with `pg` as the ceiling; the process's peak RSS (server and load generator share the process).
 * Usage: npx tsx bench/lrs-write.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--batches 100] [--singles 2000]
 */
import pg from 'pg';
import { referencesOf } from '../src/lrs/ifi';
import { prng, seededStatement } from '../src/lrs/seed';
import { complete, rowOf } from '../src/lrs/store.service';
import { arg, startBenchLrs } from './lrs-common';

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

async function main() {
  const lrs = await startBenchLrs({ adminUrl, name: `instants_bench_lrsw_${process.pid}`, create: true });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const post = async (body: unknown) => {
    const res = await fetch(`${lrs.url}/xapi/statements`, {
      method: 'POST',
      headers: { authorization: lrs.auth, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const runClients = async (clients: number, requests: number, perRequest: number) => {
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next++ < requests) await post(perRequest === 1 ? statement() : Array.from({ length: perRequest }, statement));
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { seconds, rate: (requests * perRequest) / seconds };
  };
  try {
    await runClients(4, 5, 100); // warm-up
    const batch = await runClients(4, batches, 100);
    console.log(`POST 100-statement batches, 4 clients: ${batches * 100} statements in ${batch.seconds.toFixed(1)} s = ${Math.round(batch.rate)} statements/s`);
    const single = await runClients(20, singles, 1);
    console.log(`POST single statements, 20 clients: ${singles} statements in ${single.seconds.toFixed(1)} s = ${Math.round(single.rate)} statements/s`);
    clearInterval(sampler);
    console.log(`peak RSS of the process (server + load generator): ${Math.round(peakRss / 1024 / 1024)} MB`);

    // Ceiling: the same rows (statement + agent and activity index rows) inserted directly with pg.
    const pool = new pg.Pool({ connectionString: lrs.databaseUrl, max: 20 });
    const ceiling = async (connections: number, perTx: number, transactions: number) => {
      const stored = new Date().toISOString();
      const prepared = Array.from({ length: transactions }, () =>
        Array.from({ length: perTx }, () => {
          const s = complete(statement(), stored, { objectType: 'Agent', account: { homePage: 'urn:bench', name: 'bench' } }, '1.0.3');
          return { row: rowOf(s, null), refs: referencesOf(s) };
        }),
      );
      let next = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          const client = await pool.connect();
          try {
            while (next < prepared.length) {
              const rows = prepared[next++]!;
              await client.query('begin');
              const values: unknown[] = [];
              const tuples = rows.map(({ row }, i) => {
                values.push(row.id, JSON.stringify(row.statement), row.stored, row.timestamp, row.version, row.verbId, row.actorIfi, row.objectType, row.objectActivityId, row.registration);
                const b = i * 10;
                return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8},$${b + 9},$${b + 10})`;
              });
              const r = await client.query(
                `insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_activity_id, registration) values ${tuples.join(',')} returning seq`,
                values,
              );
              const agentRows: unknown[] = [];
              const activityRows: unknown[] = [];
              rows.forEach(({ refs }, i) => {
                const seq = r.rows[i].seq;
                for (const a of refs.agents) agentRows.push(seq, a.ifi, a.role, stored);
                for (const a of refs.activities) activityRows.push(seq, a.id, a.role, stored);
              });
              const tuples4 = (n: number) => Array.from({ length: n / 4 }, (_, i) => `($${i * 4 + 1},$${i * 4 + 2},$${i * 4 + 3},$${i * 4 + 4})`).join(',');
              await client.query(`insert into lrs_statement_agents (statement_seq, ifi, role, stored) values ${tuples4(agentRows.length)} on conflict do nothing`, agentRows);
              await client.query(`insert into lrs_statement_activities (statement_seq, activity_id, role, stored) values ${tuples4(activityRows.length)} on conflict do nothing`, activityRows);
              await client.query('commit');
            }
          } finally {
            client.release();
          }
        }),
      );
      return (transactions * perTx) / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    const batchCeiling = await ceiling(4, 100, batches);
    console.log(`ceiling, same rows inserted directly with pg, 100 per transaction, 4 connections: ${Math.round(batchCeiling)} statements/s`);
    console.log(`ratio HTTP batches / ceiling: ${((batch.rate / batchCeiling) * 100).toFixed(0)} %`);
    const singleCeiling = await ceiling(20, 1, singles);
    console.log(`ceiling, same rows inserted directly with pg, 1 per transaction, 20 connections: ${Math.round(singleCeiling)} statements/s`);
    console.log(`ratio HTTP singles / ceiling: ${((single.rate / singleCeiling) * 100).toFixed(0)} %`);
    await pool.end();
  } finally {
    clearInterval(sampler);
    await lrs.close();
  }
}

// The database is dropped WITH (FORCE) at the end: a pool still holding an idle connection may report it.
process.on('uncaughtException', (err: Error & { code?: string }) => {
  if (err.code === '57P01') return;
  console.error(err);
  process.exit(1);
});

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
