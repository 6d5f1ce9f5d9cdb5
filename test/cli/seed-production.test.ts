import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../../src/platform/db/client';
import { ROOT_DIR } from '../../src/platform/paths';
import { createEmptyPostgresDatabase, engine } from '../support/db';
import { freePort, PRODUCTION_ENV, waitForOk, type RunningProcess } from '../support/process';

/** `seed` writes generated data for good: never into a production database, unless forced. */

function cli(tool: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', `${tool}.cli.ts`), ...args], {
      cwd: ROOT_DIR,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

function startProcess(args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT_DIR, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}


describe(`cli: seed and a production database (${engine})`, function () {
  this.timeout(300_000);
  let dataDir: string;
  let pg: { url: string; drop: () => Promise<void> } | undefined;
  let env: Record<string, string>;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-seed-prod-'));
    pg = engine === 'postgres' ? await createEmptyPostgresDatabase() : undefined;
    env = { DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) };
  });
  after(async () => {
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Statements in the database, read directly (no process holds it between commands). */
  const statementCount = async () => {
    const database = await openDatabase({ url: pg?.url, dataDir });
    try {
      const rows = (await database.db.execute(sql`select count(*)::int as n from lrs_statements`)) as unknown as { rows: Array<{ n: number }> };
      return rows.rows[0]!.n;
    } finally {
      await database.close();
    }
  };

  it('refuses with NODE_ENV=production (64), writing nothing', async () => {
    const r = await cli('seed', ['--statements', '5'], { ...env, ...PRODUCTION_ENV });
    expect(r.code, r.err).to.equal(64);
    expect(r.err).to.contain('refusing to write generated data into a production database (NODE_ENV is production)').and.to.contain('--force');
    expect(r.out).not.to.contain('stored');
    expect(await statementCount()).to.equal(0);
  });

  it('refuses a database a production instance has started on, even from a shell without NODE_ENV, unless --force', async () => {
    const port = await freePort();
    // The TypeScript entry point itself (npm start in production wants a build, which this test does not make).
    const proc = startProcess(['--import', 'tsx', path.join(ROOT_DIR, 'src', 'main.ts')], { PORT: String(port), WORKER: 'false', ...env, ...PRODUCTION_ENV });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, 120_000);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).to.equal(0);
    } finally {
      proc.child.kill('SIGKILL');
    }
    const refused = await cli('seed', ['--statements', '5'], env);
    expect(refused.code, refused.err).to.equal(64);
    expect(refused.err).to.match(/a production instance has used this database since \d{4}-\d{2}-\d{2}/);
    expect(await statementCount()).to.equal(0);
    const forced = await cli('seed', ['--statements', '5', '--force'], env);
    expect(forced.code, forced.err).to.equal(0);
    expect(forced.out).to.contain('stored 5 statements');
    expect(await statementCount()).to.equal(5);
  });

  it('leaves the seeded tables with planner statistics (no plan guessed until autovacuum, which PGlite lacks)', async () => {
    const seeded = await cli('seed', ['--statements', '20', '--force'], env);
    expect(seeded.code, seeded.err).to.equal(0);
    const database = await openDatabase({ url: pg?.url, dataDir });
    try {
      const rows = (await database.db.execute(sql`select count(*)::int as n from pg_stats where tablename = 'lrs_statements'`)) as unknown as { rows: Array<{ n: number }> };
      expect(rows.rows[0]!.n).to.be.above(0);
    } finally {
      await database.close();
    }
  });
});
