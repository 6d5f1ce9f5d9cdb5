import { expect } from 'chai';
import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import { webSessions } from '../../src/platform/db/platform.tables';
import { memoryLogger } from '../support/app';
import { engine } from '../support/db';
import { startLrs, type LrsTestApp } from '../lrs/support';

/** Personal data and secrets the hostile requests carry; none may reach a log line. */
const LEAK = { email: 'alice.fuite@example.org', name: 'Alice Témoin-Secret', token: 'tok_9f8e7d6c5b4a39281706' };
const expectNoLeak = (lines: string[]) => {
  const all = lines.join('\n');
  for (const [what, value] of Object.entries(LEAK)) expect(all, `${what} in the logs`).not.to.contain(value);
  expect(all).not.to.contain('Témoin');
};

describe(`platform: no personal data, token or query parameter in the logs (${engine})`, () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t?.close());

  it("logs a failed query's code and constraint but neither its parameters nor PostgreSQL's detail", async () => {
    const { log, lines } = memoryLogger();
    const row = { id: LEAK.email, data: { name: LEAK.name }, expiresAt: new Date(Date.now() + 60_000) };
    await t.database.db.insert(webSessions).values(row);
    const err = await t.database.db
      .insert(webSessions)
      .values(row)
      .then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    log.error({ err }, 'query failed');
    const line = JSON.parse(lines[0]!) as { err: { message: string; cause: { code: string; constraint?: string } } };
    expect(line.err.message).to.match(/^Failed query/);
    expect(line.err.cause.code).to.equal('23505');
    expectNoLeak(lines);
  });

  it('answers hostile requests carrying an e-mail, a name and a token without logging any of them', async () => {
    const q = encodeURIComponent;
    const forged = await new SignJWT({ email: LEAK.email, name: LEAK.name, given_name: LEAK.name, nonce: LEAK.token })
      .setProtectedHeader({ alg: 'HS256', kid: 'x' })
      .setIssuer('https://moodle.test.ac-dijon.fr')
      .setAudience('instants-test-client')
      .sign(crypto.randomBytes(32));
    const requests: Array<[string, RequestInit]> = [
      [`/catalogue?q=${q(LEAK.name)}&mail=${q(LEAK.email)}`, {}],
      [`/lti/login?iss=${q('https://unknown.example.org')}&login_hint=${q(LEAK.email)}&target_link_uri=${q(`${t.url}/lti`)}&lti_message_hint=${LEAK.token}`, {}],
      ['/lti', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `id_token=${forged}&state=${LEAK.token}` }],
      [`/xapi/statements?agent=${q(JSON.stringify({ mbox: `mailto:${LEAK.email}` }))}`, { headers: { authorization: `Basic ${Buffer.from(`${LEAK.email}:${LEAK.token}`).toString('base64')}`, 'x-experience-api-version': '1.0.3' } }],
      ['/me/sessions', { headers: { authorization: `Bearer ${LEAK.token}`, cookie: `instants_session=${LEAK.token}; other=${q(LEAK.email)}` } }],
    ];
    for (const [path, init] of requests) {
      const res = await fetch(`${t.url}${path}`, { redirect: 'manual', ...init });
      expect(res.status, path).to.be.within(200, 499);
    }
    expect(t.logLines.length).to.be.greaterThan(0);
    expectNoLeak(t.logLines);
  });

  it('logs a statement write that fails in the database without the statement or its parameters', async () => {
    await t.database.execInTransaction(async (run) => void (await run('drop table lrs_statement_agents cascade')));
    const before = t.logLines.length;
    const res = await t.xapi('/statements', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        actor: { objectType: 'Agent', mbox: `mailto:${LEAK.email}`, name: LEAK.name },
        verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
        object: { id: 'https://instants.example.org/activities/logs', definition: { name: { fr: LEAK.name } } },
        result: { response: LEAK.token },
      }),
    });
    expect(res.status).to.equal(500);
    const written = t.logLines.slice(before);
    expect(written.some((l) => l.includes('"msg":"request failed"') && l.includes('42P01')), written.join('\n')).to.equal(true);
    expectNoLeak(written);
  });
});
