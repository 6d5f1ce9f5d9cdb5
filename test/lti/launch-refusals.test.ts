import { expect } from 'chai';
import { SignJWT } from 'jose';
import { count } from 'drizzle-orm';
import { listPlatformRecords, ltiOf, type Tamper } from '../../src/lti';
import { ltiLaunches } from '../../src/lti/lti.tables';
import { webSessions } from '../../src/platform/db/platform.tables';
import { createTestApp, type TestApp } from '../support/app';
import { launchAs, postLaunch, simulatorFor, type LaunchAsOptions } from '../support/lti';
import { SIMULATOR_CLIENT_ID, SIMULATOR_ISSUER } from '../support/lti-simulator';

const C = {
  version: 'https://purl.imsglobal.org/spec/lti/claim/version',
  messageType: 'https://purl.imsglobal.org/spec/lti/claim/message_type',
  roles: 'https://purl.imsglobal.org/spec/lti/claim/roles',
  deploymentId: 'https://purl.imsglobal.org/spec/lti/claim/deployment_id',
  resourceLink: 'https://purl.imsglobal.org/spec/lti/claim/resource_link',
  targetLinkUri: 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri',
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
/** A tamper hook that changes the claims before the simulator signs them. */
const claims = (change: (p: Record<string, unknown>) => void) => async (t: Tamper) => {
  change(t.payload);
  return t.sign(t.payload);
};

describe('lti: refused launches (each a 400 or 401 page, no session, no launch row)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await launchAs(t); // warms the key-set cache and the simulator
  });
  after(async () => t?.close());

  async function counts() {
    const [s] = await t.database.db.select({ n: count() }).from(webSessions);
    const [l] = await t.database.db.select({ n: count() }).from(ltiLaunches);
    return { sessions: s!.n, launches: l!.n };
  }

  /** Posts a launch that must be refused with `status` and a French page naming the reason. */
  async function expectRefused(opts: LaunchAsOptions, status: 400 | 401, reason: string, replay?: (r: Awaited<ReturnType<typeof postLaunch>>) => Promise<Response>) {
    const before = await counts();
    const first = await postLaunch(t, opts);
    const response = replay ? await replay(first) : first.response;
    const html = await response.text();
    expect(response.status, html.slice(0, 200)).to.equal(status);
    expect(html).to.match(/<html lang="fr"[ >]/);
    expect(t.logLines.some((l) => l.includes(`"reason":"${reason}"`)), `log names ${reason}`).to.equal(true);
    const after = await counts();
    expect(after.launches).to.equal(before.launches + (replay ? 1 : 0));
    expect(after.sessions).to.equal(before.sessions + (replay ? 1 : 0));
  }

  describe('the twelve certification bad payloads', () => {
    it('refuses an id_token without kid', () => expectRefused({ tamper: (x) => x.sign(x.payload, { alg: 'RS256' }) }, 401, 'missing_kid'));
    it('refuses an id_token whose kid is not in the platform key set', () => expectRefused({ tamper: (x) => x.sign(x.payload, { alg: 'RS256', kid: 'not-a-key' }) }, 401, 'unknown_kid'));
    it('refuses a wrong LTI version', () => expectRefused({ tamper: claims((p) => (p[C.version] = '1.2.0')) }, 400, 'wrong_version'));
    it('refuses a missing LTI version', () => expectRefused({ tamper: claims((p) => delete p[C.version]) }, 400, 'wrong_version'));
    it('refuses a signed JWT that is not an LTI message', () =>
      expectRefused({ tamper: async (x) => x.sign({ iss: x.payload.iss, aud: x.payload.aud, sub: '1', iat: now(), exp: now() + 60, nonce: x.payload.nonce }) }, 400, 'wrong_version'));
    it('refuses missing required claims (target_link_uri)', () => expectRefused({ tamper: claims((p) => delete p[C.targetLinkUri]) }, 400, 'missing_claims'));
    it('refuses a token with bad iat and exp (expired an hour ago)', () => expectRefused({ tamper: claims((p) => ((p.iat = now() - 3660), (p.exp = now() - 3600))) }, 401, 'expired'));
    it('refuses a missing message_type', () => expectRefused({ tamper: claims((p) => delete p[C.messageType]) }, 400, 'wrong_message_type'));
    it('refuses a missing roles claim', () => expectRefused({ tamper: claims((p) => delete p[C.roles]) }, 400, 'missing_claims'));
    it('refuses a missing deployment_id', () => expectRefused({ tamper: claims((p) => delete p[C.deploymentId]) }, 400, 'missing_claims'));
    it('refuses a resource-link launch without resource_link', () => expectRefused({ tamper: claims((p) => delete p[C.resourceLink]) }, 400, 'missing_claims'));
    it('refuses a missing sub', () => expectRefused({ tamper: claims((p) => delete p.sub) }, 400, 'missing_claims'));
  });

  describe('audience, algorithm, nonce, state, time', () => {
    it('refuses an aud naming another tool', () => expectRefused({ tamper: claims((p) => (p.aud = 'another-tool')) }, 400, 'unknown_platform'));
    it('refuses several audiences without azp', () => expectRefused({ tamper: claims((p) => (p.aud = [SIMULATOR_CLIENT_ID, 'another-tool'])) }, 401, 'wrong_azp'));
    it('refuses several audiences with a wrong azp', () => expectRefused({ tamper: claims((p) => ((p.aud = [SIMULATOR_CLIENT_ID, 'x']), (p.azp = 'x'))) }, 401, 'wrong_azp'));
    it('refuses an untrusted extra audience even with azp set to our client id', () =>
      expectRefused({ tamper: claims((p) => ((p.aud = [SIMULATOR_CLIENT_ID, 'x']), (p.azp = SIMULATOR_CLIENT_ID))) }, 401, 'wrong_audience'));
    it('refuses alg none', () => expectRefused({ tamper: (x) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(x.payload)}.` }, 401, 'bad_algorithm'));
    it('refuses HS256 (a symmetric signature)', () =>
      expectRefused({ tamper: (x) => new SignJWT(x.payload).setProtectedHeader({ alg: 'HS256', kid: x.header.kid }).sign(new TextEncoder().encode('a-shared-secret-of-32-bytes-long!')) }, 401, 'bad_algorithm'));
    it('refuses a replayed id_token (same state and nonce posted twice)', () =>
      expectRefused({}, 401, 'nonce_replayed', async (first) => {
        expect(first.response.status).to.equal(303);
        return first.browser.postForm(first.form!.path, first.form!.fields);
      }));
    it('refuses a nonce Instants never issued', () => expectRefused({ tamper: claims((p) => (p.nonce = 'forged-nonce')) }, 401, 'nonce_unknown'));
    it('refuses a post without state', () =>
      expectRefused({}, 401, 'state_missing', async (first) => {
        const { state: _s, ...fields } = first.form!.fields;
        await first.browser.postForm(first.form!.path, first.form!.fields);
        return first.browser.postForm(first.form!.path, fields);
      }));
    it('refuses a state that no login request of this browser produced', async () => {
      const before = await counts();
      const first = await postLaunch(t, { tamper: (x) => x.sign() });
      // A second, untouched browser posts a token with a made-up state.
      const res = await fetch(`${t.url}/lti`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ id_token: first.form!.fields.id_token!, state: 'made-up-state' }),
      });
      expect(res.status).to.equal(401);
      expect(t.logLines.some((l) => l.includes('"reason":"state_missing"'))).to.equal(true);
      expect((await counts()).sessions).to.equal(before.sessions + 1);
    });
    it('refuses a token expired just past the leeway', () => expectRefused({ tamper: claims((p) => ((p.iat = now() - 66), (p.exp = now() - 6))) }, 401, 'expired'));
    it('refuses an iat in the future beyond the leeway', () => expectRefused({ tamper: claims((p) => ((p.iat = now() + 30), (p.exp = now() + 90))) }, 401, 'issued_in_future'));
    it('refuses a target_link_uri that differs from the login request', async () => {
      const simulator = await simulatorFor(t);
      expect(simulator.url.startsWith('http://127.0.0.1:')).to.equal(true);
      await expectRefused({ tokenTargetLinkUri: `${t.url}/lti?elsewhere=1` }, 401, 'target_link_mismatch');
    });
  });

  describe('platforms and deployments', () => {
    it('refuses a login from an unknown platform with 400', async () => {
      const before = await counts();
      const res = await fetch(`${t.url}/lti/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ iss: 'https://moodle.unknown.example', login_hint: '2', target_link_uri: `${t.url}/lti`, client_id: 'x' }),
      });
      expect(res.status).to.equal(400);
      expect(await res.text()).to.contain('pas enregistrée dans Instants');
      expect(await counts()).to.deep.equal(before);
    });
    it('refuses a login whose target is not Instants with 400', async () => {
      const res = await fetch(`${t.url}/lti/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ iss: SIMULATOR_ISSUER, login_hint: '2', target_link_uri: 'https://evil.example/lti', client_id: SIMULATOR_CLIENT_ID }),
      });
      expect(res.status).to.equal(400);
    });
    it('refuses a launch from an inactive platform with 401, then accepts it once activated', async () => {
      const lti = ltiOf(t.instants.ctx);
      await lti.provider.setActive(SIMULATOR_ISSUER, SIMULATOR_CLIENT_ID, false);
      try {
        const before = await counts();
        const { response } = await postLaunch(t);
        expect(response.status).to.equal(401);
        expect(await response.text()).to.contain('pas encore activée');
        expect(await counts()).to.deep.equal(before);
      } finally {
        await lti.provider.setActive(SIMULATOR_ISSUER, SIMULATOR_CLIENT_ID, true);
      }
      expect((await launchAs(t)).location).to.equal('/lti/not-ready');
    });
    it('accepts a launch signed with a rotated key after one refetch of the key set', async () => {
      const simulator = await simulatorFor(t);
      const fetchesBefore = simulator.core.keySetFetches;
      await simulator.core.rotateKey();
      const { location } = await launchAs(t, { role: 'organiser' });
      expect(location).to.equal('/lti/bind');
      expect(simulator.core.keySetFetches).to.equal(fetchesBefore + 1);
      await launchAs(t);
      expect(simulator.core.keySetFetches).to.equal(fetchesBefore + 1);
    });
  });

  describe('roles and routes', () => {
    it('answers 403 to a learner calling an organiser route', async () => {
      const { browser } = await launchAs(t, { role: 'participant' });
      const res = await browser.get('/lti/bind');
      expect(res.status).to.equal(403);
      const dl = await browser.get('/lti/deep-linking');
      expect(dl.status).to.equal(403);
    });
  });
});

describe('lti: unknown deployments', () => {
  it('refuses an unknown deployment under the reject policy, and records it under the accept policy', async () => {
    const strict = await createTestApp({ env: { LTI_UNKNOWN_DEPLOYMENT: 'reject' } });
    try {
      const { response } = await postLaunch(strict, { deploymentId: '42' });
      expect(response.status).to.equal(401);
      expect(await response.text()).to.contain('pas déclaré dans Instants');
      expect(strict.logLines.some((l) => l.includes('"reason":"unknown_deployment"'))).to.equal(true);
      const [l] = await strict.database.db.select({ n: count() }).from(ltiLaunches);
      expect(l!.n).to.equal(0);
      expect((await launchAs(strict, { deploymentId: '1' })).location).to.equal('/lti/not-ready');
    } finally {
      await strict.close();
    }
    const lax = await createTestApp();
    try {
      expect((await launchAs(lax, { deploymentId: '42' })).location).to.equal('/lti/not-ready');
      const [platform] = await ltiOf(lax.instants.ctx).provider.listPlatforms();
      expect(platform).to.not.equal(undefined);
      const records = await listPlatformRecords(ltiOf(lax.instants.ctx));
      expect(records[0]!.deployments).to.deep.equal(['1', '42']);
    } finally {
      await lax.close();
    }
  });
});
