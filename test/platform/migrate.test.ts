import { expect } from 'chai';
import type { Database } from '../../src/platform/db/client';
import { migrate, readMigrations, type Migration } from '../../src/platform/db/migrate';
import { createTestDatabase, engine } from '../support/db';

async function tables(database: Database): Promise<string[]> {
  let names: string[] = [];
  await database.execInTransaction(async (exec) => {
    const { rows } = await exec(`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
    names = rows.map((r) => String(r.table_name));
  });
  return names;
}

describe(`platform: migrations (${engine})`, () => {
  let database: Database;
  beforeEach(async () => {
    database = await createTestDatabase({ empty: true });
  });
  afterEach(async () => database.close());

  it('applies every committed migration to an empty database, then nothing on a second run', async () => {
    const first = await migrate(database);
    expect(first).to.deep.equal(readMigrations().map((m) => m.name));
    expect(await tables(database)).to.include.members(['instants_migrations', 'web_sessions', 'lti_users']);
    expect(await migrate(database)).to.deep.equal([]);
  });

  it('refreshes the planner statistics after applying migrations (every table analysed)', async () => {
    await migrate(database);
    let never: string[] = [];
    await database.execInTransaction(async (exec) => {
      // reltuples is -1 until a table is first analysed or vacuumed (PostgreSQL 14 and later, PGlite).
      const { rows } = await exec(`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' and c.reltuples < 0`);
      never = rows.map((r) => String(r.relname));
    });
    expect(never).to.deep.equal([]);
  });

  it('applies each migration once when several instances migrate at the same time', async () => {
    const results = await Promise.all([migrate(database), migrate(database), migrate(database)]);
    const applied = results.flat();
    expect(applied).to.have.length(readMigrations().length);
    expect(new Set(applied).size).to.equal(applied.length);
  });

  it('rolls back a failing migration entirely, leaving earlier data untouched', async () => {
    await migrate(database);
    await database.execInTransaction(async (exec) => {
      await exec(`insert into web_sessions (id, data, expires_at) values ('keep', '{}', now() + interval '1 hour')`);
    });
    const broken: Migration[] = [
      ...readMigrations(),
      { name: '9998_test_ok.sql', sql: 'create table should_not_stay (id int);', checksum: 'a' },
      { name: '9999_test_broken.sql', sql: 'select * from no_such_table;', checksum: 'b' },
    ];
    let error: unknown;
    try {
      await migrate(database, broken);
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.match(/no_such_table/);
    expect(await tables(database)).not.to.include('should_not_stay');
    let kept = 0;
    await database.execInTransaction(async (exec) => {
      kept = (await exec(`select count(*)::int as n from web_sessions where id = 'keep'`)).rows[0]!.n as number;
    });
    expect(kept).to.equal(1);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const [first, ...rest] = readMigrations();
    await migrate(database, [first!]);
    const edited = { ...first!, checksum: 'changed' };
    let error: unknown;
    try {
      await migrate(database, [edited, ...rest]);
    } catch (err) {
      error = err;
    }
    expect(String(error)).to.contain(`Migration ${first!.name} was changed after it was applied`);
  });
});
