import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/platform/db/client';
import { ValidationError } from '../../src/platform/errors';
import { recordEvents, type LearningEvent } from '../../src/xapi';
import { addDestination, setDestinationEnabled } from '../../src/xapi/forwarding/destinations';
import { rowsOf } from '../../src/xapi/outbox/outbox';
import { TEST_SECRETS, testConfig } from '../support/app';
import { createTestDatabase, engine } from '../support/db';
import { ALL_KINDS, buildEvent, buildEventSession } from './fixtures';

const deps = { config: testConfig({ XAPI_BASE_IRI: 'https://instants.test/xapi' }), secrets: TEST_SECRETS };

async function count(database: Database, table: string, where = 'true'): Promise<number> {
  return Number(rowsOf<{ n: string }>(await database.db.execute(sql.raw(`select count(*) as n from ${table} where ${where}`)))[0]!.n);
}

describe('xapi: recordEvents in the caller transaction', () => {
  let database: Database;
  before(async () => {
    database = await createTestDatabase();
    await database.db.execute(sql`create table test_domain_rows (id serial primary key, note text not null)`);
  });
  after(async () => database.close());

  it('stores one statement per event (two for a finished quiz) with the event ids, returning them in order', async () => {
    const events = [buildEvent('launched'), buildEvent('quiz-completed'), buildEvent('rated')];
    const ids = await database.db.transaction((tx) => recordEvents(tx, events, deps));
    expect(ids).to.have.length(4);
    expect(ids[0]).to.equal(events[0]!.id);
    expect(ids[1]).to.equal(events[1]!.id);
    expect(ids[3]).to.equal(events[2]!.id);
    const stored = rowsOf<{ id: string; verb_id: string }>(await database.db.execute(sql`select id::text, verb_id from lrs_statements where id = any(${`{${ids.join(',')}}`}::uuid[]) order by seq`));
    expect(stored.map((r) => r.id)).to.deep.equal(ids);
  });

  it('leaves neither the domain row nor the statement when the transaction fails after recording', async () => {
    const event = buildEvent('attended');
    const before = await count(database, 'lrs_statements');
    let caught: unknown;
    try {
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into test_domain_rows (note) values ('check-in')`);
        await recordEvents(tx, [event], deps);
        throw new Error('the domain change failed after recording');
      });
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).to.equal('the domain change failed after recording');
    expect(await count(database, 'test_domain_rows')).to.equal(0);
    expect(await count(database, 'lrs_statements')).to.equal(before);
    expect(await count(database, 'lrs_statements', `id = '${event.id}'`)).to.equal(0);
  });

  it('refuses a batch holding one invalid event before writing anything, naming the event', async () => {
    const destination = await addDestination(database.db, TEST_SECRETS.ltiKey, { name: 'refusal-check', endpoint: 'http://127.0.0.1:9/xapi', key: 'k', secret: 's' });
    const before = { statements: await count(database, 'lrs_statements'), outbox: await count(database, 'outbox') };
    const bad = { ...buildEvent('self-positioned'), level: 12 } as LearningEvent;
    let caught: unknown;
    try {
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into test_domain_rows (note) values ('positioning')`);
        await recordEvents(tx, [buildEvent('launched'), bad], deps);
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ValidationError);
    expect((caught as ValidationError).details!.map((d) => d.path)).to.deep.equal(['events[1].level']);
    expect(await count(database, 'lrs_statements')).to.equal(before.statements);
    expect(await count(database, 'outbox')).to.equal(before.outbox);
    expect(await count(database, 'test_domain_rows')).to.equal(0);
    await setDestinationEnabled(database.db, destination.id, false);
  });

  it('enqueues each statement for every enabled destination whose verb or activity filter matches', async () => {
    const all = await addDestination(database.db, TEST_SECRETS.ltiKey, { name: 'all', endpoint: 'http://127.0.0.1:9/xapi', key: 'k', secret: 's' });
    const onlyRated = await addDestination(database.db, TEST_SECRETS.ltiKey, { name: 'only-rated', endpoint: 'http://127.0.0.1:9/xapi', key: 'k', secret: 's', verbs: ['http://id.tincanapi.com/verb/rated'] });
    const session = buildEventSession();
    const onlyThisSession = await addDestination(database.db, TEST_SECRETS.ltiKey, { name: 'one-session', endpoint: 'http://127.0.0.1:9/xapi', key: 'k', secret: 's', activities: [`https://instants.test/xapi/sessions/${session.id}`] });
    const events = [buildEvent('launched', { session }), buildEvent('rated'), buildEvent('attended')];
    const ids = await database.db.transaction((tx) => recordEvents(tx, events, deps));
    const rows = rowsOf<{ destination: string; ref: string }>(await database.db.execute(sql`select destination::text, ref from outbox where ref = any(${`{${ids.join(',')}}`}) order by id`));
    expect(rows.filter((r) => r.destination === all.id).map((r) => r.ref)).to.deep.equal(ids);
    expect(rows.filter((r) => r.destination === onlyRated.id).map((r) => r.ref)).to.deep.equal([ids[1]]);
    expect(rows.filter((r) => r.destination === onlyThisSession.id).map((r) => r.ref)).to.deep.equal([ids[0]]);
    expect(rows).to.have.length(5);
    for (const d of [all, onlyRated, onlyThisSession]) await setDestinationEnabled(database.db, d.id, false);
  });

  it('records the same event twice (a retried request) as one statement', async () => {
    const event = buildEvent('launched');
    await database.db.transaction((tx) => recordEvents(tx, [event], deps));
    await database.db.transaction((tx) => recordEvents(tx, [event], deps));
    expect(await count(database, 'lrs_statements', `id = '${event.id}'`)).to.equal(1);
  });

  it('never writes the LMS user id, name or email into a stored statement', async () => {
    const event = buildEvent('launched', { sub: 'moodle-user-98765' });
    await database.db.transaction((tx) => recordEvents(tx, [event], deps));
    const [row] = rowsOf<{ s: string }>(await database.db.execute(sql`select statement::text as s from lrs_statements where id = ${event.id}::uuid`));
    expect(row!.s).to.not.contain('moodle-user-98765');
  });

  it('records from concurrent transactions defining the same activities in opposite orders without a deadlock', async function () {
    this.timeout(120_000);
    const sessions = Array.from({ length: 5 }, () => buildEventSession());
    // e.g. self-positioned defines the competence first then the session; launched the session first then the competence.
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 40; i++) {
            const kind = ALL_KINDS[(w * 3 + i) % ALL_KINDS.length]!;
            await database.db.transaction((tx) => recordEvents(tx, [buildEvent(kind, { sub: `${w}-${i}`, session: sessions[(w + i) % 5] })], deps));
          }
        })(),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).to.deep.equal([]);
  });

  it('records from concurrent transactions that each rename the same session, series and course in different orders without a deadlock, the definitions ending with the names of one of them', async function () {
    this.timeout(120_000);
    const session = buildEventSession();
    const named = (i: number) => ({ ...session, title: `Session ${i}`, seriesTitle: `Série ${i}`, course: { ...session.course!, title: `Cours ${i}` } });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 10; i++) {
            const kinds = w % 2 ? (['launched', 'self-positioned'] as const) : (['self-positioned', 'launched'] as const);
            await database.db.transaction((tx) => recordEvents(tx, kinds.map((k) => buildEvent(k, { sub: `r${w}-${i}`, session: named(w * 10 + i) })), deps));
          }
        })(),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).to.deep.equal([]);
    const [row] = rowsOf<{ name: Record<string, string> }>(await database.db.execute(sql`select definition->'name' as name from lrs_activities where id like ${`%/sessions/${session.id}`}`));
    const names = Object.values(row!.name);
    expect(names).to.have.length.above(0);
    for (const name of names) expect(name).to.match(/^Session \d+$/);
  });

  if (engine === 'postgres') {
    it('lets a recording for a session proceed while another recording for the same session, series and course is still open (nothing to lock when the definitions are stored)', async () => {
      const session = buildEventSession();
      await database.db.transaction((tx) => recordEvents(tx, [buildEvent('launched', { sub: 'first', session })], deps));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let recorded!: () => void;
      const open = new Promise<void>((resolve) => (recorded = resolve));
      const first = database.db.transaction(async (tx) => {
        await recordEvents(tx, [buildEvent('attended', { sub: 'one', session })], deps);
        recorded();
        await gate;
      });
      await open;
      try {
        // With a lock held by the open transaction this would fail after 2 s (lock_timeout), not wait for ever.
        const second = await database.db.transaction(async (tx) => {
          await tx.execute(sql`set local lock_timeout = '2s'`);
          return recordEvents(tx, [buildEvent('attended', { sub: 'two', session })], deps);
        });
        expect(second).to.have.length(1);
      } finally {
        release();
        await first;
      }
    });
  }
});
