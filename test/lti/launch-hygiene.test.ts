import { expect } from 'chai';
import type { Tamper } from '../../src/lti';
import { createTestApp, type TestApp } from '../support/app';
import { postLaunch, simulatorFor, type LaunchAsOptions } from '../support/lti';
import { tableCounts } from '../support/table-counts';

const CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const CUSTOM = 'https://purl.imsglobal.org/spec/lti/claim/custom';

/** A tamper hook that changes the claims before the simulator signs them. */
const claims = (change: (p: Record<string, unknown>) => void) => async (t: Tamper) => {
  change(t.payload);
  return t.sign(t.payload);
};

describe('lti: input hygiene of login and launch (U+0000, lone surrogates, deep nesting, __proto__)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    await simulatorFor(t);
  });
  after(async () => t?.close());

  /** The login writes its request row and its count; nothing else may change when the launch is refused. */
  const counts = () => tableCounts(t.database.db, { ignore: ['lti_login_requests', 'lti_login_rate'] });

  /** `claimPath` is the start of the refused field's path, as the page names it. */
  async function expectRefusedClaim(opts: LaunchAsOptions, claimPath: string) {
    const before = await counts();
    const { response } = await postLaunch(t, opts);
    const html = await response.text();
    expect(response.status, html.slice(0, 300)).to.equal(400);
    expect(html).to.contain('<html lang="fr">').and.to.contain('contient des caractères');
    expect(html).to.contain(`<code>${claimPath}`);
    expect(t.logLines.some((l) => l.includes('"reason":"invalid_claims"'))).to.equal(true);
    expect(await counts()).to.deep.equal(before);
  }

  it('refuses a signed id_token whose name holds U+0000 with 400 naming the claim, and writes nothing', () =>
    expectRefusedClaim({ tamper: claims((p) => (p.name = 'Camille\u0000Martin')) }, 'payload.name'));

  it('refuses a lone surrogate in the course title', () =>
    expectRefusedClaim({ tamper: claims((p) => ((p[CONTEXT] as Record<string, unknown>).title = 'Cours \ud800')) }, `payload.${CONTEXT}.title`));

  it('refuses __proto__ among the custom parameters', () =>
    expectRefusedClaim({ tamper: claims((p) => (p[CUSTOM] = JSON.parse('{"__proto__":{"x":1}}') as unknown)) }, `payload.${CUSTOM}.__proto__`));

  it('refuses an extra claim nested 1 000 deep before recursing into it', () =>
    expectRefusedClaim({ tamper: claims((p) => (p['https://example.org/deep'] = JSON.parse('['.repeat(1000) + ']'.repeat(1000)) as unknown)) }, 'payload.https://example.org/deep.0.0.0'));

  it('refuses U+0000 in the unsigned aud, which is looked up before the signature is checked', async () => {
    const before = await counts();
    const { response } = await postLaunch(t, { tamper: (x) => x.sign({ ...x.payload, aud: 'tool\u0000' }) });
    expect(response.status).to.equal(400);
    expect(await counts()).to.deep.equal(before);
  });

  it('refuses a login initiation with an empty iss with 400 (ltijs would throw on it), writing nothing', async () => {
    const before = await tableCounts(t.database.db, { ignore: ['lti_login_rate'] });
    const res = await fetch(`${t.url}/lti/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ iss: '', client_id: '', login_hint: '2', target_link_uri: `${t.url}/lti` }),
    });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain('incomplète');
    expect(await tableCounts(t.database.db, { ignore: ['lti_login_rate'] })).to.deep.equal(before);
  });

  it('refuses a login initiation with U+0000 in a form field or the query, writing no login request', async () => {
    const before = await tableCounts(t.database.db, { ignore: ['lti_login_rate'] });
    const posted = await fetch(`${t.url}/lti/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ iss: 'https://moodle\u0000', login_hint: '2', target_link_uri: `${t.url}/lti` }),
    });
    expect(posted.status).to.equal(400);
    expect(await posted.text()).to.contain('<code>iss</code>');
    const query = await fetch(`${t.url}/lti/login?iss=x&login_hint=%00&target_link_uri=${encodeURIComponent(`${t.url}/lti`)}`, { headers: { accept: 'text/html' } });
    expect(query.status).to.equal(400);
    expect(await tableCounts(t.database.db, { ignore: ['lti_login_rate'] })).to.deep.equal(before);
  });
});
