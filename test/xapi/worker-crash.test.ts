import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/platform/db/client';
import { ROOT_DIR } from '../../src/platform/paths';
import { recordEvents } from '../../src/xapi';
import { addDestination } from '../../src/xapi/forwarding/destinations';
import { rowsOf } from '../../src/xapi/outbox/outbox';
import { TEST_SECRETS, testConfig } from '../support/app';
import { createTestDatabase, engine } from '../support/db';
import { buildEvent } from './fixtures';
import { startScriptedLrs, type ScriptedLrs } from './scripted-lrs';

function startWorker(url: string): { child: ChildProcess; ready: Promise<void>; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'test', 'xapi', 'worker-process.ts')], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, LTI_KEY: TEST_SECRETS.ltiKey, LEASE_MS: '1500' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`worker exited (${code}): ${err}`)));
  });
  return { child, ready, exited };
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// PGlite lives inside one process: a second process cannot open the same database, so this runs on PostgreSQL.
(engine === 'postgres' ? describe : describe.skip)('xapi: outbox worker killed mid-delivery (PostgreSQL only: needs a database two processes share)', () => {
  let database: Database & { url?: string };
  let lrs: ScriptedLrs;
  before(async () => {
    database = await createTestDatabase();
    lrs = await startScriptedLrs();
  });
  after(async () => {
    await lrs.close();
    await database.close();
  });

  it('resumes after a SIGKILL during a delivery with nothing lost', async function () {
    this.timeout(120_000);
    await addDestination(database.db, TEST_SECRETS.ltiKey, { name: 'crash', endpoint: lrs.url, key: 'k', secret: 's', batchSize: 50 });
    const deps = { config: testConfig(), secrets: TEST_SECRETS };
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const events = Array.from({ length: 100 }, (_, j) => buildEvent('attended', { sub: String(i * 100 + j) }));
      ids.push(...(await database.db.transaction((tx) => recordEvents(tx, events, deps))));
    }

    const first = startWorker(database.url!);
    await first.ready;
    let killedDuring = 0;
    // On the 11th request, the statements are read but not yet answered: kill the worker right then.
    lrs.beforeAnswer = async (n) => {
      if (n === 11 && !killedDuring) {
        killedDuring = n;
        first.child.kill('SIGKILL');
        await first.exited;
      }
    };
    await first.exited;
    expect(killedDuring).to.equal(11);
    const deliveredBeforeCrash = new Set(lrs.received).size;
    expect(deliveredBeforeCrash).to.be.within(1, ids.length - 1);

    const second = startWorker(database.url!);
    await second.ready;
    try {
      await until(async () => {
        const [row] = rowsOf<{ n: string }>(await database.db.execute(sql`select count(*) as n from outbox`));
        return Number(row!.n) === 0;
      }, 'the outbox to empty');
    } finally {
      second.child.kill('SIGKILL');
      await second.exited;
    }
    const received = new Set(lrs.received);
    expect(ids.filter((id) => !received.has(id))).to.deep.equal([]);
    expect(received.size).to.equal(ids.length);
  });
});
