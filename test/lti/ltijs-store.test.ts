import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { count, eq } from 'drizzle-orm';
import { ltiOf } from '../../src/lti';
import { cacheSeconds, PlatformKeySets } from '../../src/lti/keyset.cache';
import { LtiLaunchError } from '../../src/lti/lti.errors';
import { LtijsDatabasePlugin, purgeExpiredLtiData } from '../../src/lti/ltijs.plugin';
import { ltijsDocuments, ltiLoginRequests } from '../../src/lti/lti.tables';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { launchAs } from '../support/lti';
import { SIMULATOR_CLIENT_ID, SIMULATOR_ISSUER } from '../support/lti-simulator';

describe('lti: ltijs database plugin on PostgreSQL', () => {
  let t: TestApp;
  let plugin: LtijsDatabasePlugin;
  const clock = new TestClock();
  before(async () => {
    t = await createTestApp({ clock });
    plugin = new LtijsDatabasePlugin({ db: t.database.db, clock }, { GetPlatformJwk: async () => ({}), ClockToleranceSeconds: 5 });
  });
  after(async () => t?.close());

  it('gets, inserts, replaces, modifies and deletes documents by top-level equality, false when none', async () => {
    expect(await plugin.Get(false, 'state', { state: 'none' })).to.equal(false);
    await plugin.Insert(false, 'state', { state: 's1', query: { a: '1' } });
    await plugin.Insert(false, 'state', { state: 's2', query: {} });
    const got = (await plugin.Get(false, 'state', { state: 's1' })) as Array<Record<string, unknown>>;
    expect(got).to.have.length(1);
    expect(got[0]).to.deep.include({ state: 's1', query: { a: '1' } });
    await plugin.Replace(false, 'state', { state: 's1' }, { state: 's1', query: { b: '2' } });
    expect(((await plugin.Get(false, 'state', { state: 's1' })) as Array<Record<string, unknown>>)[0]!.query).to.deep.equal({ b: '2' });
    await plugin.Modify(false, 'state', { state: 's2' }, { query: { c: '3' } });
    expect(((await plugin.Get(false, 'state', { state: 's2' })) as Array<Record<string, unknown>>)[0]!.query).to.deep.equal({ c: '3' });
    await plugin.Delete('state', { state: 's1' });
    expect(await plugin.Get(false, 'state', { state: 's1' })).to.equal(false);
  });

  it('keeps keys encrypted at rest with ltijs scheme and decrypts them with the key', async () => {
    await plugin.Replace('secret-key', 'privatekey', { kid: 'k1' }, { key: '-----BEGIN RSA PRIVATE KEY-----x', kid: 'k1' }, { kid: 'k1', platformUrl: 'https://p', clientId: 'c' });
    const row = (await t.database.db.select().from(ltijsDocuments).where(eq(ltijsDocuments.collection, 'privatekey'))).find((r) => (r.doc as { kid?: string }).kid === 'k1');
    const stored = JSON.stringify(row!.doc);
    expect(stored).not.to.contain('BEGIN RSA');
    expect(row!.doc).to.include({ kid: 'k1', platformUrl: 'https://p' }).and.to.have.keys('kid', 'platformUrl', 'clientId', 'iv', 'data');
    const got = (await plugin.Get('secret-key', 'privatekey', { kid: 'k1' })) as Array<Record<string, unknown>>;
    expect(got[0]).to.include({ key: '-----BEGIN RSA PRIVATE KEY-----x', kid: 'k1' });
    await plugin.Modify('secret-key', 'privatekey', { kid: 'k1' }, { key: 'rotated' });
    expect(((await plugin.Get('secret-key', 'privatekey', { kid: 'k1' })) as Array<Record<string, unknown>>)[0]!.key).to.equal('rotated');
  });

  it('refuses an unknown collection and writes nothing', async () => {
    const [before] = await t.database.db.select({ n: count() }).from(ltijsDocuments);
    let error: unknown;
    await plugin.Insert(false, 'users', { a: 1 }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
    const [after] = await t.database.db.select({ n: count() }).from(ltijsDocuments);
    expect(after!.n).to.equal(before!.n);
  });

  it('a launch leaves no ltijs state, nonce or token copies: Instants binds state and nonce to its own login request', async () => {
    const kinds = async () => (await t.database.db.select({ c: ltijsDocuments.collection }).from(ltijsDocuments)).map((r) => r.c);
    const before = await kinds();
    await launchAs(t);
    const added = (await kinds()).filter((k) => !before.includes(k));
    expect(added).to.deep.equal([]);
    expect(await kinds()).not.to.include.members(['nonce', 'idtoken', 'contexttoken']);
    const [login] = await t.database.db.select().from(ltiLoginRequests);
    expect(login!.usedAt, 'the login request is used once').to.not.equal(null);
  });

  it('reproduces ltijs expiry: nonces are hidden then purged after their lifetime, platforms are kept', async () => {
    await launchAs(t); // writes a login request
    await plugin.Insert(false, 'nonce', { nonce: 'n-1' });
    await plugin.Replace(false, 'idtoken', { iss: 'https://p', user: 'u' }, { iss: 'https://p', user: 'u' });
    const kinds = async () => (await t.database.db.select({ c: ltijsDocuments.collection }).from(ltijsDocuments)).map((r) => r.c);
    expect(await kinds()).to.include.members(['nonce', 'idtoken', 'platform', 'publickey', 'privatekey']);
    clock.advance(181_000);
    expect(await plugin.Get(false, 'nonce', {})).to.equal(false);
    expect(await t.instants.jobs.runOnce('lti-purge')).to.be.greaterThan(0);
    expect(await kinds()).not.to.include('nonce');
    expect(await kinds()).to.include('idtoken');
    expect(await t.database.db.select().from(ltiLoginRequests)).to.have.length.greaterThan(0);
    clock.advance(24 * 3600_000);
    await purgeExpiredLtiData({ db: t.database.db, clock });
    expect(await t.database.db.select().from(ltiLoginRequests)).to.have.length(0);
    expect(await kinds()).not.to.include.members(['idtoken', 'contexttoken']);
    expect(await ltiOf(t.instants.ctx).provider.findPlatform(SIMULATOR_ISSUER, SIMULATOR_CLIENT_ID)).to.not.equal(undefined);
  });
});

describe('lti: platform key-set cache', () => {
  let server: http.Server;
  let url: string;
  let served = 0;
  let keys: Array<{ kty: string; kid: string }> = [{ kty: 'RSA', kid: 'a' }];
  let cacheControl = 'max-age=60';
  before(async () => {
    server = http.createServer((_req, res) => {
      served++;
      res.setHeader('cache-control', cacheControl);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('reads max-age, no-store and no-cache from cache-control', () => {
    expect(cacheSeconds('public, max-age=120')).to.equal(120);
    expect(cacheSeconds('no-store')).to.equal(0);
    expect(cacheSeconds('no-cache, max-age=60')).to.equal(0);
    expect(cacheSeconds(null)).to.equal(300);
  });

  it('fetches once while fresh, refetches on an unknown kid and after max-age, and refuses a kid still unknown', async () => {
    let now = 1_000_000;
    const cache = new PlatformKeySets(() => now);
    served = 0;
    await cache.get(url, 'a');
    await Promise.all([cache.get(url, 'a'), cache.get(url, 'a')]);
    expect(served).to.equal(1);
    keys = [{ kty: 'RSA', kid: 'b' }];
    await cache.get(url, 'b');
    expect(served).to.equal(2);
    let error: unknown;
    await cache.get(url, 'zzz').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(LtiLaunchError);
    expect((error as LtiLaunchError).reason).to.equal('unknown_kid');
    await cache.get(url, 'zzz').catch(() => undefined);
    expect(served).to.equal(3); // the same unknown kid is not refetched at once
    now += 61_000;
    await cache.get(url, 'b');
    expect(served).to.equal(4);
    cacheControl = 'no-store';
    now += 61_000;
    await cache.get(url, 'b');
    await cache.get(url, 'b');
    expect(served).to.equal(6);
  });

  it('refuses an unreachable or malformed key set as keyset_unavailable', async () => {
    const cache = new PlatformKeySets();
    const reasons: string[] = [];
    await cache.get('http://127.0.0.1:9/certs', 'a').catch((e: LtiLaunchError) => reasons.push(e.reason));
    keys = 'nope' as never;
    cacheControl = 'no-store';
    await cache.get(url, 'a').catch((e: LtiLaunchError) => reasons.push(e.reason));
    expect(reasons).to.deep.equal(['keyset_unavailable', 'keyset_unavailable']);
  });
});

describe('lti: cookies over HTTPS', () => {
  it('sets the login state cookie Secure and SameSite=None when PUBLIC_URL is https', async () => {
    const t = await createTestApp({ env: { PUBLIC_URL: 'https://instants.example.fr' } });
    try {
      const res = await fetch(`${t.url}/lti/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ iss: SIMULATOR_ISSUER, client_id: SIMULATOR_CLIENT_ID, login_hint: '2', target_link_uri: 'https://instants.example.fr/lti' }),
        redirect: 'manual',
      });
      expect(res.status).to.equal(302);
      const state = res.headers.getSetCookie().find((c) => c.startsWith('state'));
      expect(state).to.match(/; Secure/i).and.to.match(/SameSite=None/i);
    } finally {
      await t.close();
    }
  });
});

describe('lti: ltijs in the process', () => {
  it('leaves no SIGINT handler of ltijs behind (main.ts owns signals)', async () => {
    const before = process.listenerCount('SIGINT');
    const t = await createTestApp();
    try {
      expect(process.listenerCount('SIGINT')).to.equal(before);
    } finally {
      await t.close();
    }
  });
});
