import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createEmptyPostgresDatabase, engine } from '../support/db';
import { freePort, startInstants, waitForOk, type RunningProcess } from '../support/process';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw HTTP request (fetch cannot send every method, or a body without a content type). */
function send(port: number, method: string, urlPath: string, options: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe(`platform: the real process survives every request on /lti (${engine})`, function () {
  this.timeout(120_000);
  let dataDir: string;
  let port: number;
  let proc: RunningProcess;
  let pg: { url: string; drop: () => Promise<void> } | undefined;
  let exitCode: number | null | undefined;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-lti-proc-'));
    port = await freePort();
    pg = engine === 'postgres' ? await createEmptyPostgresDatabase() : undefined;
    proc = startInstants({ PORT: String(port), DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) });
    void proc.exited.then((code) => (exitCode = code));
    await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, 100_000);
  });
  after(async () => {
    proc.child.kill('SIGKILL');
    await proc.exited;
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The same process still answers /healthz afterwards. */
  async function expectStillUp(): Promise<void> {
    const health = await send(port, 'GET', '/healthz');
    expect(health.status, proc.output()).to.equal(200);
    expect(exitCode, proc.output()).to.equal(undefined);
  }

  it("answers Moodle's cookie-less GET of the tool URL (its cartridge probe) with a small page and stays up", async () => {
    const res = await send(port, 'GET', '/lti');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(res.body).to.contain('Instants');
    await expectStillUp();
  });

  it('answers GET /lti/ (trailing slash) like GET /lti and stays up', async () => {
    const res = await send(port, 'GET', '/lti/');
    expect(res.status).to.equal(200);
    await expectStillUp();
  });

  it('answers HEAD /lti with 200 and no body, and stays up', async () => {
    const res = await send(port, 'HEAD', '/lti');
    expect(res.status).to.equal(200);
    expect(res.body).to.equal('');
    await expectStillUp();
  });

  for (const method of ['DELETE', 'PUT', 'PATCH', 'OPTIONS']) {
    it(`answers ${method} /lti with 405 and an Allow header, and stays up`, async () => {
      const res = await send(port, method, '/lti');
      expect(res.status).to.equal(405);
      expect(res.headers.allow).to.equal('GET, HEAD, POST');
      await expectStillUp();
    });
  }

  it('answers GET /lti/?x (a query on the launch URL) with 400 and stays up', async () => {
    const res = await send(port, 'GET', '/lti/?x');
    expect(res.status).to.equal(400);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    await expectStillUp();
  });

  it('answers POST /lti with no body (chunked or of length 0) with a French 400 page and stays up', async () => {
    for (const headers of [{}, { 'content-length': '0' }] as Record<string, string>[]) {
      const res = await send(port, 'POST', '/lti', { headers });
      expect(res.status).to.equal(400);
      expect(res.body).to.contain('lang="fr"').and.to.contain('informations obligatoires manquent');
    }
    await expectStillUp();
  });

  it('answers POST /lti with a text/plain body with 415 and stays up', async () => {
    const res = await send(port, 'POST', '/lti', { headers: { 'content-type': 'text/plain' }, body: 'id_token=x&state=y' });
    expect(res.status).to.equal(415);
    await expectStillUp();
  });

  it('answers POST /lti with a JSON body with 415 and stays up', async () => {
    const res = await send(port, 'POST', '/lti', { headers: { 'content-type': 'application/json' }, body: '{"id_token":"x","state":"y"}' });
    expect(res.status).to.equal(415);
    await expectStillUp();
  });

  it('answers a form POST /lti with a state but no id_token with 400 and stays up', async () => {
    const res = await send(port, 'POST', '/lti', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'state=abc' });
    expect(res.status).to.equal(400);
    await expectStillUp();
  });

  it('answers a form POST /lti with a garbage id_token with 401 and stays up', async () => {
    const res = await send(port, 'POST', '/lti', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'id_token=not.a.jwt&state=abc' });
    expect(res.status).to.equal(401);
    await expectStillUp();
  });

  it('answers GET /lti/login and /lti/keys with no parameters without dying', async () => {
    expect((await send(port, 'GET', '/lti/login')).status).to.equal(400);
    expect((await send(port, 'POST', '/lti/login')).status).to.equal(400);
    expect((await send(port, 'POST', '/lti/login', { headers: { 'content-type': 'text/plain' }, body: 'iss=x' })).status).to.equal(400);
    expect((await send(port, 'GET', '/lti/keys')).status).to.equal(200);
    await expectStillUp();
  });

  it('answers hostile requests carrying an e-mail, a name and a token, none of which reaches the process output', async () => {
    const leak = { email: 'proc.fuite@example.org', name: 'Gaëlle Témoin-Process', token: 'tok_5a4b3c2d1e0f99887766' };
    const q = encodeURIComponent;
    const payload = Buffer.from(JSON.stringify({ iss: 'https://moodle.test.ac-dijon.fr', email: leak.email, name: leak.name, nonce: leak.token })).toString('base64url');
    const forged = `eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.${payload}.c2ln`;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const hostile: Array<[string, string, { headers?: Record<string, string>; body?: string }]> = [
      ['POST', '/lti', { headers: form, body: `id_token=${forged}&state=${leak.token}` }],
      ['GET', `/lti/login?iss=${q('https://moodle.test.ac-dijon.fr')}&login_hint=${q(leak.email)}&target_link_uri=${q('http://evil.example.org/')}&lti_message_hint=${leak.token}`, {}],
      ['GET', `/catalogue?q=${q(leak.name)}&e=${q(leak.email)}`, {}],
      ['GET', `/xapi/statements?agent=${q(JSON.stringify({ mbox: `mailto:${leak.email}` }))}`, { headers: { authorization: `Basic ${Buffer.from(`${leak.email}:${leak.token}`).toString('base64')}`, 'x-experience-api-version': '1.0.3' } }],
      ['GET', '/me/sessions', { headers: { authorization: `Bearer ${leak.token}`, cookie: `instants_session=${leak.token}; x=${q(leak.name)}` } }],
    ];
    for (const [method, urlPath, options] of hostile) {
      const res = await send(port, method, urlPath, options);
      expect(res.status, `${method} ${urlPath}`).to.be.within(200, 499);
    }
    await expectStillUp();
    const out = proc.output();
    for (const [what, value] of Object.entries(leak)) expect(out, `${what} in the output`).not.to.contain(value);
    expect(out).not.to.contain('Témoin');
  });

  it('logs no stack trace on stderr outside the JSON log for any of these requests', () => {
    const lines = proc.output().split('\n').filter((l) => l.trim() !== '');
    const notJson = lines.filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(notJson, proc.output()).to.deep.equal([]);
  });
});
