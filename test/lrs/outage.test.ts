import crypto from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { createTestDatabase, engine } from '../support/db';
import { createTestApp } from '../support/app';
import { createCredential } from '../../src/lrs/credentials.service';
import { aStatement, basic } from './support';

/**
 * A statement write during a database outage is a 503 with Retry-After (Communication §3.2: the LRS answers
 * with the code most appropriate), in xAPI JSON with the version and Consistent-Through headers; nothing is
 * half stored, and the same write succeeds once the database is back.
 */
describe(`lrs: statement writes during a database outage (${engine})`, () => {
  const name =
    engine === 'postgres'
      ? 'answers a POST whose connection dies mid-write with 503 and Retry-After, storing nothing, then stores it once when resent'
      : 'answers a POST with 503 and Retry-After when the embedded database is closed (it cannot lose a connection)';
  it(name, async function () {
    const database = await createTestDatabase();
    const t = await createTestApp({ database });
    const cred = await createCredential(database.db, { name: 'outage', scopes: ['all'] });
    const headers = { authorization: basic(cred.key, cred.secret), 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' };
    const id = crypto.randomUUID();
    const body = JSON.stringify(aStatement({ id }));
    const count = async () => Number(((await database.db.execute(sql`select count(*)::int as n from lrs_statements where id = ${id}`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);
    try {
      let res: Response;
      if (engine === 'postgres') {
        // A lock holds the write after its credential check; then every connection of the app is terminated.
        const holder = new pg.Client({ connectionString: (database as { url?: string }).url });
        await holder.connect();
        try {
          await holder.query('begin; lock table lrs_statements in access exclusive mode');
          const pending = fetch(`${t.url}/xapi/statements`, { method: 'POST', headers, body });
          for (let i = 0; i < 100; i++) {
            const waiting = await holder.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
            if (waiting.rows[0].n > 0) break;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          await holder.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
          res = await pending;
          await holder.query('rollback');
        } finally {
          await holder.end();
        }
      } else {
        // The embedded database cannot lose a connection: closing it is the outage.
        await database.close();
        res = await fetch(`${t.url}/xapi/statements`, { method: 'POST', headers, body });
      }
      expect(res.status).to.equal(503);
      expect(res.headers.get('retry-after')).to.match(/^\d+$/);
      expect(res.headers.get('x-experience-api-version')).to.equal('1.0.3');
      expect(Number.isNaN(Date.parse(res.headers.get('x-experience-api-consistent-through') ?? ''))).to.equal(false);
      expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('unavailable');
      if (engine === 'postgres') {
        expect(await count()).to.equal(0);
        const again = await fetch(`${t.url}/xapi/statements`, { method: 'POST', headers, body });
        expect(again.status).to.equal(200);
        expect(await again.json()).to.deep.equal([id]);
        expect(await count()).to.equal(1);
      }
    } finally {
      await t.close();
      if (engine === 'postgres') await database.close();
    }
  });
});
