import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { recordEvents } from '../../src/xapi';
import { addDestination, removeDestination, setDestinationEnabled, type Destination } from '../../src/xapi/forwarding/destinations';
import { destinationStatuses, listDeadLetters, replayDeadLetters, resendFrom } from '../../src/xapi/forwarding/operations';
import { rowsOf } from '../../src/xapi/outbox/outbox';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { buildEvent } from './fixtures';
import { startScriptedLrs, type ScriptedLrs } from './scripted-lrs';

/** Records `n` events in transactions of 100; returns their statement ids in storage order. */
async function recordBurst(t: TestApp, n: number): Promise<string[]> {
  const ids: string[] = [];
  const deps = { config: t.config, secrets: TEST_SECRETS };
  for (let i = 0; i < n; i += 100) {
    const events = Array.from({ length: Math.min(100, n - i) }, (_, j) => buildEvent('launched', { sub: String(i + j) }));
    ids.push(...(await t.database.db.transaction((tx) => recordEvents(tx, events, deps))));
  }
  return ids;
}

/** Runs the outbox job until it has nothing left to do, moving the test clock past every backoff. */
async function drain(t: TestApp): Promise<void> {
  for (let i = 0; i < 500; i++) {
    t.clock.advance(10 * 60_000);
    const n = await t.instants.jobs.runOnce('outbox');
    const [{ pending }] = rowsOf<{ pending: string }>(await t.database.db.execute(sql`select count(*) as pending from outbox where status = 'pending'`)) as [{ pending: string }];
    if (n === 0 && Number(pending) === 0) return;
  }
  throw new Error('the outbox did not drain');
}

