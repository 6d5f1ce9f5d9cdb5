import { expect } from 'chai';
import { addPlatform, ltiOf } from '../../src/lti';
import { createTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/http';
import { formFrom, SIMULATOR_CLIENT_ID, SIMULATOR_DEPLOYMENT_ID, SIMULATOR_ISSUER, startSimulator } from '../support/lti-simulator';

const PUBLIC_URL = 'https://instants.test';

/**
 * A launch through the simulator for a tool whose public URL (https) is not the loopback address it is
 * reached at: the simulator addresses the public URL, the browser posts the same paths to the loopback.
 */
async function launchBehindHttps(t: TestApp) {
  const sim = await startSimulator({ toolUrl: PUBLIC_URL });
  t.instants.ctx.onClose.push(() => sim.close());
  const { authEndpoint, tokenEndpoint, keySetUrl } = sim.endpoints;
  const platform = { issuer: SIMULATOR_ISSUER, clientId: SIMULATOR_CLIENT_ID, name: 'Moodle (simulateur)', authEndpoint, tokenEndpoint };
  await addPlatform(ltiOf(t.instants.ctx), { ...platform, keys: { method: 'JWK_SET', key: keySetUrl } }, [SIMULATOR_DEPLOYMENT_ID]);
  const browser = new Browser(t.url);
  const initiation = sim.core.loginInitiation({ role: 'participant' });
  const login = await browser.postForm(new URL(initiation.action).pathname, initiation.fields);
  const auth = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const form = formFrom(await auth.text());
  return { browser, response: await browser.postForm(new URL(form.action).pathname, form.fields) };
}

/** The Set-Cookie line of one cookie, by name. */
const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`));

describe('platform: response headers and production cookies', () => {
  describe('X-Powered-By', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp();
    });
    after(async () => t.close());

    it('is absent from our pages, the LRS and every answer of ltijs and its wrapping apps under /lti', async () => {
      for (const [method, path] of [
        ['GET', '/'],
        ['GET', '/xapi/about'],
        ['GET', '/lti'],
        ['POST', '/lti'],
        ['GET', '/lti/login'],
        ['POST', '/lti/login'],
        ['GET', '/lti/keys'],
        ['GET', '/lti/nope'],
        ['GET', '/nope'],
      ] as const) {
        const res = await fetch(`${t.url}${path}`, { method, redirect: 'manual' });
        expect(res.headers.get('x-powered-by'), `${method} ${path}`).to.equal(null);
      }
    });
  });

  describe('with an https PUBLIC_URL (production)', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp({ env: { PUBLIC_URL } });
    });
    after(async () => t.close());

    it('sets the session cookie as __Host-instants_session: Secure, Path=/, no Domain, HttpOnly, SameSite=None', async () => {
      const { response, browser } = await launchBehindHttps(t);
      expect(response.status, await response.clone().text()).to.equal(303);
      const line = setCookie(response, '__Host-instants_session');
      expect(line, response.headers.getSetCookie().join('\n')).to.be.a('string');
      expect(line).to.match(/; Secure/).and.match(/; Path=\//).and.match(/; HttpOnly/).and.match(/; SameSite=None/);
      expect(line).not.to.match(/Domain=/i);
      expect(setCookie(response, 'instants_session')).to.equal(undefined);
      // The prefixed cookie is the one read back: the launch lands signed in.
      const next = await browser.get(new URL(response.headers.get('location')!, t.url).pathname + new URL(response.headers.get('location')!, t.url).search);
      expect(next.status).to.equal(303);
    });

    it('sets the CSRF and language cookies with the __Host- prefix too', async () => {
      const res = await fetch(`${t.url}/?lang=en`, { headers: { accept: 'text/html' } });
      const cookies = res.headers.getSetCookie();
      const csrf = cookies.find((l) => l.startsWith('__Host-instants.csrf='));
      expect(csrf, cookies.join('\n')).to.match(/; Path=\/.*; Secure/);
      const lang = cookies.find((l) => l.startsWith('__Host-instants_lang='));
      expect(lang, cookies.join('\n')).to.match(/; Secure/).and.match(/; Path=\//);
      expect(lang).not.to.match(/Domain=/i);
    });
  });
});
