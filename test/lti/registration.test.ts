import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { ltiOf } from '../../src/lti';
import { createTestApp, type TestApp } from '../support/app';

/** Plays Moodle's side of LTI Dynamic Registration: an OpenID configuration and a registration endpoint. */
async function fakeMoodleRegistration() {
  const app = express();
  app.use(express.json());
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const received: Array<{ auth?: string; body: Record<string, unknown> }> = [];
  app.get('/mod/lti/openid-configuration.php', (_req, res) => {
    res.json({
      issuer: 'https://moodle.dynreg.example',
      token_endpoint: `${url}/mod/lti/token.php`,
      authorization_endpoint: `${url}/mod/lti/auth.php`,
      registration_endpoint: `${url}/mod/lti/openid-registration.php`,
      jwks_uri: `${url}/mod/lti/certs.php`,
      claims_supported: ['sub', 'iss', 'name', 'email'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: 'moodle', version: '4.5' },
    });
  });
  app.post('/mod/lti/openid-registration.php', (req, res) => {
    received.push({ auth: req.get('authorization'), body: req.body as Record<string, unknown> });
    res.json({ client_id: 'dynreg-client', 'https://purl.imsglobal.org/spec/lti-tool-configuration': { deployment_id: '5' } });
  });
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('lti: dynamic registration', () => {
  let t: TestApp;
  let moodle: Awaited<ReturnType<typeof fakeMoodleRegistration>>;
  before(async () => {
    t = await createTestApp();
    moodle = await fakeMoodleRegistration();
  });
  after(async () => {
    await moodle?.close();
    await t?.close();
  });

  it('refuses a registration request without an openid_configuration URL with 400', async () => {
    const before = (await ltiOf(t.instants.ctx).provider.listPlatforms()).length;
    const res = await fetch(`${t.url}/lti/register`, { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(400);
    expect(await ltiOf(t.instants.ctx).provider.listPlatforms()).to.have.length(before);
  });

  it('registers with Moodle and keeps the new platform pending, saying so to the admin', async () => {
    const res = await fetch(`${t.url}/lti/register?openid_configuration=${encodeURIComponent(`${moodle.url}/mod/lti/openid-configuration.php`)}&registration_token=tok-1`, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status, html.slice(0, 300)).to.equal(200);
    expect(html).to.contain('en attente').and.to.contain('npm run platform -- activate').and.to.contain('/lti/close-registration.js');
    const sent = moodle.received[0]!;
    expect(sent.auth).to.equal('Bearer tok-1');
    expect(sent.body).to.include({ initiate_login_uri: `${t.url}/lti/login`, jwks_uri: `${t.url}/lti/keys` });
    expect(sent.body.redirect_uris).to.include(`${t.url}/lti`);
    const tool = sent.body['https://purl.imsglobal.org/spec/lti-tool-configuration'] as { target_link_uri: string; messages: Array<{ type: string }> };
    expect(tool.target_link_uri).to.equal(`${t.url}/lti`);
    expect(tool.messages.map((m) => m.type)).to.include('LtiDeepLinkingRequest');
    const platform = await ltiOf(t.instants.ctx).provider.findPlatform('https://moodle.dynreg.example', 'dynreg-client');
    expect(platform).to.include({ active: false, authEndpoint: `${moodle.url}/mod/lti/auth.php` });
    expect(platform!.keys).to.deep.equal({ method: 'JWK_SET', key: `${moodle.url}/mod/lti/certs.php` });
  });

  it('refuses a login from the pending platform with 401 until it is activated', async () => {
    const login = () =>
      fetch(`${t.url}/lti/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ iss: 'https://moodle.dynreg.example', client_id: 'dynreg-client', login_hint: '2', target_link_uri: `${t.url}/lti` }),
        redirect: 'manual',
      });
    expect((await login()).status).to.equal(401);
    await ltiOf(t.instants.ctx).provider.setActive('https://moodle.dynreg.example', 'dynreg-client', true);
    const ok = await login();
    expect(ok.status).to.equal(302);
    expect(ok.headers.get('location')).to.contain(`${moodle.url}/mod/lti/auth.php`);
  });

  it('refuses registering the same platform twice with 400 and changes nothing', async () => {
    const before = (await ltiOf(t.instants.ctx).provider.listPlatforms()).length;
    const res = await fetch(`${t.url}/lti/register?openid_configuration=${encodeURIComponent(`${moodle.url}/mod/lti/openid-configuration.php`)}`, { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain('Enregistrement impossible');
    expect(await ltiOf(t.instants.ctx).provider.listPlatforms()).to.have.length(before);
  });
});
