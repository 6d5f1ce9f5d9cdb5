/**
 * Database-fault benchmark on PostgreSQL: a real Instants process (as `npm start` runs it), `--writers`
 * clients posting single statements to /xapi, and `--faults` times every `--every-ms` all of the
 * database's connections terminated (`pg_terminate_backend`; with `--outage-ms`, new connections are also
 * refused that long, as during a server restart). Prints process crashes (target 0), acknowledged
 * statements lost (target 0), and the time from each fault to the first success again (target ≤ 2 s),
 * with the machine's load average: figures are only meaningful on an otherwise idle machine.
 * Usage: npx tsx bench/db-faults.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--writers 20] [--faults 10] [--every-ms 1500] [--outage-ms 0]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createCredential } from '../src/lrs/credentials.service';
import { freePort, startInstants, waitForOk } from '../test/support/process';
import { arg, percentile, runBench, withBenchDatabase } from './support';

const adminUrl = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const WRITERS = Number(arg('--writers', '20'));
const FAULTS = Number(arg('--faults', '10'));
const EVERY_MS = Number(arg('--every-ms', '1500'));
const OUTAGE_MS = Number(arg('--outage-ms', '0'));
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  startedAt: number;
  endedAt: number;
  status: number;
  id: string;
}

async function onServer(dbName: string, sqlText: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sqlText.replaceAll('$DB', dbName));
  } finally {
    await admin.end();
  }
}

async function main() {
  console.log(`load average before: ${load()} (${os.cpus().length} cores)`);
  await withBenchDatabase(adminUrl, 'dbfaults', 1, async (database, url) => {
    const cred = await createCredential(database.db, { name: 'bench writers', scopes: ['all'] });
    const auth = `Basic ${Buffer.from(`${cred.key}:${cred.secret}`).toString('base64')}`;
    const dbName = new URL(url).pathname.slice(1);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-bench-dbfaults-'));
    const port = await freePort();
    const proc = startInstants({ PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: url, LOG_LEVEL: 'error' });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, 120_000);
      const answers: Answer[] = [];
      let stop = false;
      const writer = async () => {
        while (!stop) {
          const id = crypto.randomUUID();
          const startedAt = performance.now();
          let status: number;
          try {
            const res = await fetch(`http://127.0.0.1:${port}/xapi/statements`, {
              method: 'POST',
              headers: { authorization: auth, 'content-type': 'application/json', 'x-experience-api-version': '1.0.3' },
              body: JSON.stringify({ id, actor: { mbox: `mailto:writer-${id.slice(0, 8)}@example.org` }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'https://instants.example.org/bench/db-faults' } }),
            });
            status = res.status;
            await res.arrayBuffer();
          } catch {
            status = 0; // connection refused or reset: the process is gone
          }
          answers.push({ startedAt, endedAt: performance.now(), status, id });
          if (status === 0) await sleep(50);
        }
      };
      const writers = Array.from({ length: WRITERS }, writer);
      await sleep(EVERY_MS);
      const faults: number[] = [];
      for (let i = 0; i < FAULTS && proc.child.exitCode === null; i++) {
        faults.push(performance.now());
        if (OUTAGE_MS > 0) await onServer(dbName, 'alter database $DB with allow_connections false');
        await onServer(dbName, "select pg_terminate_backend(pid) from pg_stat_activity where datname = '$DB' and pid <> pg_backend_pid()");
        if (OUTAGE_MS > 0) {
          await sleep(OUTAGE_MS);
          await onServer(dbName, 'alter database $DB with allow_connections true');
        }
        await sleep(EVERY_MS);
      }
      stop = true;
      await Promise.all(writers);
      const crashed = proc.child.exitCode !== null;

      // Recovery: from each fault to the end of the first successful request started after it.
      const recoveries = faults.map((at) => {
        const first = answers.filter((a) => a.status === 200 && a.startedAt >= at).sort((a, b) => a.endedAt - b.endedAt)[0];
        return first ? first.endedAt - at : Infinity;
      });
      const acked = answers.filter((a) => a.status === 200).map((a) => a.id);
      const check = new pg.Client({ connectionString: url });
      await check.connect();
      const { rows } = await check.query<{ n: number }>('select count(*)::int as n from lrs_statements where id = any($1::uuid[])', [acked]);
      await check.end();
      const byStatus = new Map<number, number>();
      for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);

      console.log(`database faults: ${WRITERS} writers on /xapi (PostgreSQL), ${faults.length} terminations every ${EVERY_MS} ms${OUTAGE_MS ? `, new connections refused for ${OUTAGE_MS} ms each time` : ''}`);
      console.log(`  process crashes: ${crashed ? 1 : 0} (target 0)`);
      console.log(`  acknowledged statements: ${acked.length}, lost: ${acked.length - rows[0]!.n} (target 0)`);
      console.log(`  answers by status: ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s || 'no answer'}: ${n}`).join(', ')}`);
      const finite = recoveries.filter(Number.isFinite);
      console.log(
        `  fault → first success again: median ${percentile(finite, 50).toFixed(0)} ms, max ${Math.max(...recoveries).toFixed(0)} ms (target ≤ 2000 ms)${finite.length < recoveries.length ? `, ${recoveries.length - finite.length} faults never recovered` : ''}`,
      );
      console.log(`  load average after: ${load()}`);
    } finally {
      proc.child.kill('SIGTERM');
      await proc.exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

runBench(main);
