import { expect } from 'chai';
import { SignJWT } from 'jose';
import crypto from 'node:crypto';
import { signClientAssertion } from '../../src/grades';
import { makeToolKey, MEDIA, SIM_SCOPES, startPlatformServices, type PlatformServices, type ToolKey } from '../support/platform-services';

/** The Moodle services simulator enforces Moodle's rules, so the grades tests that pass against it mean something. */
describe('grades: the Moodle services simulator enforces Moodle’s rules', () => {
  let sim: PlatformServices;
  let key: ToolKey;
  let lineitem: string;
  let memberships: string;

  const assertion = (o: { aud?: string; jti?: string; sub?: string } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(o.sub ?? 'tool')
      .setSubject(o.sub ?? 'tool')
      .setAudience(o.aud ?? sim.tokenUrl)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(o.jti ?? crypto.randomUUID())
      .sign(crypto.createPrivateKey(key.privateKey));
  const token = async (scope: string, jwt?: string) =>
    fetch(sim.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: jwt ?? (await assertion()), scope }),
    });
  const bearer = async (scope: string) => ((await (await token(scope)).json()) as { access_token: string }).access_token;
  const score = (tok: string, body: unknown, type: string = MEDIA.score) =>
    fetch(lineitem.replace('/lineitem?', '/lineitem/scores?'), { method: 'POST', headers: { authorization: `Bearer ${tok}`, 'content-type': type }, body: JSON.stringify(body) });
  const valid = (o: Record<string, unknown> = {}) => ({ userId: '11', scoreGiven: 3, scoreMaximum: 4, activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp: '2026-11-20T10:00:00Z', ...o });

  before(async () => {
    sim = await startPlatformServices();
    key = await makeToolKey();
    sim.registerTool({ clientId: 'tool', typeId: '9', jwks: key.jwks });
    memberships = sim.addCourse('5', [{ userId: '11', roles: ['Learner'] }, { userId: '12', roles: ['Instructor'] }, { userId: '13', roles: ['Learner'], status: 'Inactive' }], '9').memberships;
    lineitem = sim.addLineItem('5', { label: 'L', scoreMaximum: 40 }, '9');
  });
  after(() => sim?.close());

  it('grants a token for a valid assertion, and refuses a replayed jti, a wrong audience or an unknown client', async () => {
    const jwt = await signClientAssertion({ issuer: sim.issuer, clientId: 'tool', tokenUrl: sim.tokenUrl, kid: key.kid, privateKey: key.privateKey }, '9', new Date());
    expect((await token(SIM_SCOPES.score, jwt)).status).to.equal(200);
    expect((await token(SIM_SCOPES.score, jwt)).status).to.equal(401);
    expect((await token(SIM_SCOPES.score, await assertion({ aud: `${sim.url}/other` }))).status).to.equal(401);
    expect((await token(SIM_SCOPES.score, await assertion({ sub: 'stranger' }))).status).to.equal(401);
  });

  it('requires the bearer token, the right scope and the score media type', async () => {
    expect((await score('nope', valid())).status).to.equal(401);
    expect((await score(await bearer(SIM_SCOPES.memberships), valid())).status).to.equal(401);
    expect((await score(await bearer(SIM_SCOPES.score), valid(), 'application/json')).status).to.equal(415);
  });

  it('requires userId, timestamp, activityProgress and gradingProgress, refuses teachers, and 409s a timestamp not newer', async () => {
    const tok = await bearer(SIM_SCOPES.score);
    for (const field of ['userId', 'timestamp', 'activityProgress', 'gradingProgress']) {
      const body: Record<string, unknown> = valid();
      delete body[field];
      expect((await score(tok, body)).status, field).to.equal(400);
    }
    expect((await score(tok, valid({ userId: '12' }))).status).to.equal(400);
    expect((await score(tok, valid({ userId: '13' }))).status).to.equal(400);
    expect((await score(tok, valid())).status).to.equal(200);
    expect(sim.gradebook(lineitem).get('11')!.grade).to.equal(30);
    expect((await score(tok, valid({ timestamp: '2026-11-20T10:00:00.900Z' }))).status).to.equal(409);
    expect((await score(tok, valid({ timestamp: '2026-11-20T10:00:01Z', gradingProgress: 'Pending' }))).status).to.equal(200);
    expect(sim.gradebook(lineitem).get('11')!.grade).to.equal(null);
  });

  it('lists active members only, in pages linked by rel="next", for the NRPS media type', async () => {
    const tok = await bearer(SIM_SCOPES.memberships);
    expect((await fetch(memberships, { headers: { authorization: `Bearer ${tok}`, accept: 'text/html' } })).status).to.equal(406);
    const first = await fetch(`${memberships}?limit=1`, { headers: { authorization: `Bearer ${tok}`, accept: MEDIA.memberships } });
    expect(first.headers.get('content-type')).to.contain(MEDIA.memberships);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')![1]!;
    const second = await fetch(next, { headers: { authorization: `Bearer ${tok}`, accept: MEDIA.memberships } });
    expect(second.headers.get('link')).to.equal(null);
    const ids = [...((await first.json()) as { members: Array<{ user_id: string }> }).members, ...((await second.json()) as { members: Array<{ user_id: string }> }).members].map((m) => m.user_id);
    expect(ids).to.deep.equal(['11', '12']);
  });
});
