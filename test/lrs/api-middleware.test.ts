import { expect } from 'chai';
import { startLrs, type LrsTestApp } from './support';

/**
 * The LRS API runs none of the pages' middleware (issue 21): no Content-Security-Policy, cookies, browser
 * session or language on /xapi, the other security headers kept; its successful requests are not logged at
 * info, its refusals are.
 */
describe('lrs: the API without the pages’ middleware', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs({ LOG_LEVEL: 'info' });
  });
  after(async () => t.close());

  it('answers /xapi with the security headers but no Content-Security-Policy, and pages still with one', async () => {
    const about = await t.xapi('/about');
    expect(about.status).to.equal(200);
    expect(about.headers.get('content-security-policy')).to.equal(null);
    expect(about.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(about.headers.get('referrer-policy')).to.equal('strict-origin-when-cross-origin');
    expect(about.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
    const page = await fetch(`${t.url}/`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-security-policy')).to.contain("frame-ancestors 'self'");
  });

  it('sets no cookie on /xapi, even for a refused request, and answers its errors in JSON', async () => {
    const refused = await t.xapi('/statements', { headers: { authorization: 'Basic eDp5' } });
    expect(refused.status).to.equal(401);
    expect(refused.headers.getSetCookie()).to.deep.equal([]);
    expect(((await refused.json()) as { error: { code: string } }).error.code).to.be.a('string');
  });

  it('logs a refused API request at info, not a successful one', async () => {
    const from = t.logLines.length;
    expect((await t.xapi('/statements?limit=1')).status).to.equal(200);
    expect((await t.xapi('/statements', { headers: { authorization: 'Basic eDp5' } })).status).to.equal(401);
    const logged = t.logLines.slice(from).map((l) => JSON.parse(l) as { req?: { url?: string }; res?: { statusCode?: number } }).filter((l) => l.req?.url === '/xapi/statements');
    expect(logged.map((l) => l.res?.statusCode)).to.deep.equal([401]);
  });
});
