import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createCredential, revokeCredential } from '../../src/lrs/credentials.service';
import { rowsOf } from '../../src/xapi/outbox/outbox';
import { addDestination, removeDestination, setDestinationEnabled } from '../../src/xapi/forwarding/destinations';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { createTestDatabase, engine } from '../support/db';
import { aStatement, basic } from './support';

/**
 * Each instance caches LRS credentials and the enabled forwarding destinations; a change made anywhere else
 * (another instance, the CLI, SQL) applies to the very next request of every instance: the cached value is
 * checked against the tables' version read in the request's own first query (src/platform/db/changes.ts).
 */
describe(`lrs: credentials and forwarding destinations cached per instance, two instances on one database (${engine})`, () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    database = await createTestDatabase();
    a = await createTestApp({ database });
    b = await createTestApp({ database });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await database?.close();
  });

  const call = (t: TestApp, auth: string, method: 'GET' | 'POST', body?: unknown) =>
    fetch(`${t.url}/xapi/statements`, {
      method,
      headers: { authorization: auth, 'x-experience-api-version': '1.0.3', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const count = async (table: 'lrs_statements' | 'outbox') => Number(rowsOf<{ n: string }>(await database.db.execute(sql`select count(*) as n from ${sql.raw(table)}`))[0]!.n);

  it('refuses (401) a credential revoked elsewhere at the next request of an instance that had it cached, reads and writes, storing nothing', async () => {
    const c = await createCredential(database.db, { name: 'Cache', scopes: ['all'] });
    const auth = basic(c.key, c.secret);
    expect((await call(b, auth, 'GET')).status).to.equal(200);
    expect((await call(b, auth, 'POST', aStatement())).status).to.equal(200);
    // Revoked as the CLI or another instance would: nothing tells instance b but the database.
    await revokeCredential(database.db, c.key);
    const before = await count('lrs_statements');
    const read = await call(b, auth, 'GET');
    expect(read.status).to.equal(401);
    expect(read.headers.get('www-authenticate')).to.contain('Basic');
    expect((await call(b, auth, 'POST', aStatement())).status).to.equal(401);
    expect(await count('lrs_statements')).to.equal(before);
  });

  it('refuses a credential whose row was deleted, and accepts at once one created on another instance', async () => {
    const gone = await createCredential(database.db, { name: 'Gone', scopes: ['all'] });
    expect((await call(b, basic(gone.key, gone.secret), 'POST', aStatement())).status).to.equal(200);
    await database.db.execute(sql`delete from lrs_credentials where key = ${gone.key}`);
    expect((await call(b, basic(gone.key, gone.secret), 'POST', aStatement())).status).to.equal(401);
    const fresh = await createCredential(database.db, { name: 'Fresh', scopes: ['statements/write'] });
    expect((await call(b, basic(fresh.key, fresh.secret), 'POST', aStatement())).status).to.equal(200);
  });

  it('forwards the next statement an instance stores to a destination added, and none to one disabled or removed, elsewhere', async () => {
    const auth = basic(...(await createCredential(database.db, { name: 'Fwd', scopes: ['all'] }).then((c) => [c.key, c.secret] as const)));
    // b reads (and caches) the destinations: none yet.
    expect((await call(b, auth, 'POST', aStatement())).status).to.equal(200);
    const queued = await count('outbox');
    const d = await addDestination(database.db, TEST_SECRETS.ltiKey, { name: 'ailleurs', endpoint: 'http://127.0.0.1:9/xapi/', key: 'k', secret: 's' });
    expect((await call(b, auth, 'POST', aStatement())).status).to.equal(200);
    expect(await count('outbox')).to.equal(queued + 1);
    await setDestinationEnabled(database.db, d.id, false);
    expect((await call(b, auth, 'POST', aStatement())).status).to.equal(200);
    expect(await count('outbox')).to.equal(queued + 1);
    await setDestinationEnabled(database.db, d.id, true);
    expect((await call(a, auth, 'POST', aStatement())).status).to.equal(200);
    expect((await call(b, auth, 'POST', aStatement())).status).to.equal(200);
    expect(await count('outbox')).to.equal(queued + 3);
    await removeDestination(database.db, d.id);
    expect((await call(b, auth, 'POST', aStatement())).status).to.equal(200);
    expect(await count('outbox')).to.equal(queued + 3);
  });
});
