import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { isPlatformReturnUrl } from '../../src/lti';
import { CLAIM } from '../../src/lti/launch.schema';
import { ltiResourceLinks } from '../../src/lti/lti.tables';
import { buildSession } from '../activities/helpers';
import { buildAccessFixture, A_DRAFT_TITLE, type AccessFixture } from '../access/fixture';
import { createTestApp, type TestApp } from '../support/app';
import { csrfTokenFrom } from '../support/http';
import { launchAs } from '../support/lti';

/** Binding and deep-linking pickers: what a course may link, how another course's session is marked, where the answer may go. */
describe('placement: binding and deep linking offer only what a course may link', () => {
  let t: TestApp;
  let f: AccessFixture;
  before(async () => {
    t = await createTestApp();
    f = await buildAccessFixture(t);
  });
  after(async () => t?.close());

  const courseB = { role: 'organiser' as const, contextId: 'course-B', contextTitle: 'Cours B' };

  it('lists B’s own draft (marked as a draft) and A’s published session (marked as course A’s), not A’s draft', async () => {
    const { session: ownDraft } = await buildSession(t.database.db, { title: 'Brouillon du cours B', ownerContextRef: f.contexts.B, status: 'draft' });
    const { response } = await launchAs(t, { ...courseB, resourceLinkId: 'pick-1' });
    const html = await response.text();
    expect(html).to.contain('Brouillon du cours B').and.contain(f.published.title).and.not.contain(A_DRAFT_TITLE);
    const own = html.slice(html.indexOf(`id="s-${ownDraft.id}"`), html.indexOf('</div>', html.indexOf(`id="s-${ownDraft.id}"`)));
    expect(own).to.contain('Brouillon').and.not.contain('Session du cours');
    const other = html.slice(html.indexOf(`id="s-${f.published.id}"`), html.indexOf('</div>', html.indexOf(`id="s-${f.published.id}"`)));
    expect(other).to.contain('Session du cours « Cours A »');
  });

  it('binds B’s activity to A’s published session and lands on the page of what B may do there', async () => {
    const { response, browser } = await launchAs(t, { ...courseB, resourceLinkId: 'pick-2' });
    const res = await browser.postForm('/lti/bind', { _csrf: csrfTokenFrom(await response.text()), sessionId: f.published.id });
    expect(res.status).to.equal(303);
    const landing = await browser.get(res.headers.get('location')!);
    expect(landing.status).to.equal(200);
    expect(await landing.text()).to.contain('Cette session appartient au cours « Cours A »');
  });

  it('answers 400 to a malformed session id, 404 to an unknown one and 403 to a forged form token when binding, and binds nothing', async () => {
    const { response, browser } = await launchAs(t, { ...courseB, resourceLinkId: 'pick-bad' });
    const csrf = csrfTokenFrom(await response.text());
    const bad = await browser.postForm('/lti/bind', { _csrf: csrf, sessionId: "1' or '1'='1" });
    expect(bad.status).to.equal(400);
    const unknown = await browser.postForm('/lti/bind', { _csrf: csrf, sessionId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).to.equal(404);
    const forged = await browser.postForm('/lti/bind', { _csrf: 'forged', sessionId: f.published.id });
    expect(forged.status).to.equal(403);
    const [link] = await t.database.db.select({ s: ltiResourceLinks.sessionId }).from(ltiResourceLinks).where(eq(ltiResourceLinks.resourceLinkId, 'pick-bad'));
    expect(link!.s).to.equal(null);
  });

  it('binds on launch a published session of another course named by the custom parameter', async () => {
    const { location } = await launchAs(t, { ...courseB, resourceLinkId: 'pick-3', custom: { instants_session: f.published.id } });
    expect(location).to.equal(`/organiser/sessions/${f.published.id}`);
  });

  it('offers "Créer une session" on the deep-linking page when no session can be added', async () => {
    // A's published session is linkable from any course: a search that matches nothing leaves the picker empty.
    const { browser } = await launchAs(t, { role: 'organiser', contextId: 'course-empty', messageType: 'LtiDeepLinkingRequest' });
    const empty = await (await browser.get('/lti/deep-linking?q=zzzz-aucune-session')).text();
    expect(empty).to.contain('Aucune session à venir ne peut être ajoutée à ce cours').and.contain('href="/organiser/sessions/new"').and.contain('Créer une session');
  });

  it('refuses to send the deep-linking answer to a return address outside the platform (400), and shows no signed answer', async () => {
    for (const evil of ['https://evil.example/steal', 'javascript:alert(document.cookie)']) {
      const { response, browser } = await launchAs(t, {
        role: 'organiser',
        contextId: 'course-B',
        messageType: 'LtiDeepLinkingRequest',
        tamper: (x) => {
          (x.payload[CLAIM.deepLinkingSettings] as Record<string, unknown>).deep_link_return_url = evil;
          return x.sign();
        },
      });
      const res = await browser.postForm('/lti/deep-linking', { _csrf: csrfTokenFrom(await response.text()), sessions: f.published.id });
      expect(res.status, evil).to.equal(400);
      const html = await res.text();
      expect(html).to.contain('rien n&#x27;a été envoyé').and.not.contain('name="JWT"').and.not.contain(evil);
    }
  });

  it('accepts as return address only https, or http outside production, on the platform’s own origin', () => {
    const moodle = { issuer: 'https://moodle.ac-dijon.fr', authEndpoint: 'https://moodle.ac-dijon.fr/mod/lti/auth.php' };
    expect(isPlatformReturnUrl('https://moodle.ac-dijon.fr/mod/lti/contentitem_return.php?course=2', moodle, true)).to.equal(true);
    expect(isPlatformReturnUrl('http://moodle.ac-dijon.fr/mod/lti/contentitem_return.php', moodle, true)).to.equal(false);
    expect(isPlatformReturnUrl('https://moodle.ac-dijon.fr.evil.example/x', moodle, true)).to.equal(false);
    expect(isPlatformReturnUrl('javascript:alert(1)', moodle, false)).to.equal(false);
    expect(isPlatformReturnUrl('not a url', moodle, false)).to.equal(false);
    const local = { issuer: 'https://moodle.test', authEndpoint: 'http://127.0.0.1:8123/auth' };
    expect(isPlatformReturnUrl('http://127.0.0.1:8123/deep-linking/return', local, false)).to.equal(true);
    expect(isPlatformReturnUrl('http://127.0.0.1:8123/deep-linking/return', local, true)).to.equal(false);
  });
});
