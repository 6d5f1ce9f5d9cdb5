import { expect } from 'chai';
import { ltiLaunches } from '../../src/lti/lti.tables';
import { createTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/http';
import { postLaunch, simulatorFor } from '../support/lti';
import { formFrom } from '../support/lti-simulator';

/** The hidden resume token of the cookie help page. */
const resumeTokenOf = (html: string) => /name="resume" value="([^"]+)"/.exec(html)?.[1];

/** A login and authorisation as a browser that keeps no cookie at all (third-party cookies blocked). */
async function cookielessIdToken(t: TestApp, locale = 'fr') {
  const simulator = await simulatorFor(t);
  const initiation = simulator.core.loginInitiation({ role: 'participant', locale });
  const login = await fetch(`${t.url}/lti/login`, { method: 'POST', body: new URLSearchParams(initiation.fields), redirect: 'manual' });
  const auth = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  return { simulator, initiation, form: formFrom(await auth.text()) };
}

const launchCount = async (t: TestApp) => (await t.database.db.select({ id: ltiLaunches.id }).from(ltiLaunches)).length;

describe('lti: launches carried to a browser that refuses our cookies (resume tokens)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t?.close());

  it('goes straight on when the session cookie of this launch came back, and again on a reload', async () => {
    const { browser, response } = await postLaunch(t);
    const continueUrl = response.headers.get('location')!;
    expect(continueUrl).to.match(/^\/lti\/continue\?t=/);
    const first = await browser.get(continueUrl);
    expect([first.status, first.headers.get('location')]).to.deep.equal([303, '/lti/not-ready']);
    const reload = await browser.get(continueUrl);
    expect([reload.status, reload.headers.get('location')]).to.deep.equal([303, '/lti/not-ready']);
  });

  it('refuses a continue link already used by the launching browser in any other browser (no session transfer)', async () => {
    const { browser, response } = await postLaunch(t);
    const continueUrl = response.headers.get('location')!;
    await browser.get(continueUrl);
    const elsewhere = await fetch(new URL(continueUrl, t.url), { headers: { accept: 'text/html' }, redirect: 'manual' });
    const html = await elsewhere.text();
    expect(elsewhere.status).to.equal(401);
    expect(resumeTokenOf(html), 'no resume token for another browser').to.equal(undefined);
  });

  it('offers a single-use resume form when the cookie did not come back, accepted only from Instants itself', async () => {
    const { response } = await postLaunch(t);
    const page = await fetch(new URL(response.headers.get('location')!, t.url), { headers: { accept: 'text/html' }, redirect: 'manual' });
    const html = await page.text();
    expect(page.status).to.equal(200);
    expect(html).to.contain('Ouvrir Instants dans une nouvelle fenêtre').and.to.contain('action="/lti/resume"').and.not.to.contain('lti_message_hint');
    const resume = resumeTokenOf(html)!;
    const post = (origin: string | undefined) =>
      fetch(`${t.url}/lti/resume`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...(origin ? { origin } : {}) }, body: new URLSearchParams({ resume }), redirect: 'manual' });
    const crossSite = await post('https://evil.example');
    expect(crossSite.status, 'posted by another site (login CSRF)').to.equal(401);
    expect(crossSite.headers.get('set-cookie')).to.equal(null);
    expect((await post(undefined)).status, 'no Origin').to.equal(401);
    const opened = await post(new URL(t.url).origin);
    expect(opened.status).to.equal(303);
    expect(opened.headers.get('location')).to.equal('/lti/not-ready');
    expect(opened.headers.get('set-cookie')).to.contain('instants_session=');
    const replayed = await post(new URL(t.url).origin);
    expect(replayed.status, 'replayed').to.equal(401);
    expect(replayed.headers.get('set-cookie')).to.equal(null);
  });

  it('refuses a resume token that expired (2 minutes)', async () => {
    const { response } = await postLaunch(t);
    const html = await (await fetch(new URL(response.headers.get('location')!, t.url), { headers: { accept: 'text/html' }, redirect: 'manual' })).text();
    t.clock.advance(2 * 60_000 + 1000);
    try {
      const late = await fetch(`${t.url}/lti/resume`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.url).origin }, body: new URLSearchParams({ resume: resumeTokenOf(html)! }), redirect: 'manual' });
      expect(late.status).to.equal(401);
    } finally {
      t.clock.advance(-(2 * 60_000 + 1000));
    }
  });

  it('refuses forged and malformed resume tokens with 401 and no session', async () => {
    for (const resume of ['forged', 'x'.repeat(43), '', 'a'.repeat(5000)]) {
      const res = await fetch(`${t.url}/lti/resume`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(t.url).origin, accept: 'text/html' }, body: new URLSearchParams({ resume }), redirect: 'manual' });
      expect(res.status, resume.slice(0, 10)).to.be.oneOf([401, 413]);
      expect(res.headers.get('set-cookie')).to.equal(null);
    }
    expect((await fetch(`${t.url}/lti/continue?t=forged`, { headers: { accept: 'text/html' }, redirect: 'manual' })).status).to.equal(401);
  });
});

