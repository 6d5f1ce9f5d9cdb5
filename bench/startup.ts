/**
 * Start-up benchmark of the production build, as the README runs it (`npm run build`, then
 * `NODE_ENV=production npm start`): time from the start of the process to a 200 on /readyz, first start on
 * a fresh PGlite, later starts on PGlite and on PostgreSQL, and the idle process's resident memory. The build
 * is made in a temporary copy of the project (node_modules linked), never in this checkout's dist/.
 * Usage: npx tsx bench/startup.ts [--pg postgres://postgres@127.0.0.1:5432/postgres]
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { arg, load, runBench } from './support';
import { PRODUCTION_ENV } from '../test/support/process';

const root = path.resolve(__dirname, '..');
const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const COPIED = ['package.json', 'scripts', 'views', 'locales', 'public', 'migrations', 'xapi', 'lti-config'];
const PRODUCTION = {
  ...PRODUCTION_ENV,
  LOG_LEVEL: 'warn',
};

/** A copy of the project with the production build in dist/ (types are checked by `npm run typecheck`). */
function buildCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-bench-build-'));
  for (const entry of COPIED) fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist'), '--noCheck'], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`build failed: ${tsc.stdout}${tsc.stderr}`);
  return dir;
}

async function timeStart(dir: string, env: Record<string, string>, port: number): Promise<{ ms: number; rssMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [path.join(dir, 'scripts/start.cjs')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...PRODUCTION, PORT: String(port), ...env },
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
  const dir = buildCopy();
  const dataDir = path.join(dir, 'data');
  const results: Array<[string, number, number, string]> = [];
  const admin = new pg.Client({ connectionString: pgAdmin });
  const db = `instants_bench_${process.pid}`;
  try {
    const first = await timeStart(dir, { DATA_DIR: dataDir }, 3901);
    results.push(['PGlite, first start (fresh data dir, migrating)', first.ms, first.rssMb, load()]);
    for (let i = 0; i < 3; i++) {
      const again = await timeStart(dir, { DATA_DIR: dataDir }, 3901);
      results.push([`PGlite, later start #${i + 1}`, again.ms, again.rssMb, load()]);
    }
    await admin.connect();
    await admin.query(`create database ${db}`);
    const url = new URL(pgAdmin);
    url.pathname = `/${db}`;
    for (let i = 0; i < 4; i++) {
      const r = await timeStart(dir, { DATA_DIR: dataDir, DATABASE_URL: url.toString() }, 3902);
      results.push([`PostgreSQL, ${i === 0 ? 'first start (migrating)' : `later start #${i}`}`, r.ms, r.rssMb, load()]);
    }
  } finally {
    await admin.query(`drop database if exists ${db} with (force)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('production build (NODE_ENV=production npm start): start-up to /readyz 200, and idle RSS 3 s after ready (target on PostgreSQL ≤ 150 MB)');
  for (const [label, ms, rss, l] of results) console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms   ${rss.toFixed(0).padStart(4)} MB   load ${l}`);
}

runBench(main);
