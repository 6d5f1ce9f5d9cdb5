import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { openPostgres, type Database } from '../../src/platform/db/client';
import { createEmptyPostgresDatabase, engine } from '../support/db';

/**
 * A connection lost between the pool handing it out and the transaction's `begin` (a PostgreSQL restart, a
 * failover, `pg_terminate_backend` at the wrong moment). Drizzle's node-postgres transaction sent `begin`
 * outside its try/finally, so the client was never given back: after a few such losses the pool was empty
 * for good and every request waited for a connection and failed (seen in CI: /readyz never 200 again after
 * an outage). patches/drizzle-orm+0.45.4.patch puts `begin` inside it.
 */
(engine === 'postgres' ? describe : describe.skip)('platform: a connection lost at the start of a transaction (PostgreSQL)', function () {
  this.timeout(30_000);
  let db: { url: string; drop: () => Promise<void> };
  let database: Database;
  before(async () => {
    db = await createEmptyPostgresDatabase();
    database = await openPostgres(db.url, 1);
  });
  after(async () => {
    await database?.close();
    await db?.drop();
  });

  it('gives the pool its client back when begin fails, so the next transaction gets a connection', async () => {
    const pool = (database.db as unknown as { $client: pg.Pool }).$client;
    // The socket of the client the pool hands out next is destroyed before `begin` is written: a real lost connection.
    pool.once('acquire', (client) => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy());
    const lost = await database.db.transaction(async (tx) => tx.execute(sql`select 1`)).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(lost, 'the transaction on the lost connection fails').to.be.instanceOf(Error);
    // Without the patch the pool (of one) has nothing to give: this waits for connectionTimeoutMillis, then fails.
    const rows = (await database.db.transaction(async (tx) => tx.execute(sql`select 41 + 1 as n`))) as unknown as { rows: Array<{ n: number }> };
    expect(rows.rows[0]!.n).to.equal(42);
    expect(pool.totalCount).to.be.at.most(1);
  });
});
