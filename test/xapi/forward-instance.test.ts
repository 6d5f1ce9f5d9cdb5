import crypto from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createCredential } from '../../src/lrs/credentials.service';
import { recordEvents, type LearningEvent } from '../../src/xapi';
import { addDestination, setDestinationCredentials } from '../../src/xapi/forwarding/destinations';
import { destinationStatuses, listDeadLetters, resendFrom } from '../../src/xapi/forwarding/operations';
import { rowsOf } from '../../src/xapi/outbox/outbox';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { ALL_KINDS, buildEvent } from './fixtures';

async function drain(t: TestApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    t.clock.advance(10 * 60_000);
    if ((await t.instants.jobs.runOnce('outbox')) === 0) return;
  }
  throw new Error('the outbox did not drain');
}

async function storedIds(t: TestApp): Promise<string[]> {
  return rowsOf<{ id: string }>(await t.database.db.execute(sql`select id::text from lrs_statements order by seq`)).map((r) => r.id);
}

describe('xapi: forwarding to a second Instants instance (its LRS on loopback)', () => {
  let source: TestApp;
  let target: TestApp;
  before(async () => {
    [source, target] = await Promise.all([createTestApp(), createTestApp()]);
  });
  after(async () => {
    await Promise.all([source.close(), target.close()]);
  });

  it('forwards statements that another tool posted into our LRS, with the ids our LRS gave them', async () => {
    const target2 = await createTestCredentialPair();
    const body = [
      { actor: { mbox: 'mailto:h5p@ac-dijon.fr' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'https://h5p.ac-dijon.fr/content/1' } },
      { actor: { mbox: 'mailto:h5p@ac-dijon.fr' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'https://h5p.ac-dijon.fr/content/1' } },
    ];
    const res = await fetch(`${source.url}/xapi/statements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-experience-api-version': '1.0.3', authorization: target2.sourceAuth },
      body: JSON.stringify(body),
    });
    expect(res.status).to.equal(200);
    const ids = (await res.json()) as string[];
    await drain(source);
    const arrived = await storedIds(target);
    expect(arrived).to.include.members(ids);
    await source.database.db.execute(sql`update xapi_destinations set enabled = false where id = ${target2.destinationId}`);
  });

  it('queues a posted statement for forwarding in the statement that stores it, again when it is posted again, and not when it is refused', async () => {
    const pair = await createTestCredentialPair('instance-queued-together');
    const id = crypto.randomUUID();
    const statement = { id, actor: { mbox: 'mailto:h5p@ac-dijon.fr' }, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'https://h5p.ac-dijon.fr/content/2' } };
    const post = (body: unknown) =>
      fetch(`${source.url}/xapi/statements`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-experience-api-version': '1.0.3', authorization: pair.sourceAuth }, body: JSON.stringify(body) });
    const queued = async () => Number(rowsOf<{ n: string }>(await source.database.db.execute(sql`select count(*)::text as n from outbox where ref = ${id} and destination = ${pair.destinationId}`))[0]!.n);
    expect((await post(statement)).status).to.equal(200);
    expect(await queued(), 'stored and queued together').to.equal(1);
    // The same statement again: nothing new is stored, its forwarding is queued on its own (the receiver counts a repeat as delivered).
    expect((await post(statement)).status).to.equal(200);
    expect(await queued()).to.equal(2);
    // Same id, other content: 409, and nothing queued with it.
    expect((await post({ ...statement, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' } })).status).to.equal(409);
    expect(await queued()).to.equal(2);
    // Both copies reach the other instance, which keeps the statement once.
    await drain(source);
    expect((await storedIds(target)).filter((x) => x === id)).to.have.length(1);
    await source.database.db.execute(sql`update xapi_destinations set enabled = false where id = ${pair.destinationId}`);
  });

  async function createTestCredentialPair(name = 'instance-other-tools') {
    const writer = await createCredential(source.database.db, { name: 'h5p', scopes: ['statements/write'] });
    const { key, secret } = await createCredential(target.database.db, { name: 'from source (other tools)', scopes: ['statements/write', 'statements/read'] });
    const d = await addDestination(source.database.db, TEST_SECRETS.ltiKey, { name, endpoint: `${target.url}/xapi/`, key, secret, version: '1.0.3', batchSize: 50 });
    return { sourceAuth: `Basic ${Buffer.from(`${writer.key}:${writer.secret}`).toString('base64')}`, destinationId: d.id };
  }

  for (const version of ['1.0.3', '2.0.0'] as const) {
    it(`delivers every kind of statement, identical, in storage order, over xAPI ${version}; a resend changes nothing`, async () => {
      const { key, secret } = await createCredential(target.database.db, { name: `from source ${version}`, scopes: ['statements/write', 'statements/read'] });
      const d = await addDestination(source.database.db, TEST_SECRETS.ltiKey, { name: `instance-${version}`, endpoint: `${target.url}/xapi/`, key, secret, version, batchSize: 50 });
      const before = new Set(await storedIds(target));
      const events: LearningEvent[] = [];
      for (let i = 0; i < 12; i++) events.push(...ALL_KINDS.map((k) => buildEvent(k, { sub: `${version}-${i}` })));
      const ids = await source.database.db.transaction((tx) => recordEvents(tx, events, { config: source.config, secrets: TEST_SECRETS }));
      await drain(source);
      const arrived = (await storedIds(target)).filter((id) => !before.has(id));
      expect(arrived).to.deep.equal(ids);
      expect(await listDeadLetters(source.database.db, { destinationId: d.id })).to.have.length(0);

      const strip = (s: Record<string, unknown>) => {
        const { stored: _s, authority: _a, version: _v, ...rest } = s;
        return rest;
      };
      const [sent] = rowsOf<{ statement: Record<string, unknown> }>(await source.database.db.execute(sql`select statement from lrs_statements where id = ${ids[4]!}::uuid`));
      const [got] = rowsOf<{ statement: Record<string, unknown> }>(await target.database.db.execute(sql`select statement from lrs_statements where id = ${ids[4]!}::uuid`));
      expect(strip(got!.statement)).to.deep.equal(strip(sent!.statement));

      expect(await resendFrom(source.database.db, d.id, new Date(Date.now() - 3600_000), source.clock.now())).to.be.at.least(ids.length);
      await drain(source);
      expect(await listDeadLetters(source.database.db, { destinationId: d.id })).to.have.length(0);
      const [status] = (await destinationStatuses(source.database.db, source.clock.now())).filter((s) => s.id === d.id);
      expect(status!.pending).to.equal(0);
      expect((await storedIds(target)).filter((id) => !before.has(id))).to.have.length(ids.length);
      await source.database.db.execute(sql`update xapi_destinations set enabled = false where id = ${d.id}`);
    });
  }

  it('keeps statements pending when the instance refuses the credentials, then delivers once they are fixed', async () => {
    const d = await addDestination(source.database.db, TEST_SECRETS.ltiKey, { name: 'wrong-credentials', endpoint: `${target.url}/xapi/`, key: 'nobody', secret: 'wrong' });
    const ids = await source.database.db.transaction((tx) => recordEvents(tx, [buildEvent('launched'), buildEvent('attended')], { config: source.config, secrets: TEST_SECRETS }));
    await source.instants.jobs.runOnce('outbox');
    let [status] = (await destinationStatuses(source.database.db, source.clock.now())).filter((s) => s.id === d.id);
    expect(status!.pending).to.equal(2);
    expect(status!.lastError).to.contain('401');
    const { key, secret } = await createCredential(target.database.db, { name: 'fixed', scopes: ['statements/write'] });
    await setDestinationCredentials(source.database.db, TEST_SECRETS.ltiKey, d.id, key, secret);
    await drain(source);
    [status] = (await destinationStatuses(source.database.db, source.clock.now())).filter((s) => s.id === d.id);
    expect(status!.pending).to.equal(0);
    const stored = new Set(await storedIds(target));
    expect(ids.every((id) => stored.has(id))).to.equal(true);
  });
});
