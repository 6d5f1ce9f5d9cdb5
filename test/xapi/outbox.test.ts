import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/platform/db/client';
import { enqueueOutbox, Outbox, rowsOf, type DeliveryOutcome, type OutboxItem } from '../../src/xapi/outbox/outbox';
import { memoryLogger, TestClock } from '../support/app';
import { createTestDatabase } from '../support/db';

/** A handler of a made-up kind (as the grades slice will add 'ags-score'), recording what it was given. */
function recordingHandler(answer: (item: OutboxItem) => DeliveryOutcome = () => ({ status: 'delivered' }), delayMs = 0) {
  const batches: number[][] = [];
  return {
    batches,
    handler: {
      batchSize: () => 4,
      async deliver(_destination: string, items: OutboxItem[]) {
        batches.push(items.map((i) => (i.payload as { n: number }).n));
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        return items.map(answer);
      },
    },
  };
}

async function pending(database: Database, kind: string): Promise<number> {
  return Number(rowsOf<{ n: string }>(await database.db.execute(sql`select count(*) as n from outbox where kind = ${kind} and status = 'pending'`))[0]!.n);
}

describe('xapi: the generic outbox', () => {
  let database: Database;
  let clock: TestClock;
  const log = memoryLogger().log;
  before(async () => {
    database = await createTestDatabase();
    clock = new TestClock(new Date('2026-11-28T10:00:00Z'));
  });
  after(async () => database.close());

  const enqueue = (kind: string, n: number, destination = 'd1') =>
    database.db.transaction((tx) => enqueueOutbox(tx, Array.from({ length: n }, (_, i) => ({ kind, destination, ref: `r${i}`, payload: { n: i } }))));

  it('delivers rows of any registered kind through its handler, in order, in batches of its size', async () => {
    const box = new Outbox({ db: database.db, clock, log });
    const h = recordingHandler();
    box.register('test-order', h.handler);
    await enqueue('test-order', 10);
    while ((await box.runOnce()) > 0);
    expect(h.batches).to.deep.equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(await pending(database, 'test-order')).to.equal(0);
  });

  it('refuses a second handler for the same kind', () => {
    const box = new Outbox({ db: database.db, clock, log });
    box.register('test-twice', recordingHandler().handler);
    expect(() => box.register('test-twice', recordingHandler().handler)).to.throw(/already registered/);
  });

  it('keeps the rows when the handler throws or miscounts, and delivers them on a later run', async () => {
    const box = new Outbox({ db: database.db, clock, log, random: () => 0 });
    let calls = 0;
    box.register('test-throw', {
      async deliver(_d, items) {
        calls++;
        if (calls === 1) throw new Error('remote exploded');
        if (calls === 2) return [];
        return items.map(() => ({ status: 'delivered' }));
      },
    });
    await enqueue('test-throw', 3);
    await box.runOnce();
    expect(await pending(database, 'test-throw')).to.equal(3);
    clock.advance(60_000);
    await box.runOnce();
    expect(await pending(database, 'test-throw')).to.equal(3);
    clock.advance(60_000);
    await box.runOnce();
    expect(await pending(database, 'test-throw')).to.equal(0);
  });

  it('gives rows claimed by a worker that never finished back to another worker once the lease ends', async () => {
    await enqueue('test-lease', 3);
    // A worker claims the rows, then "dies" (its handler never returns).
    const stuck = new Outbox({ db: database.db, clock, log, leaseMs: 30_000 });
    stuck.register('test-lease', { deliver: () => new Promise<DeliveryOutcome[]>(() => undefined) });
    void stuck.runOnce();
    await new Promise((r) => setTimeout(r, 300));
    const other = new Outbox({ db: database.db, clock, log });
    const h = recordingHandler();
    other.register('test-lease', h.handler);
    expect(await other.runOnce()).to.equal(0);
    clock.advance(31_000);
    while ((await other.runOnce()) > 0);
    expect(h.batches.flat()).to.deep.equal([0, 1, 2]);
  });

  it('lets two workers run at once without delivering any row twice (FOR UPDATE SKIP LOCKED)', async () => {
    await enqueue('test-parallel', 40, 'dp');
    const seen: number[] = [];
    const boxes = [0, 1].map(() => {
      const box = new Outbox({ db: database.db, clock, log });
      const h = recordingHandler(undefined, 20);
      box.register('test-parallel', h.handler);
      return { box, h };
    });
    await Promise.all(boxes.map(async ({ box }) => { while ((await box.runOnce()) > 0); }));
    for (const { h } of boxes) seen.push(...h.batches.flat());
    expect(seen.sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 40 }, (_, i) => i));
  });
});