describe('xapi: forwarding to a scripted LRS on loopback', () => {
  let t: TestApp;
  let lrs: ScriptedLrs;
  let destination: Destination;

  beforeEach(async () => {
    t = await createTestApp();
    lrs = await startScriptedLrs();
    destination = await addDestination(t.database.db, TEST_SECRETS.ltiKey, { name: 'scripted', endpoint: lrs.url, key: 'lrs-key', secret: 'lrs-secret', batchSize: 200 });
  });
  afterEach(async () => {
    await lrs.close();
    await t.close();
  });

  it('delivers all 1,000 statements of a burst recorded while the LRS was down, once it is back', async () => {
    await lrs.down();
    const ids = await recordBurst(t, 1000);
    await t.instants.jobs.runOnce('outbox');
    const [during] = await destinationStatuses(t.database.db, t.clock.now());
    expect(during!.pending).to.equal(1000);
    expect(during!.lastError).to.match(/network error/);
    expect(during!.dead).to.equal(0);
    await lrs.up();
    await drain(t);
    expect(new Set(lrs.received)).to.deep.equal(new Set(ids));
    expect(lrs.received).to.deep.equal(ids);
    const [after] = await destinationStatuses(t.database.db, t.clock.now());
    expect(after!.pending).to.equal(0);
    expect(after!.deliveredCount).to.equal(1000);
    expect(lrs.requests.every((r) => r.authorization === `Basic ${Buffer.from('lrs-key:lrs-secret').toString('base64')}` && r.version === '1.0.3')).to.equal(true);
  });

  it('dead-letters the one statement the LRS answers 400 to, with its answer, while the others flow', async () => {
    const ids = await recordBurst(t, 50);
    lrs.rejectIds.add(ids[17]!);
    await drain(t);
    expect(lrs.received).to.deep.equal(ids.filter((_, i) => i !== 17));
    const dead = await listDeadLetters(t.database.db);
    expect(dead).to.have.length(1);
    expect(dead[0]!.statementId).to.equal(ids[17]);
    expect(dead[0]!.remoteStatus).to.equal(400);
    expect(dead[0]!.remoteBody).to.contain('result.score.scaled out of range');
    const [status] = await destinationStatuses(t.database.db, t.clock.now());
    expect(status!.dead).to.equal(1);
    expect(status!.pending).to.equal(0);

    lrs.rejectIds.clear();
    expect(await replayDeadLetters(t.database.db, t.clock.now(), { destinationId: destination.id })).to.equal(1);
    await drain(t);
    expect(lrs.received.at(-1)).to.equal(ids[17]);
    expect(await listDeadLetters(t.database.db)).to.have.length(0);
  });

  it('waits as long as a 429 Retry-After asks before sending again', async () => {
    const ids = await recordBurst(t, 10);
    lrs.failNext(429, { times: 1, headers: { 'retry-after': '120' } });
    await t.instants.jobs.runOnce('outbox');
    const [status] = await destinationStatuses(t.database.db, t.clock.now());
    expect(status!.pausedUntil!.getTime() - t.clock.now().getTime()).to.be.at.least(120_000);
    t.clock.advance(119_000);
    expect(await t.instants.jobs.runOnce('outbox')).to.equal(0);
    t.clock.advance(2_000);
    expect(await t.instants.jobs.runOnce('outbox')).to.equal(10);
    expect(lrs.received).to.deep.equal(ids);
  });

  it('retries 5xx answers with a growing backoff and loses nothing', async () => {
    const ids = await recordBurst(t, 20);
    lrs.failNext(503, { times: 3 });
    const pauses: number[] = [];
    for (let i = 0; i < 3; i++) {
      await t.instants.jobs.runOnce('outbox');
      const [s] = await destinationStatuses(t.database.db, t.clock.now());
      pauses.push(s!.pausedUntil!.getTime() - t.clock.now().getTime());
      t.clock.set(s!.pausedUntil!);
    }
    // base 1 s doubled per consecutive failure, with jitter between half and all of it
    expect(pauses[0]).to.be.within(500, 1000);
    expect(pauses[1]).to.be.within(1000, 2000);
    expect(pauses[2]).to.be.within(2000, 4000);
    await drain(t);
    expect(lrs.received).to.deep.equal(ids);
    expect(await listDeadLetters(t.database.db)).to.have.length(0);
  });

  it('counts a 409 (id already held by the LRS) as delivered', async () => {
    const ids = await recordBurst(t, 5);
    lrs.conflictIds.add(ids[2]!);
    await drain(t);
    expect(lrs.received).to.deep.equal(ids.filter((_, i) => i !== 2));
    expect(await listDeadLetters(t.database.db)).to.have.length(0);
    const [s] = await destinationStatuses(t.database.db, t.clock.now());
    expect(s!.deliveredCount).to.equal(5);
  });

  it('keeps statements pending, not dead, when the LRS refuses the credentials (401)', async () => {
    await recordBurst(t, 5);
    lrs.failNext(401, { times: 1, body: '{"message":"bad credentials"}' });
    await t.instants.jobs.runOnce('outbox');
    const [s] = await destinationStatuses(t.database.db, t.clock.now());
    expect(s!.pending).to.equal(5);
    expect(s!.dead).to.equal(0);
    expect(s!.lastError).to.contain('401');
  });

  it('holds statements of a disabled destination and dead-letters those of a removed one', async () => {
    await recordBurst(t, 3);
    await setDestinationEnabled(t.database.db, destination.id, false);
    await t.instants.jobs.runOnce('outbox');
    expect(lrs.received).to.have.length(0);
    await removeDestination(t.database.db, destination.id);
    t.clock.advance(3600_000);
    await t.instants.jobs.runOnce('outbox');
    const dead = await listDeadLetters(t.database.db, { destinationId: destination.id });
    expect(dead).to.have.length(3);
    expect(dead[0]!.error).to.contain('removed');
  });

  it('resends from a date every stored statement since then, in storage order', async () => {
    const ids = await recordBurst(t, 30);
    await drain(t);
    expect(await resendFrom(t.database.db, destination.name, new Date(Date.now() - 3600_000), t.clock.now())).to.equal(30);
    await drain(t);
    expect(lrs.received.slice(30)).to.deep.equal(ids);
  });

  it('refuses a resend date that is not a date or is in the future, queuing nothing', async () => {
    await recordBurst(t, 2);
    await drain(t);
    for (const bad of [new Date('nonsense'), new Date(t.clock.now().getTime() + 86400_000)]) {
      let caught: unknown;
      try {
        await resendFrom(t.database.db, destination.id, bad, t.clock.now());
      } catch (err) {
        caught = err;
      }
      expect((caught as { code?: string }).code).to.equal('validation_failed');
    }
    const [s] = await destinationStatuses(t.database.db, t.clock.now());
    expect(s!.pending).to.equal(0);
  });
});
