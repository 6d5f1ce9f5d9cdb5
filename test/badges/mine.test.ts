import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { earnedBadge } from './helpers';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');

describe('badges: Mes badges, consent and visibility', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('asks once whether badges may be public, and keeps every badge private until the earner agrees and chooses', async () => {
    const e = await earnedBadge(t);
    const anonymous = new Browser(t.url);
    const first = await (await e.earner.browser.get('/badges/mine')).text();
    expect(text(first)).to.contain('Vos badges peuvent-ils être publics ?');
    expect(text(first)).to.contain('Ce badge est privé.');
    const csrf = csrfTokenFrom(first);
    // Public before consent is refused, and nothing becomes visible.
    expect((await e.earner.browser.postForm(`/badges/mine/${e.awardId}/visibility`, { _csrf: csrf, public: 'yes' })).status).to.equal(409);
    expect((await anonymous.get(`/badges/assertions/${e.awardId}`)).status).to.equal(404);
    expect((await anonymous.get(`/badges/assertions/${e.awardId}/badge.png`)).status).to.equal(404);
    // Consent alone publishes nothing; choosing the badge does.
    expect((await e.earner.browser.postForm('/badges/mine/consent', { _csrf: csrf, public_allowed: 'yes' })).status).to.equal(303);
    const asked = await (await e.earner.browser.get('/badges/mine')).text();
    expect(text(asked)).not.to.contain('Vos badges peuvent-ils être publics ? Un badge public');
    expect((await anonymous.get(`/badges/assertions/${e.awardId}`)).status).to.equal(404);
    expect((await e.earner.browser.postForm(`/badges/mine/${e.awardId}/visibility`, { _csrf: csrf, public: 'yes' })).status).to.equal(303);
    expect((await anonymous.get(`/badges/assertions/${e.awardId}`)).status).to.equal(200);
    // Withdrawing consent hides it again at once.
    expect((await e.earner.browser.postForm('/badges/mine/consent', { _csrf: csrf, public_allowed: 'no' })).status).to.equal(303);
    expect((await anonymous.get(`/badges/assertions/${e.awardId}`)).status).to.equal(404);
  });

  it('lets nobody else download, publish or hide someone’s badge', async () => {
    const e = await earnedBadge(t);
    const other = await signIn(t, { role: 'participant', contextId: e.contextId });
    for (const suffix of ['badge.png', 'badge.svg', 'credential.json', 'credential.jwt', 'credential.png']) {
      expect((await other.browser.get(`/badges/assertions/${e.awardId}/${suffix}`)).status, suffix).to.equal(404);
      expect((await e.earner.browser.get(`/badges/assertions/${e.awardId}/${suffix}`)).status, suffix).to.equal(200);
    }
    const csrf = csrfTokenFrom(await (await other.browser.get('/badges/verify')).text());
    await other.browser.postForm('/badges/mine/consent', { _csrf: csrf, public_allowed: 'yes' });
    expect((await other.browser.postForm(`/badges/mine/${e.awardId}/visibility`, { _csrf: csrf, public: 'yes' })).status).to.equal(404);
    expect((await other.browser.get(`/badges/mine/${e.awardId}/add`)).status).to.equal(404);
    expect((await new Browser(t.url).get('/badges/mine')).status).to.equal(401);
  });

  it('shows the earner their downloads in both forms and the page to add the badge to Moodle or a backpack', async () => {
    const e = await earnedBadge(t);
    const page = text(await (await e.earner.browser.get('/badges/mine')).text());
    for (const label of ['image PNG (Open Badges 2.0)', 'image SVG (Open Badges 2.0)', 'attestation vérifiable (Open Badges 3.0, JSON)', 'attestation vérifiable (Open Badges 3.0, JWT)']) expect(page).to.contain(label);
    expect(page).to.match(/Obtenu le \d{1,2}(er)? \p{L}+ \d{4}/u);
    const add = text(await (await e.earner.browser.get(`/badges/mine/${e.awardId}/add`)).text());
    expect(add).to.contain('Paramètres du sac à badges');
    expect(add).to.contain('Ce badge est privé');
    expect((await e.earner.browser.get('/badges/mine?lang=en')).status).to.equal(200);
    expect(text(await (await e.earner.browser.get('/badges/mine')).text())).to.contain('My badges');
  });

  it('refuses a malformed answer with a 400 and changes nothing', async () => {
    const e = await earnedBadge(t);
    const csrf = csrfTokenFrom(await (await e.earner.browser.get('/badges/mine')).text());
    expect((await e.earner.browser.postForm('/badges/mine/consent', { _csrf: csrf, public_allowed: 'peut-être' })).status).to.equal(400);
    expect((await e.earner.browser.postForm(`/badges/mine/${e.awardId}/visibility`, { _csrf: csrf, public: 'oui' })).status).to.equal(400);
    expect((await e.earner.browser.postForm('/badges/mine/not-a-uuid/visibility', { _csrf: csrf, public: 'no' })).status).to.equal(404);
    expect((await e.earner.browser.postForm('/badges/mine/consent', { public_allowed: 'yes' })).status).to.equal(403);
    expect(text(await (await e.earner.browser.get('/badges/mine')).text())).to.contain('Vos badges peuvent-ils être publics ?');
  });
});