describe('lti: a launch whose browser kept no cookie (ltijs state cookie missing)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t?.close());

  it('is accepted when the id_token form comes from the platform page, and continues through the resume form', async () => {
    const { simulator, form } = await cookielessIdToken(t);
    const before = await launchCount(t);
    const posted = await fetch(`${t.url}/lti`, { method: 'POST', headers: { origin: new URL(simulator.url).origin }, body: new URLSearchParams(form.fields), redirect: 'manual' });
    expect(posted.status).to.equal(303);
    expect(await launchCount(t)).to.equal(before + 1);
    const help = await fetch(new URL(posted.headers.get('location')!, t.url), { headers: { accept: 'text/html' }, redirect: 'manual' });
    const resume = resumeTokenOf(await help.text());
    expect(resume).to.be.a('string');
    const browser = new Browser(t.url);
    const opened = await browser.postForm('/lti/resume', { resume: resume! }, { headers: { origin: new URL(t.url).origin } });
    expect(opened.headers.get('location')).to.equal('/lti/not-ready');
    expect((await browser.get('/lti/not-ready')).status).to.equal(200);
  });

  it('refuses it, storing nothing, when the form was posted by another site (login CSRF) or without Origin', async () => {
    for (const origin of ['https://evil.example', undefined, 'null']) {
      const { form } = await cookielessIdToken(t);
      const before = await launchCount(t);
      const refused = await fetch(`${t.url}/lti`, { method: 'POST', headers: { accept: 'text/html', ...(origin ? { origin } : {}) }, body: new URLSearchParams(form.fields), redirect: 'manual' });
      expect(refused.status, String(origin)).to.equal(401);
      const html = await refused.text();
      expect(html).to.contain('navigateur').and.not.to.contain('lti_message_hint');
      expect(await launchCount(t)).to.equal(before);
    }
  });

  it('answers a refusal after the token was verified in the language the platform asked for', async () => {
    const { form } = await cookielessIdToken(t, 'en');
    const refused = await fetch(`${t.url}/lti`, { method: 'POST', headers: { accept: 'text/html', origin: 'https://evil.example' }, body: new URLSearchParams(form.fields), redirect: 'manual' });
    expect(refused.status).to.equal(401);
    expect(await refused.text()).to.contain('<html lang="en">').and.to.contain('browser');
  });

  it('refuses the same id_token posted again, even from the platform (single use)', async () => {
    const { simulator, form } = await cookielessIdToken(t);
    const post = () => fetch(`${t.url}/lti`, { method: 'POST', headers: { origin: new URL(simulator.url).origin, accept: 'text/html' }, body: new URLSearchParams(form.fields), redirect: 'manual' });
    expect((await post()).status).to.equal(303);
    const before = await launchCount(t);
    expect((await post()).status).to.equal(401);
    expect(await launchCount(t)).to.equal(before);
  });

  it('never replays the login: like Moodle, the simulator refuses an lti_message_hint used once', async () => {
    const { simulator, initiation } = await cookielessIdToken(t);
    const again = await fetch(`${t.url}/lti/login`, { method: 'POST', body: new URLSearchParams(initiation.fields), redirect: 'manual' });
    const auth = await fetch(again.headers.get('location')!, { redirect: 'manual' });
    expect(auth.status).to.equal(400);
    expect(await auth.text()).to.contain('invalid_request');
    expect(new URL(simulator.url).origin).to.not.equal(new URL(t.url).origin);
  });

  it('with platform storage, asks the browser for the login value first, accepts it from Instants, refuses a wrong one or one from another site', async () => {
    const simulator = await simulatorFor(t);
    /** A login at a platform offering storage: the value Instants put there, and the id_token form. */
    const storedLogin = async () => {
      const initiation = simulator.core.loginInitiation({ role: 'participant', storageTarget: 'post_message_forwarding' });
      const login = await fetch(`${t.url}/lti/login`, { method: 'POST', body: new URLSearchParams(initiation.fields), redirect: 'manual' });
      const page = await login.text();
      expect([login.status, page.includes('data-mode="put"')]).to.deep.equal([200, true]);
      const next = /data-next="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
      return { value: /data-value="([^"]+)"/.exec(page)![1]!, form: formFrom(await (await fetch(next, { redirect: 'manual' })).text()) };
    };
    const post = (fields: Record<string, string>, origin: string) => fetch(`${t.url}/lti`, { method: 'POST', headers: { accept: 'text/html', origin }, body: new URLSearchParams(fields), redirect: 'manual' });
    const ours = new URL(t.url).origin;
    const before = await launchCount(t);
    const a = await storedLogin();
    const first = await post(a.form.fields, new URL(simulator.url).origin);
    expect([first.status, (await first.text()).includes('data-mode="get"')], 'asks the browser first').to.deep.equal([200, true]);
    expect((await post({ ...a.form.fields, lti_storage_value: a.value }, 'https://evil.example')).status, 'posted by another site').to.equal(401);
    const b = await storedLogin();
    expect((await post({ ...b.form.fields, lti_storage_value: 'not-the-value' }, ours)).status, 'a value the storage did not hold').to.equal(401);
    expect(await launchCount(t)).to.equal(before);
    const c = await storedLogin();
    const ok = await post({ ...c.form.fields, lti_storage_value: c.value }, ours);
    expect(ok.status).to.equal(303);
    expect(await launchCount(t)).to.equal(before + 1);
  });
});
