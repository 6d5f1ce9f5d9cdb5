import { expect } from 'chai';
import { recordEvents } from '../../src/xapi';
import { addDestination } from '../../src/xapi/forwarding/destinations';
import { destinationStatuses, listDeadLetters } from '../../src/xapi/forwarding/operations';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../src/platform/retry-after';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { buildEvent } from './fixtures';
import { startScriptedLrs, type ScriptedLrs } from './scripted-lrs';

async function record(t: TestApp, n: number): Promise<string[]> {
  const events = Array.from({ length: n }, (_, i) => buildEvent('launched', { sub: `ra-${i}` }));
  return t.database.db.transaction((tx) => recordEvents(tx, events, { config: t.config, secrets: TEST_SECRETS }));
}

describe('platform: Retry-After is read strictly and capped', () => {
  const now = Date.parse('2026-12-01T08:00:00Z');
  it('reads delay-seconds and IMF dates, capping them at five minutes', () => {
    expect(parseRetryAfter('120', now)).to.equal(120_000);
    expect(parseRetryAfter(' 3600 ', now)).to.equal(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Tue, 01 Dec 2026 08:02:00 GMT', now)).to.equal(120_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 07:00:00 GMT', now)).to.equal(0);
  });
  it('ignores absurd, negative, fractional and unparsable values', () => {
    for (const v of ['99999999999999', '90000', '-5', '1.5', 'soon', '', '1e3', 'Fri, 31 Dec 9999 23:59:59 GMT', 'Tue, 99 Dec 2026 08:02:00 GMT', undefined, null]) {
      expect(parseRetryAfter(v, now), String(v)).to.equal(undefined);
    }
  });
});

describe('xapi: the outbox under hostile Retry-After answers', () => {
  let t: TestApp;
  let lrs: ScriptedLrs;
  beforeEach(async () => {
    t = await createTestApp();
    lrs = await startScriptedLrs();
    await addDestination(t.database.db, TEST_SECRETS.ltiKey, { name: 'scripted', endpoint: lrs.url, key: 'k', secret: 's', batchSize: 100 });
  });
  afterEach(async () => {
    await lrs.close();
    await t.close();
  });

  const pause = async () => {
    const [s] = await destinationStatuses(t.database.db, t.clock.now());
    return s!.pausedUntil!.getTime() - t.clock.now().getTime();
  };

  it('pauses at most five minutes on a 503 with Retry-After: 3600, then delivers', async () => {
    const ids = await record(t, 5);
    lrs.failNext(503, { times: 1, headers: { 'retry-after': '3600' } });
    await t.instants.jobs.runOnce('outbox');
    expect(await pause()).to.equal(MAX_RETRY_AFTER_MS);
    t.clock.advance(MAX_RETRY_AFTER_MS);
    expect(await t.instants.jobs.runOnce('outbox')).to.equal(5);
    expect(lrs.received).to.deep.equal(ids);
  });

  for (const value of ['99999999999999', 'Fri, 31 Dec 9999 23:59:59 GMT', 'bientôt']) {
    it(`ignores Retry-After: ${value} (normal backoff, no error), then delivers`, async () => {
      const ids = await record(t, 3);
      lrs.failNext(503, { times: 1, headers: { 'retry-after': value } });
      await t.instants.jobs.runOnce('outbox');
      const waited = await pause();
      expect(waited).to.be.within(500, 1000);
      t.clock.advance(waited);
      expect(await t.instants.jobs.runOnce('outbox')).to.equal(3);
      expect(lrs.received).to.deep.equal(ids);
    });
  }

  it('counts a refused statement as a dead letter, not as delivered, in the status', async () => {
    const ids = await record(t, 10);
    lrs.rejectIds.add(ids[4]!);
    for (let i = 0; i < 10 && (await destinationStatuses(t.database.db, t.clock.now()))[0]!.pending > 0; i++) {
      await t.instants.jobs.runOnce('outbox');
      t.clock.advance(60_000);
    }
    const [s] = await destinationStatuses(t.database.db, t.clock.now());
    expect({ pending: s!.pending, delivered: s!.deliveredCount, dead: s!.dead }).to.deep.equal({ pending: 0, delivered: 9, dead: 1 });
    expect((await listDeadLetters(t.database.db))[0]!.statementId).to.equal(ids[4]);
  });
});
