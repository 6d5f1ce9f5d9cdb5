import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/http';

describe('platform: HTTP application', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('answers /healthz while the process is up', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok' });
  });

  it('answers /readyz with the database engine when the database is reachable', async () => {
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).to.equal(200);
    expect(((await res.json()) as { database: string }).database).to.equal(t.database.kind);
  });

  it('serves the home page in French by default, with a request id and security headers', async () => {
    const res = await fetch(`${t.url}/`, { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain('<html lang="fr">').and.to.contain('Connecter Instants à Moodle');
    expect(res.headers.get('x-request-id')).to.match(/^[\w-]{8,}$/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).to.contain("frame-ancestors 'self'").and.to.contain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).to.equal(null);
    expect(res.headers.get('x-powered-by')).to.equal(null);
  });

  it('serves English when the browser prefers it, and remembers ?lang=', async () => {
    const en = await fetch(`${t.url}/`, { headers: { accept: 'text/html', 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' } });
    expect(await en.text()).to.contain('<html lang="en">');
    const browser = new Browser(t.url);
    await browser.get('/?lang=en');
    const again = await browser.get('/', { headers: { 'accept-language': 'fr' } });
    expect(await again.text()).to.contain('Connect Instants to Moodle');
  });

  it('serves Bootstrap and the stylesheet locally, with no CDN', async () => {
    const css = await fetch(`${t.url}/assets/vendor/bootstrap/css/bootstrap.min.css`);
    expect(css.status).to.equal(200);
    expect(css.headers.get('content-type')).to.contain('text/css');
    const html = await (await fetch(`${t.url}/`)).text();
    expect(html).not.to.match(/https?:\/\/(cdn|fonts|unpkg|jsdelivr)/);
  });

  it('answers an unknown page with a 404 error page in French', async () => {
    const res = await fetch(`${t.url}/no-such-page`, { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(404);
    const html = await res.text();
    expect(html).to.contain('Erreur 404').and.to.contain("Cette page n&#x27;existe pas.");
  });

  it('answers an unknown API route with a JSON 404 and a stable code', async () => {
    const res = await fetch(`${t.url}/api/nothing`, { headers: { accept: 'application/json' } });
    expect(res.status).to.equal(404);
    const body = (await res.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).to.equal('not_found');
    expect(body.error.requestId).to.equal(res.headers.get('x-request-id'));
  });

  it('refuses a form post without a CSRF token with 403 and a French explanation', async () => {
    const res = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'a=1',
    });
    expect(res.status).to.equal(403);
    expect(await res.text()).to.contain('Le formulaire a expiré');
  });

  it('refuses a malformed JSON body with 400 and a JSON error', async () => {
    const res = await fetch(`${t.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': 'x' },
      body: '{"broken":',
    });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('bad_request');
  });
});
