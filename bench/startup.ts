/**
 * Start-up benchmark: time from `npm start` (node scripts/start.cjs) to a 200 on /readyz, first start on a
 * fresh PGlite, later starts on PGlite and on PostgreSQL, and the idle process's resident memory.
 * Usage: npx tsx bench/startup.ts [--pg postgres://postgres@127.0.0.1:5432/postgres]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(__dirname, '..');
const pgAdmin = process.argv.includes('--pg') ? process.argv[process.argv.indexOf('--pg') + 1]! : 'postgres://postgres@127.0.0.1:5432/postgres';

async function timeStart(env: Record<string, string>, port: number): Promise<{ ms: number; rssMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(root, 'scripts/start.cjs')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
      } catch {
        /* not yet */
      }
      if (child.exitCode !== null) throw new Error('process exited');
      await new Promise((r) => setTimeout(r, 20));
    }
    const ms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 3000)); // idle
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
    return { ms, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-bench-'));
  const results: Array<[string, number, number]> = [];
  const first = await timeStart({ DATA_DIR: dataDir }, 3901);
  results.push(['PGlite, first start (fresh data dir)', first.ms, first.rssMb]);
  for (let i = 0; i < 3; i++) {
    const again = await timeStart({ DATA_DIR: dataDir }, 3901);
    results.push([`PGlite, later start #${i + 1}`, again.ms, again.rssMb]);
  }
  const admin = new pg.Client({ connectionString: pgAdmin });
  await admin.connect();
  const db = `instants_bench_${process.pid}`;
  await admin.query(`create database ${db}`);
  const url = new URL(pgAdmin);
  url.pathname = `/${db}`;
  try {
    for (let i = 0; i < 4; i++) {
      const r = await timeStart({ DATA_DIR: dataDir, DATABASE_URL: url.toString() }, 3902);
      results.push([`PostgreSQL, ${i === 0 ? 'first start (migrating)' : `later start #${i}`}`, r.ms, r.rssMb]);
    }
  } finally {
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('start-up to /readyz 200, and idle RSS 3 s after ready');
  for (const [label, ms, rss] of results) console.log(`${label.padEnd(42)} ${ms.toFixed(0).padStart(6)} ms   ${rss.toFixed(0).padStart(4)} MB`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
