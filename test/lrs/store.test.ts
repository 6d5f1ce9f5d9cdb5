import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { storeStatements } from '../../src/lrs';
import { prng, seededStatement, seedStatements } from '../../src/lrs/seed';
import { ConflictError, ValidationError } from '../../src/platform/errors';
import { createTestDatabase } from '../support/db';
import type { Database } from '../../src/platform/db/client';

const statement = (over: Record<string, unknown> = {}) => ({
  actor: { mbox: 'mailto:jeanne@ac-dijon.fr', name: 'Jeanne' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'fr-FR': 'a participé' } },
  object: { id: 'https://instants.ac-dijon.fr/sessions/1', definition: { name: { fr: 'Instant OSM' } } },
  ...over,
});

describe('lrs: storeStatements (the store shared with the xapi slice)', () => {
  let database: Database;
  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => database.close());
  const count = async () => Number(((await database.db.execute(sql`select count(*)::int as n from lrs_statements`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);

  it('stores a batch inside the caller transaction and returns the ids in order, filling LRS properties', async () => {
    const id = '7ae7f6ac-6c5e-4a4b-9f0b-1d2b3c4d5e6f';
    const ids = await database.db.transaction((tx) => storeStatements(tx, [statement({ id }), statement()], { version: '1.0.3' }));
    expect(ids).to.have.length(2);
    expect(ids[0]).to.equal(id);
    const rows = (await database.db.execute(sql`select statement, verb_id, actor_ifi, object_activity_id from lrs_statements order by seq`)) as unknown as { rows: Array<Record<string, unknown>> };
    const first = rows.rows[0]!;
    expect(first.actor_ifi).to.equal('mbox:mailto:jeanne@ac-dijon.fr');
    const s = first.statement as Record<string, unknown>;
    expect(s).to.include.keys('stored', 'timestamp', 'authority', 'version');
    expect(s.version).to.equal('1.0.0');
  });

  it('accepts the same id with the same content again, and changes nothing', async () => {
    const id = '8ae7f6ac-6c5e-4a4b-9f0b-1d2b3c4d5e6f';
    await storeStatements(database.db, [statement({ id })]);
    const before = await count();
    expect(await storeStatements(database.db, [statement({ id })])).to.deep.equal([id]);
    expect(await count()).to.equal(before);
  });

  it('rejects the same id with a different content with a ConflictError, and stores nothing of the batch', async () => {
    const id = '9ae7f6ac-6c5e-4a4b-9f0b-1d2b3c4d5e6f';
    await storeStatements(database.db, [statement({ id })]);
    const before = await count();
    let error: unknown;
    try {
      await database.db.transaction((tx) => storeStatements(tx, [statement(), statement({ id, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } })]));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConflictError);
    expect(await count()).to.equal(before);
  });

  it('rejects an invalid statement with a ValidationError naming its JSON path', async () => {
    const before = await count();
    let error: unknown;
    try {
      await storeStatements(database.db, [statement(), statement({ actor: { mbox: 'jeanne@ac-dijon.fr' } })]);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ValidationError);
    expect((error as ValidationError).details![0]!.path).to.equal('[1].actor.mbox');
    expect(await count()).to.equal(before);
  });

  it('treats durations equal to 0.01 s as the same statement (2.0 duration precision), not as a conflict', async () => {
    const id = 'aae7f6ac-6c5e-4a4b-9f0b-1d2b3c4d5e6f';
    await storeStatements(database.db, [statement({ id, result: { duration: 'PT12.341S' } })]);
    expect(await storeStatements(database.db, [statement({ id, result: { duration: 'PT12.349S' } })])).to.deep.equal([id]);
    let error: unknown;
    await storeStatements(database.db, [statement({ id, result: { duration: 'PT12.35S' } })]).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(ConflictError);
  });

  it('seeds generated statements deterministically through the store', async () => {
    const a = seededStatement(3, 1000, prng(5));
    const b = seededStatement(3, 1000, prng(5));
    expect(a).to.deep.equal(b);
    const before = await count();
    await seedStatements(database.db, 250, { batch: 100, seed: 5 });
    expect(await count()).to.equal(before + 250);
  });
});
