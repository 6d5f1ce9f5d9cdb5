import { expect } from 'chai';
import { createCredential } from '../../src/lrs/credentials.service';
import { createTestApp, type TestApp } from '../support/app';
import { createTestDatabase, engine } from '../support/db';
import { signIn } from '../support/factories';

const exec = (t: TestApp, sqlText: string) => t.database.execInTransaction(async (run) => void (await run(sqlText)));

async function readyz(t: TestApp): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${t.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe(`platform: /readyz checks the schema, not only that the database answers (${engine})`, () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 200 on a migrated database', async () => {
    t = await createTestApp();
    expect(await readyz(t)).to.deep.equal({ status: 200, body: { status: 'ready', database: engine } });
  });

  it('answers 503 schema_missing when the migrations table is gone', async () => {
    t = await createTestApp();
    await exec(t, 'drop table instants_migrations');
    expect(await readyz(t)).to.deep.equal({ status: 503, body: { status: 'unavailable', database: engine, reason: 'schema_missing' } });
  });

  it('answers 503 schema_missing when a table of the schema is gone', async () => {
    t = await createTestApp();
    await exec(t, 'drop table web_sessions');
    expect((await readyz(t)).body.reason).to.equal('schema_missing');
  });

  it('answers 503 schema_missing when the latest migration this build knows is not applied', async () => {
    t = await createTestApp();
    await exec(t, 'delete from instants_migrations where name = (select max(name) from instants_migrations)');
    expect((await readyz(t)).status).to.equal(503);
  });

  if (engine === 'pglite') {
    it('answers from the last check, marked busy, while the embedded database is held by other work', async () => {
      t = await createTestApp();
      expect((await readyz(t)).status).to.equal(200);
      // A transaction holds PGlite (one connection): every other query waits until it ends.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const work = t.database.execInTransaction(async (run) => {
        await run('select 1');
        entered();
        await held;
      });
      await inside;
      const probe = await readyz(t);
      release();
      await work;
      expect(probe).to.deep.equal({ status: 200, body: { status: 'ready', database: 'pglite', busy: true } });
    });
  }
});

describe(`platform: a database that cannot be used gives 503 with Retry-After, never 500 (${engine})`, () => {
  it('answers a page with a French 503 page and the xAPI with a JSON 503, both with Retry-After', async () => {
    const database = await createTestDatabase();
    const t = await createTestApp({ database });
    try {
      const { browser } = await signIn(t);
      const cred = await createCredential(database.db, { name: 'probe', scopes: ['all'] });
      if (engine === 'pglite') await database.close();
      // On PostgreSQL: no new connection may be opened, and the open ones are terminated.
      else await blockConnections(database.url!, true);
      const page = await browser.get('/me/sessions');
      expect(page.status).to.equal(503);
      expect(page.headers.get('retry-after')).to.equal('2');
      expect(await page.text()).to.contain('<html lang="fr">').and.to.contain('momentanément indisponible');
      const api = await fetch(`${t.url}/xapi/statements`, { headers: { authorization: `Basic ${Buffer.from(`${cred.key}:${cred.secret}`).toString('base64')}`, 'x-experience-api-version': '1.0.3' } });
      expect(api.status).to.equal(503);
      expect(api.headers.get('retry-after')).to.equal('2');
      expect(((await api.json()) as { error: { code: string } }).error.code).to.equal('unavailable');
      expect((await readyz(t)).status).to.equal(503);
      if (engine === 'postgres') {
        await blockConnections(database.url!, false);
        expect((await readyz(t)).status).to.equal(200);
        expect((await browser.get('/me/sessions')).status).to.equal(200);
      }
    } finally {
      await t.close();
      if (engine === 'postgres') await database.close();
    }
  });
});

/** PostgreSQL only: refuses (or allows again) new connections to the test database and ends the open ones. */
async function blockConnections(url: string, block: boolean): Promise<void> {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
  await admin.connect();
  try {
    const name = new URL(url).pathname.slice(1);
    await admin.query(`alter database ${name} with allow_connections ${block ? 'false' : 'true'}`);
    if (block) await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
  } finally {
    await admin.end();
  }
}
