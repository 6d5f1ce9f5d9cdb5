import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/http';
import { buildAccessFixture, type AccessFixture } from '../access/fixture';

/** The main menu and the session tabs of a page, as links (the header's and the tabs' `href`s, in order). */
function menuOf(html: string): string[] {
  const header = /<header class="instants-header">([\s\S]*?)<\/header>/.exec(html)?.[1] ?? '';
  return [...header.matchAll(/class="(?:nav-link|dropdown-item)[^"]*" href="([^"]+)"/g)].map((m) => m[1]!);
}
function tabsOf(html: string): string[] {
  const tabs = /<nav class="instants-subnav[^"]*" aria-label="Pages de la session">([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
  return [...tabs.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
}
const unique = (list: string[]) => [...new Set(list)];

/** Issue #17: one navigation built from the access policy, the same on every page; a session's tabs by how the organiser stands towards it. */
describe('home: the navigation each person gets', function () {
  this.timeout(120_000);
  let t: TestApp;
  let f: AccessFixture;
  before(async () => {
    t = await createTestApp();
    f = await buildAccessFixture(t);
  });
  after(async () => t?.close());

  /** Opens every link of the menu and returns those that do not answer 200. */
  async function refused(browser: Browser, links: string[]): Promise<string[]> {
    const out: string[] = [];
    for (const href of unique(links)) {
      const res = await browser.get(href);
      if (res.status !== 200) out.push(`${href}: ${res.status}`);
    }
    return out;
  }

  it('gives a participant their pages only (home, catalogue, badges, offers, la Fabrique, profile, their data), each answering 200', async () => {
    const html = await (await f.as.learnerA.get('/home')).text();
    const links = menuOf(html);
    expect(links).to.deep.equal(['/home', '/catalogue', '/badges/mine', '/me/offers', '/fabrique', '/me/profile', '/me/data']);
    expect(await refused(f.as.learnerA, links)).to.deep.equal([]);
  });

  it('gives an organiser every organiser page but no administration, each answering 200', async () => {
    const links = menuOf(await (await f.as.organiserA.get('/home')).text());
    expect(links).to.deep.equal([
      '/home',
      '/organiser',
      '/organiser',
      '/organiser/series',
      '/catalogue',
      '/organiser/frameworks',
      '/organiser/dashboard',
      '/organiser/wishes',
      '/organiser/wishes',
      '/organiser/offers',
      '/organiser/badges',
      '/fabrique',
      '/me/profile',
      '/me/profile',
      '/badges/mine',
      '/me/offers',
      '/me/data',
    ]);
    expect(await refused(f.as.organiserA, links)).to.deep.equal([]);
  });

  it('adds the administration pages (/admin/lti, /admin/lrs, /admin/xapi, /admin/people, /admin/privacy) for an administrator, each answering 200', async () => {
    const links = menuOf(await (await f.as.admin.get('/home')).text());
    expect(links).to.include.members(['/admin/lti', '/admin/lrs', '/admin/xapi', '/admin/people', '/admin/privacy', '/organiser/dashboard', '/organiser/badges']);
    expect(await refused(f.as.admin, links)).to.deep.equal([]);
  });

  it('shows the same menu on another slice’s page (the dashboard, la Fabrique, a grades page) with that page marked current', async () => {
    const home = menuOf(await (await f.as.organiserA.get('/home')).text());
    for (const path of ['/organiser/dashboard', '/fabrique', `/organiser/sessions/${f.published.id}/grades`]) {
      const html = await (await f.as.organiserA.get(path)).text();
      expect(menuOf(html), path).to.deep.equal(home);
    }
    const dashboard = await (await f.as.organiserA.get('/organiser/dashboard')).text();
    expect(dashboard).to.match(/class="nav-link active" href="\/organiser\/dashboard" aria-current="page"/);
  });

  it('gives a session’s organisers every tab of the session, and a course that only links it the pages of its own people', async () => {
    const id = f.published.id;
    const own = tabsOf(await (await f.as.organiserA.get(`/organiser/sessions/${id}`)).text());
    expect(own).to.deep.equal([
      `/organiser/sessions/${id}`,
      `/organiser/sessions/${id}/resources`,
      `/organiser/sessions/${id}/activities`,
      `/organiser/sessions/${id}/checkin`,
      `/organiser/sessions/${id}/participants`,
      `/organiser/sessions/${id}/grades`,
      `/organiser/sessions/${id}/roster`,
      `/organiser/dashboard/sessions/${id}`,
    ]);
    expect(await refused(f.as.organiserA, own)).to.deep.equal([]);
    const linked = tabsOf(await (await f.as.organiserB.get(`/organiser/sessions/${id}/participants`)).text());
    expect(linked).to.deep.equal([`/organiser/sessions/${id}`, `/organiser/sessions/${id}/participants`, `/organiser/sessions/${id}/grades`, `/organiser/sessions/${id}/roster`]);
    expect(await refused(f.as.organiserB, linked)).to.deep.equal([]);
  });

  it('draws no menu and links the brand to the public page without a launch; a launched person’s brand and error pages lead to /home', async () => {
    const anonymous = await (await new Browser(t.url).get('/')).text();
    expect(menuOf(anonymous)).to.deep.equal([]);
    expect(anonymous).to.contain('<a class="navbar-brand instants-brand" href="/">');
    const missing = await f.as.learnerA.get('/organiser/sessions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).to.equal(403);
    const page = await missing.text();
    expect(page).to.contain('<a class="navbar-brand instants-brand" href="/home">');
    expect(page).to.contain('<a href="/home">Retour à l&#x27;accueil</a>');
    const unknown = await (await f.as.organiserA.get('/no-such-page')).text();
    expect(unknown).to.contain('<a href="/home">Retour à l&#x27;accueil</a>');
    expect(menuOf(unknown)).to.include('/organiser/dashboard');
  });
});
