import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { readQueryContext } from '../../src/lrs/consistency';
import { SEEDED_VERBS, seedStatements } from '../../src/lrs/seed';
import { pageQueries, type StatementFilter } from '../../src/lrs/statements.query';
import { STATEMENT_REFS_FLAG } from '../../src/lrs/statements.repo';
import { storeStatements } from '../../src/lrs/store.service';
import { migrate, readMigrations } from '../../src/platform/db/migrate';
import { rowsOf } from '../../src/xapi/outbox/outbox';
import { TestClock } from '../support/app';
import { createTestDatabase, engine } from '../support/db';
import { startLrs, type LrsTestApp } from './support';

/**
 * Plans that do not depend on statistics: right after a bulk load (a seed, a restore) the planner has none
 * until autovacuum runs (PGlite has no autovacuum), and GET /statements must still read an index, not the
 * table. The StatementRef query, whose plan is the one that degrades, is skipped until a StatementRef
 * statement is stored at all.
 */
describe(`lrs: statement queries on tables without planner statistics (${engine})`, () => {
  let t: LrsTestApp;
  const verb = SEEDED_VERBS[2]!;
  const filter = (over: Partial<StatementFilter> = {}): StatementFilter => ({ relatedAgents: false, relatedActivities: false, ascending: false, limit: 50, verb, ...over });
  const explain = async (query: ReturnType<typeof sql>) => JSON.stringify(rowsOf<Record<string, unknown>>(await t.database.db.execute(sql`explain (format json) ${query}`)));
  const get = async (query: string) => {
    const res = await t.xapi(`/statements?${query}`);
    expect(res.status).to.equal(200);
    return ((await res.json()) as { statements: Array<{ id: string; verb: { id: string }; stored: string }> }).statements;
  };

  before(async function () {
    this.timeout(300_000);
    t = await startLrs();
    // No autovacuum during the test: the tables stay as a bulk load leaves them, without statistics.
    if (engine === 'postgres') for (const table of ['lrs_statements', 'lrs_statement_agents', 'lrs_statement_activities']) await t.database.db.execute(sql.raw(`alter table ${table} set (autovacuum_enabled = false)`));
    await seedStatements(t.database.db, 10_000, { seed: 7, end: new Date('2026-06-01T00:00:00Z') });
  });
  after(async () => t.close());

  it('has no statistics on the statement table after the bulk load (the condition under test)', async () => {
    const [row] = rowsOf<{ n: string }>(await t.database.db.execute(sql`select count(*) as n from pg_stats where tablename = 'lrs_statements'`));
    expect(Number(row!.n)).to.equal(0);
  });

  it('answers GET by verb with the newest matching statements, read from the verb index, and skips the StatementRef query while none was ever stored', async () => {
    const got = await get(`verb=${encodeURIComponent(verb)}&limit=50`);
    const expected = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text as id from lrs_statements where verb_id = ${verb} and not voided order by stored desc, seq desc limit 50`));
    expect(got.map((s) => s.id)).to.deep.equal(expected.map((r) => r.id));
    const plan = await explain(pageQueries(filter()).direct);
    expect(plan).to.contain('lrs_statements_verb_idx');
    expect(plan).not.to.contain('Seq Scan');
    expect((await readQueryContext(t.database.db, t.clock, STATEMENT_REFS_FLAG)).refs).to.equal(false);
  });

  it('follows more pages by verb from the index too (the keyset continues where the page ended)', async () => {
    const first = await t.xapi(`/statements?${new URLSearchParams({ verb, limit: '20' })}`);
    const more = ((await first.json()) as { more: string }).more;
    expect(more).to.match(/^\/xapi\/statements\?more=/);
    const page2 = await fetch(`${t.url}${more}`, { headers: { authorization: t.auth, 'x-experience-api-version': '1.0.3' } });
    const ids = ((await page2.json()) as { statements: Array<{ id: string }> }).statements.map((s) => s.id);
    const expected = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text as id from lrs_statements where verb_id = ${verb} and not voided order by stored desc, seq desc offset 20 limit 20`));
    expect(ids).to.deep.equal(expected.map((r) => r.id));
    const [last] = rowsOf<{ stored: string; seq: string }>(await t.database.db.execute(sql`select stored::text as stored, seq from lrs_statements where verb_id = ${verb} order by stored desc, seq desc offset 19 limit 1`));
    const plan = await explain(pageQueries(filter({ limit: 20, after: { stored: new Date(last!.stored).toISOString(), seq: Number(last!.seq) } })).direct);
    expect(plan).to.contain('lrs_statements_verb_idx');
    expect(plan).not.to.contain('Seq Scan');
  });

  it('once a StatementRef statement is stored, returns it with the statements its target matches', async () => {
    const [target] = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text as id from lrs_statements where verb_id = ${verb} order by stored desc, seq desc limit 1`));
    const referring = {
      actor: { objectType: 'Agent', mbox: 'mailto:commentaire@ac-dijon.fr' },
      verb: { id: 'http://id.tincanapi.com/verb/commented', display: { 'fr-FR': 'a commenté' } },
      object: { objectType: 'StatementRef', id: target!.id },
    };
    const [id] = await t.database.db.transaction((tx) => storeStatements(tx, [referring], { version: '1.0.3' }));
    expect((await readQueryContext(t.database.db, t.clock, STATEMENT_REFS_FLAG)).refs).to.equal(true);
    const got = await get(`verb=${encodeURIComponent(verb)}&limit=5`);
    expect(got[0]!.id).to.equal(id);
    expect(got.map((s) => s.id)).to.include(target!.id);
  });
});

describe(`lrs: the StatementRef flag of a database that already held StatementRef statements before migration 0231 (${engine})`, () => {
  it('is set by the migration, so that their referring statements keep being found', async function () {
    this.timeout(180_000);
    const database = await createTestDatabase({ empty: true });
    try {
      const before = readMigrations().filter((m) => m.name < '0231');
      await migrate(database, before);
      await database.db.execute(sql`insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_statement_ref)
        values (gen_random_uuid(), '{}'::jsonb, now(), now(), '1.0.0', 'http://id.tincanapi.com/verb/commented', 'mbox:mailto:a@b.fr', 'StatementRef', gen_random_uuid())`);
      await migrate(database);
      expect((await readQueryContext(database.db, new TestClock(), STATEMENT_REFS_FLAG)).refs).to.equal(true);
    } finally {
      await database.close();
    }
  });

  it('stays unset on a database without any', async () => {
    const t = await startLrs();
    try {
      expect((await readQueryContext(t.database.db, t.clock, STATEMENT_REFS_FLAG)).refs).to.equal(false);
    } finally {
      await t.close();
    }
  });
});
