/**
 * Forwarding benchmark on PostgreSQL: statements per second delivered by the outbox to a second Instants
 * instance's LRS on loopback (1 and 2 workers), then the lag after an outage of the destination while
 * statements keep being recorded. The outage is shortened (default 30 s, --outage to change).
 * Usage: npx tsx bench/xapi-forward.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--statements 4000]
 *        [--batch 500] [--outage 30] [--rate 20]
 */
import net from 'node:net';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { createCredential } from '../src/lrs/credentials.service';
import { systemClock } from '../src/platform/clock';
import { openPostgres, type Database } from '../src/platform/db/client';
import { migrate } from '../src/platform/db/migrate';
import { createLogger } from '../src/platform/logger';
import { recordEvents } from '../src/xapi';
import { addDestination, XAPI_OUTBOX_KIND } from '../src/xapi/forwarding/destinations';
import { xapiForwardHandler } from '../src/xapi/forwarding/forward.handler';
import { Outbox, rowsOf } from '../src/xapi/outbox/outbox';
import { createTestApp, TEST_SECRETS, testConfig } from '../test/support/app';
import { ALL_KINDS, buildEvent, buildEventSession } from '../test/xapi/fixtures';
import { arg, load, runBench } from './support';

const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const total = Number(arg('--statements', '4000'));
const batch = Number(arg('--batch', '500'));
const outageSeconds = Number(arg('--outage', '30'));
const rate = Number(arg('--rate', '20'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createDb(admin: pg.Client, name: string): Promise<Database> {
  await admin.query(`create database ${name}`);
  const url = new URL(pgAdmin);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), 10);
  await migrate(database);
  return database;
}

/** A TCP proxy in front of the destination, to take it down and bring it back. */
async function proxyTo(port: number) {
  const sockets = new Set<net.Socket>();
  const make = () =>
    net.createServer((client) => {
      const upstream = net.connect(port, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => (client.destroy(), upstream.destroy(), sockets.delete(client), sockets.delete(upstream));
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
  let server = make();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxyPort = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${proxyPort}/xapi/`,
    async down() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
    async up() {
      server = make();
      await new Promise<void>((r) => server.listen(proxyPort, '127.0.0.1', r));
    },
    /** Closes whichever server is up (the first, or the one `up` made): a listening server keeps the process alive. */
    async close() {
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise((r) => server.close(r));
    },
  };
}

async function main() {
  const admin = new pg.Client({ connectionString: pgAdmin });
  await admin.connect();
  const tag = `${process.pid}`;
  const source = await createDb(admin, `instants_bench_fwd_src_${tag}`);
  const targetDb = await createDb(admin, `instants_bench_fwd_dst_${tag}`);
  const target = await createTestApp({ database: targetDb, env: { LOG_LEVEL: 'silent' } });
  const proxy = await proxyTo(Number(new URL(target.url).port));
  try {
    const { key, secret } = await createCredential(targetDb.db, { name: 'bench', scopes: ['statements/write'] });
    await addDestination(source.db, TEST_SECRETS.ltiKey, { name: 'instance', endpoint: proxy.url, key, secret, batchSize: batch });
    const deps = { config: testConfig(), secrets: TEST_SECRETS };
    const sessions = Array.from({ length: 20 }, () => buildEventSession());
    let counter = 0;
    const record = async (n: number) => {
      for (let done = 0; done < n; done += 100) {
        const events = Array.from({ length: Math.min(100, n - done) }, () => buildEvent(ALL_KINDS[counter % ALL_KINDS.length]!, { sub: String(counter++ % 500), session: sessions[counter % 20] }));
        await source.db.transaction((tx) => recordEvents(tx, events, deps));
      }
    };
    const pending = async () => Number(rowsOf<{ n: string }>(await source.db.execute(sql`select count(*) as n from outbox where status = 'pending'`))[0]!.n);
    const worker = () => {
      const box = new Outbox({ db: source.db, clock: systemClock, log: createLogger('silent') });
      box.register(XAPI_OUTBOX_KIND, xapiForwardHandler({ db: source.db, ltiKey: TEST_SECRETS.ltiKey }));
      return box;
    };
    const drain = async (workers: number) => {
      const boxes = Array.from({ length: workers }, worker);
      await Promise.all(boxes.map(async (box) => { while ((await box.runOnce()) > 0); }));
    };

    for (const workers of [1, 2]) {
      await record(total);
      const queued = await pending();
      const started = process.hrtime.bigint();
      await drain(workers);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(`forwarding, ${workers} worker(s), batches of ${batch}: ${queued} statements delivered in ${seconds.toFixed(2)} s = ${Math.round(queued / seconds)} statements/s (target ≥ 5,000/s); load ${load()}`);
    }

    // Outage: the destination is down for `outageSeconds` while `rate` events/s are recorded; workers keep running.
    const box = worker();
    let running = true;
    let maxLag = 0;
    const loop = (async () => {
      while (running) if ((await box.runOnce()) === 0) await sleep(100);
    })();
    await proxy.down();
    const outageEnd = Date.now() + outageSeconds * 1000;
    while (Date.now() < outageEnd) {
      const tick = Date.now();
      await record(rate);
      await sleep(Math.max(0, 1000 - (Date.now() - tick)));
    }
    const backlog = await pending();
    await proxy.up();
    const back = Date.now();
    for (;;) {
      const [row] = rowsOf<{ n: string; oldest: string | null }>(await source.db.execute(sql`select count(*) as n, min(created_at) as oldest from outbox where status = 'pending'`));
      if (row!.oldest) maxLag = Math.max(maxLag, (Date.now() - new Date(row!.oldest).getTime()) / 1000);
      if (Number(row!.n) === 0) break;
      await sleep(100);
    }
    const catchUp = (Date.now() - back) / 1000;
    running = false;
    await loop;
    console.log(
      `outage of ${outageSeconds} s at ${rate} events/s recorded: backlog ${backlog} statements; caught up ${catchUp.toFixed(1)} s after the destination came back (includes waiting for the next retry of the backoff); oldest statement waited ${maxLag.toFixed(1)} s`,
    );
  } finally {
    await proxy.close();
    await target.close();
    await source.close();
    await targetDb.close();
    for (const db of ['src', 'dst']) await admin.query(`drop database if exists instants_bench_fwd_${db}_${tag} with (force)`);
    await admin.end();
  }
}

runBench(main);
