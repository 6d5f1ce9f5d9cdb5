import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createCredential } from '../../src/lrs/credentials.service';
import { openPostgres } from '../../src/platform/db/client';
import { createEmptyPostgresDatabase, engine, testDatabaseUrl } from '../support/db';
import { freePort, startInstants, waitForOk, type RunningProcess } from '../support/process';

/** Personal data carried by every statement: none of it may reach the process output. */
const LEAK = { email: 'writer.fuite@example.org', name: 'Éloïse Fuite-Témoin' };
const WRITERS = 4;

/** Polls `check` until it holds; fails with `what` if the process ends or a generous deadline passes. */
async function until(what: string, check: () => boolean | Promise<boolean>, proc: RunningProcess, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (proc.child.exitCode !== null) throw new Error(`process exited while waiting for ${what}:\n${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}:\n${proc.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Admin statements on the test database from another database of the server. */
async function onServer(fn: (c: pg.Client, db: string) => Promise<unknown>, dbUrl: string): Promise<void> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await fn(admin, new URL(dbUrl).pathname.slice(1));
  } finally {
    await admin.end();
  }
}
const terminate = (c: pg.Client, db: string) => c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [db]);

(engine === 'postgres' ? describe : describe.skip)('platform: the real process under database faults (needs PostgreSQL: TEST_DATABASE_URL)', function () {
  this.timeout(180_000);
  let dataDir: string;
  let port: number;
  let proc: RunningProcess;
  let db: { url: string; drop: () => Promise<void> };
  let auth: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-dbfault-'));
    port = await freePort();
    db = await createEmptyPostgresDatabase();
    proc = startInstants({ PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: db.url, DATABASE_POOL_SIZE: '4' });
    await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, 100_000);
    const database = await openPostgres(db.url, 1);
    const cred = await createCredential(database.db, { name: 'writers', scopes: ['all'] });
    await database.close();
    auth = `Basic ${Buffer.from(`${cred.key}:${cred.secret}`).toString('base64')}`;
  });
  after(async () => {
    proc.child.kill('SIGKILL');
    await proc.exited;
    await onServer((c, name) => c.query(`alter database ${name} with allow_connections true`), db.url).catch(() => undefined);
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const readyz = async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status;

  it('stays up while connections are killed under a write load: in-flight requests get 503, acknowledged statements are all stored, /readyz goes 503 then 200', async () => {
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let stop = false;
    const writer = async () => {
      while (!stop) {
        const id = crypto.randomUUID();
        const statement = {
          id,
          actor: { objectType: 'Agent', mbox: `mailto:${LEAK.email}`, name: LEAK.name },
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { fr: 'a découvert' } },
          object: { id: 'https://instants.example.org/activities/db-faults', definition: { name: { fr: LEAK.name } } },
        };
        let status: number;
        try {
          const res = await fetch(`http://127.0.0.1:${port}/xapi/statements`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json', 'x-experience-api-version': '1.0.3' },
            body: JSON.stringify(statement),
          });
          status = res.status;
          if (status === 503) expect(res.headers.get('retry-after')).to.match(/^\d+$/);
          await res.arrayBuffer();
        } catch {
          status = 0; // connection reset: the process died
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) acknowledged.push(id);
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    const ok = () => statuses.get(200) ?? 0;
    const unavailable = () => statuses.get(503) ?? 0;
    try {
      await until('first writes', () => ok() >= 20, proc);
      // Plain kills: the pool reconnects at once; whatever transaction was in flight fails.
      for (let i = 0; i < 3; i++) {
        const before = ok();
        await onServer(terminate, db.url);
        await until(`writes after kill ${i + 1}`, () => ok() >= before + 20, proc);
      }
      // Kills while new connections are refused (a server restarting): 503s, /readyz 503, then recovery.
      for (let i = 0; i < 2; i++) {
        const served503 = unavailable();
        await onServer(async (c, name) => {
          await c.query(`alter database ${name} with allow_connections false`);
          await terminate(c, name);
        }, db.url);
        await until('/readyz 503 during the outage', async () => (await readyz()) === 503, proc);
        await until('a write answered 503 during the outage', () => unavailable() > served503, proc);
        await onServer((c, name) => c.query(`alter database ${name} with allow_connections true`), db.url);
        await until('/readyz 200 after the outage', async () => (await readyz()) === 200, proc);
        const before = ok();
        await until(`writes after outage ${i + 1}`, () => ok() >= before + 20, proc);
      }
    } finally {
      stop = true;
      await Promise.all(writers);
    }
    expect(proc.child.exitCode, proc.output().slice(-3000)).to.equal(null);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).to.equal(200);
    expect([...statuses.keys()].sort(), JSON.stringify([...statuses])).to.deep.equal([200, 503]);

    const check = new pg.Client({ connectionString: db.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ n: number }>('select count(*)::int as n from lrs_statements where id = any($1::uuid[])', [acknowledged]);
      expect(rows[0]!.n, 'every acknowledged statement is stored').to.equal(acknowledged.length);
    } finally {
      await check.end();
    }
    const out = proc.output();
    expect(out).to.contain('database connection lost');
    expect(out, 'no e-mail in the logs').not.to.contain(LEAK.email);
    expect(out, 'no name in the logs').not.to.contain('Fuite-T');
    const notJson = out.split('\n').filter((l) => l.trim() && !l.startsWith('{'));
    expect(notJson, 'nothing outside the JSON log').to.deep.equal([]);
  });
});
