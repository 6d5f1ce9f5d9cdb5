import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { insertStatementRows } from '../../src/dashboard/demo-statements';
import { storeStatements } from '../../src/lrs';
import { queryRows } from '../../src/dashboard/rollup.repo';
import { catchUp, rebuildRollups, runRollupBatch } from '../../src/dashboard/rollup.service';
import type { Database } from '../../src/platform/db/client';
import { createTestDatabase } from '../support/db';
import { ISSUER, randomStatements, rng, session, st } from './fixtures';

const TABLES = ['dash_sessions', 'dash_courses', 'dash_people', 'dash_participation', 'dash_resource_opens', 'dash_answers', 'dash_positions', 'dash_ratings', 'dash_followups', 'dash_needs'];

async function snapshot(database: Database): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows = await queryRows<Record<string, unknown>>(database.db, sql.raw(`select * from ${table}`));
    out[table] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}

describe('dashboard rollups', () => {
  let database: Database;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.close();
  });

  for (const seed of [1, 2, 3]) {
    it(`gives the same facts incrementally as a full rebuild after a random event sequence (seed ${seed})`, async () => {
      const r = rng(seed * 97);
      const statements = randomStatements(seed, 400);
      let i = 0;
      while (i < statements.length) {
        const n = 1 + Math.floor(r() * 60);
        await insertStatementRows(database.db, statements.slice(i, i + n));
        i += n;
        await runRollupBatch(database.db, { batchSize: 1 + Math.floor(r() * 80) });
      }
      await catchUp(database.db, { batchSize: 50 });
      const incremental = await snapshot(database);
      expect(incremental.dash_participation!.length).to.be.greaterThan(5);
      expect(incremental.dash_needs!.length).to.be.greaterThan(3);
      await rebuildRollups(database.db, { batchSize: 1000 });
      expect(await snapshot(database)).to.deep.equal(incremental);
    });
  }

  it('processing the same statements twice changes nothing (idempotent)', async () => {
    await insertStatementRows(database.db, randomStatements(9, 120));
    await catchUp(database.db);
    const once = await snapshot(database);
    await database.db.execute(sql`update dash_cursor set last_seq = 0`);
    await catchUp(database.db, { batchSize: 7 });
    expect(await snapshot(database)).to.deep.equal(once);
  });

  it('reads a statement committed late with a seq below the cursor', async () => {
    const s = session('b2222222-0000-4000-8000-000000000001');
    const [late, ...others] = [
      st('late', '2026-02-01T10:00:00Z', s, { kind: 'attended', method: 'qr' }),
      st('p1', '2026-02-01T10:00:00Z', s, { kind: 'attended', method: 'qr' }),
      st('p2', '2026-02-01T10:00:00Z', s, { kind: 'attended', method: 'qr' }),
    ];
    // A transaction draws seq 1 for `late` but commits after seq 2 and 3 have been read: seq 1 is a gap.
    const [{ seq: reserved }] = (await queryRows<{ seq: string }>(database.db, sql`select nextval(pg_get_serial_sequence('lrs_statements', 'seq')) as seq`)) as [{ seq: string }];
    await insertStatementRows(database.db, others);
    await catchUp(database.db);
    expect((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from dash_participation`))[0]!.n).to.equal(2);
    const [cursor] = await queryRows<{ gaps: Array<{ seq: number }> }>(database.db, sql`select gaps from dash_cursor`);
    expect(cursor!.gaps.map((g) => g.seq)).to.deep.equal([Number(reserved)]);
    await database.db.execute(sql`insert into lrs_statements (seq, id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type)
      overriding system value values (${Number(reserved)}, ${late!.id as string}, ${JSON.stringify(late)}::jsonb, now(), now(), '1.0.3',
      ${(late!.verb as { id: string }).id}, ${'account:' + ISSUER + ' ' + (late!.actor as { account: { name: string } }).account.name}, 'Activity')`);
    await catchUp(database.db);
    expect((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from dash_participation`))[0]!.n).to.equal(3);
    const [after] = await queryRows<{ gaps: unknown[] }>(database.db, sql`select gaps from dash_cursor`);
    expect(after!.gaps).to.deep.equal([]);
  });

  it('stops counting a statement voided after it was rolled up, as a rebuild would', async () => {
    const s = session('b2222222-0000-4000-8000-000000000003');
    const attended = st('p1', '2026-02-01T10:00:00Z', s, { kind: 'attended', method: 'qr' });
    const rating = st('p1', '2026-02-01T11:00:00Z', s, { kind: 'rated', rating: { value: 5, max: 5 }, comment: null });
    const older = st('p1', '2026-02-01T10:30:00Z', s, { kind: 'rated', rating: { value: 2, max: 5 }, comment: null });
    await database.db.transaction((tx) => storeStatements(tx, [attended, older, rating, st('p2', '2026-02-01T10:00:00Z', s, { kind: 'attended', method: 'qr' })]));
    await catchUp(database.db);
    const voiding = (id: unknown) => ({ actor: attended.actor, verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } }, object: { objectType: 'StatementRef', id } });
    await database.db.transaction((tx) => storeStatements(tx, [voiding(attended.id), voiding(rating.id)]));
    await catchUp(database.db);
    const incremental = await snapshot(database);
    const p1 = await queryRows<{ attended: boolean; scaled: number }>(database.db, sql`select p.attended, r.scaled from dash_participation p join dash_ratings r using (session_key, actor) where p.actor like '%' || ${(attended.actor as { account: { name: string } }).account.name}`);
    expect(p1).to.deep.equal([{ attended: false, scaled: 0.4 }]);
    await rebuildRollups(database.db);
    // Session metadata (title, last seen) may still come from a voided statement: only per-person facts are rebuilt.
    const { dash_sessions: _a, ...rebuilt } = await snapshot(database);
    const { dash_sessions: _b, ...kept } = incremental;
    expect(rebuilt).to.deep.equal(kept);
  });

  it('forgets a gap left by a rolled-back insert once it is older than the TTL', async () => {
    const s = session('b2222222-0000-4000-8000-000000000002');
    await database.db.execute(sql`select nextval(pg_get_serial_sequence('lrs_statements', 'seq'))`);
    await insertStatementRows(database.db, [st('p1', '2026-02-01T10:00:00Z', s, { kind: 'launched' })]);
    await catchUp(database.db, { now: new Date('2026-02-01T10:00:00Z') });
    expect((await queryRows<{ gaps: unknown[] }>(database.db, sql`select gaps from dash_cursor`))[0]!.gaps).to.have.length(1);
    await runRollupBatch(database.db, { now: new Date('2026-02-01T11:00:00Z'), gapTtlMs: 60_000 });
    expect((await queryRows<{ gaps: unknown[] }>(database.db, sql`select gaps from dash_cursor`))[0]!.gaps).to.deep.equal([]);
  });
});
