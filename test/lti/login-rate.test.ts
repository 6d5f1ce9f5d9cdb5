import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { clientKey } from '../../src/lti/login-rate';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { simulatorFor } from '../support/lti';
import { SIMULATOR_CLIENT_ID, SIMULATOR_ISSUER } from '../support/lti-simulator';

const LIMIT = 20;

async function rows(t: TestApp, table: string): Promise<number> {
  const result = await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  return (result as unknown as { rows: { n: number }[] }).rows[0]!.n;
}

describe('lti: login initiations rate-limited per client address, and purged', () => {
  let t: TestApp;
  const clock = new TestClock(new Date('2026-03-02T11:00:10Z'));
  before(async () => {
    t = await createTestApp({ clock, env: { LTI_LOGIN_LIMIT_PER_MINUTE: String(LIMIT) } });
    await simulatorFor(t);
  });
  after(async () => t.close());

  const login = () =>
    fetch(`${t.url}/lti/login?${new URLSearchParams({ iss: SIMULATOR_ISSUER, client_id: SIMULATOR_CLIENT_ID, login_hint: '2', target_link_uri: `${t.url}/lti` })}`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });

  it(`writes at most ${LIMIT} login requests for 300 parallel anonymous GET /lti/login from one address, the rest 429 in French`, async () => {
    const before = await rows(t, 'lti_login_requests');
    const answers = await Promise.all(Array.from({ length: 300 }, () => login()));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 302)).to.have.length(LIMIT);
    expect(statuses.filter((s) => s === 429)).to.have.length(300 - LIMIT);
    const refused = answers.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 60);
    expect(await refused.text()).to.contain('Trop de connexions depuis votre adresse');
    expect(await rows(t, 'lti_login_requests')).to.equal(before + LIMIT);
  });

  it('accepts the same address again in the next minute, and the purge job removes past windows and expired logins', async () => {
    expect((await login()).status).to.equal(429);
    clock.advance(60_000);
    expect((await login()).status).to.equal(302);
    expect(await rows(t, 'lti_login_rate')).to.equal(2);
    clock.advance(11 * 60_000);
    await t.instants.jobs.runOnce('lti-purge');
    expect(await rows(t, 'lti_login_rate')).to.equal(0);
    expect(await rows(t, 'lti_login_requests')).to.equal(0);
  });

  it('counts refused initiations (an unknown platform) against the same limit, and stores no login request for them', async () => {
    clock.advance(60_000);
    const before = await rows(t, 'lti_login_requests');
    const unknown = () =>
      fetch(`${t.url}/lti/login?${new URLSearchParams({ iss: 'https://unknown.example', client_id: 'x', login_hint: '2', target_link_uri: `${t.url}/lti` })}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    const statuses = (await Promise.all(Array.from({ length: LIMIT + 5 }, () => unknown()))).map((r) => r.status);
    expect(statuses.filter((s) => s === 429)).to.have.length(5);
    expect(statuses.filter((s) => s !== 429).every((s) => s >= 400 && s < 500)).to.equal(true);
    expect((await login()).status, 'a valid login in the same minute').to.equal(429);
    expect(await rows(t, 'lti_login_requests')).to.equal(before);
  });

  it('keys IPv4 addresses as they are and IPv6 ones by their /64 network', () => {
    expect(clientKey('203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).to.equal('203.0.113.7');
    expect(clientKey('2001:db8:85a3:0042:1000:8a2e:0370:7334')).to.equal('2001:db8:85a3:42::/64');
    expect(clientKey('2001:db8::1')).to.equal('2001:db8:0:0::/64');
    expect(clientKey(undefined)).to.equal('unknown');
  });
});
