import { expect } from 'chai';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { getServiceToken, SCOPES, signClientAssertion, type ServiceCredentials } from '../../src/grades';
import { gradesServiceTokens } from '../../src/grades/grades.tables';
import { PlatformAnswerError } from '../../src/grades/platform-http';
import type { Database } from '../../src/platform/db/client';
import { createTestDatabase } from '../support/db';
import { makeToolKey, startPlatformServices, type PlatformServices, type ToolKey } from '../support/platform-services';
import { TestClock } from './grades-fixture';

describe('grades: service tokens (client credentials with a signed assertion)', () => {
  let database: Database;
  let sim: PlatformServices;
  let key: ToolKey;
  let creds: ServiceCredentials;
  const clock = new TestClock();
  const deps = (tokenSecret = 'grades-test-secret-0123456789abcdef0123') => ({ db: database.db, clock, tokenSecret });

  before(async () => {
    database = await createTestDatabase();
    sim = await startPlatformServices({ now: () => clock.now(), tokenLifetimeSeconds: 3600 });
    key = await makeToolKey();
    sim.registerTool({ clientId: 'tool-a', typeId: '2', jwks: key.jwks, scopes: [SCOPES.score, SCOPES.lineitem, SCOPES.memberships] });
    creds = { issuer: sim.issuer, clientId: 'tool-a', tokenUrl: sim.tokenUrl, kid: key.kid, privateKey: key.privateKey };
  });
  after(async () => {
    await sim?.close();
    await database?.close();
  });
  beforeEach(async () => {
    await database.db.delete(gradesServiceTokens);
  });

  it('signs the assertion as the security framework asks: RS256, our kid, iss = sub = client id, aud = token URL, jti, deployment_id', async () => {
    const jwt = await signClientAssertion(creds, '2', clock.now());
    expect(decodeProtectedHeader(jwt)).to.include({ alg: 'RS256', kid: key.kid });
    const claims = decodeJwt(jwt);
    expect(claims).to.include({ iss: 'tool-a', sub: 'tool-a', aud: sim.tokenUrl, 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': '2' });
    expect(claims.jti).to.be.a('string');
    expect(claims.exp! - claims.iat!).to.be.within(60, 3600);
    const other = decodeJwt(await signClientAssertion(creds, '2', clock.now()));
    expect(other.jti).to.not.equal(claims.jti);
  });

  it('gets a token the platform accepts, and reuses it from the database until shortly before it expires', async () => {
    const before = sim.stats.tokenRequests;
    const token = await getServiceToken(deps(), creds, '2', [SCOPES.score]);
    expect(token).to.match(/^[0-9a-f]{32}$/);
    expect(await getServiceToken(deps(), creds, '2', [SCOPES.score])).to.equal(token);
    expect(sim.stats.tokenRequests).to.equal(before + 1);
    clock.advance(3600_000 - 30_000);
    const renewed = await getServiceToken(deps(), creds, '2', [SCOPES.score]);
    expect(renewed).to.not.equal(token);
    expect(sim.stats.tokenRequests).to.equal(before + 2);
  });

  it('stores tokens encrypted, and fetches a new one when the secret has changed', async () => {
    const token = await getServiceToken(deps(), creds, '2', [SCOPES.score]);
    const [row] = await database.db.select().from(gradesServiceTokens);
    expect(row!.accessToken).to.not.contain(token);
    expect(row!.accessToken.split('.')).to.have.length(3);
    const before = sim.stats.tokenRequests;
    const other = await getServiceToken(deps('another-secret-0123456789abcdef0123456789'), creds, '2', [SCOPES.score]);
    expect(other).to.not.equal(token);
    expect(sim.stats.tokenRequests).to.equal(before + 1);
  });

  it('keeps one token per set of scopes', async () => {
    const a = await getServiceToken(deps(), creds, '2', [SCOPES.score, SCOPES.lineitem]);
    const b = await getServiceToken(deps(), creds, '2', [SCOPES.lineitem, SCOPES.score]);
    const c = await getServiceToken(deps(), creds, '2', [SCOPES.memberships]);
    expect(a).to.equal(b);
    expect(c).to.not.equal(a);
    expect(await database.db.select().from(gradesServiceTokens)).to.have.length(2);
  });

  it('asks the platform once when many callers need a new token at the same time', async () => {
    const before = sim.stats.tokenRequests;
    const tokens = await Promise.all(Array.from({ length: 12 }, () => getServiceToken(deps(), creds, '2', [SCOPES.score])));
    expect(new Set(tokens).size).to.equal(1);
    expect(sim.stats.tokenRequests).to.equal(before + 1);
  });

  it('is refused (401 invalid_client) with an assertion signed by another key, and caches nothing', async () => {
    const stranger = await makeToolKey();
    const err = await getServiceToken(deps(), { ...creds, kid: stranger.kid, privateKey: stranger.privateKey }, '2', [SCOPES.score]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PlatformAnswerError);
    expect((err as PlatformAnswerError).status).to.equal(401);
    expect((err as PlatformAnswerError).body).to.contain('invalid_client');
    const rows = await database.db.select().from(gradesServiceTokens);
    expect(rows.every((r) => r.accessToken === '' && r.refreshingUntil === null)).to.equal(true);
  });

  it('is refused for a client the platform does not know, or for scopes it does not grant', async () => {
    const unknown = await getServiceToken(deps(), { ...creds, clientId: 'nobody' }, '2', [SCOPES.score]).catch((e: unknown) => e);
    expect((unknown as PlatformAnswerError).status).to.equal(401);
    const scope = await getServiceToken(deps(), creds, '2', ['https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly']).catch((e: unknown) => e);
    expect((scope as PlatformAnswerError).status).to.equal(400);
    expect((scope as PlatformAnswerError).body).to.contain('invalid_scope');
  });

  it('reports a platform that is down as a transient failure', async () => {
    sim.setDown(true);
    try {
      const err = await getServiceToken(deps(), creds, '2', [SCOPES.score]).catch((e: unknown) => e);
      expect((err as PlatformAnswerError).transient).to.equal(true);
    } finally {
      sim.setDown(false);
    }
    expect(await getServiceToken(deps(), creds, '2', [SCOPES.score])).to.match(/^[0-9a-f]{32}$/);
  });
});
