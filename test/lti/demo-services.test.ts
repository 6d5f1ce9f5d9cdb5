import http from 'node:http';
import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { addPlatform, listPlatformRecords, ltiOf } from '../../src/lti';
import { DEMO_CLIENT_ID, DEMO_ISSUER } from '../../src/lti/demo/demo-platform';
import { ltiContexts } from '../../src/lti/lti.tables';
import { activityCheckinCodes, catalogSessions } from '../../src/platform/db/schema';
import { createTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { Browser, csrfTokenFrom } from '../support/http';
import { formFrom } from '../support/lti-simulator';

/** Walks a demo launch like a browser (login initiation, authorisation, id_token post, redirects); `display: 'frame'` goes through the course page's frame. */
async function demoLaunch(t: TestApp, fields: Record<string, string>, browser = new Browser(t.url)) {
  const page = await (await browser.get('/demo')).text();
  const start = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), ...fields });
  expect(start.status).to.equal(200);
  let initiationPage = await start.text();
  if (fields.display !== 'window') {
    const src = /<iframe id="demo-tool"[^>]*src="([^"]+)"/.exec(initiationPage)?.[1];
    expect(src, 'the course page frames the launch').to.match(/^\/demo\/frame\//);
    initiationPage = await (await browser.get(src!)).text();
  }
  const initiation = formFrom(initiationPage);
  const login = await browser.postForm(new URL(initiation.action).pathname, initiation.fields);
  const auth = new URL(login.headers.get('location')!);
  const idForm = formFrom(await (await browser.get(auth.pathname + auth.search)).text());
  let res = await browser.postForm(new URL(idForm.action).pathname, idForm.fields);
  let location = '';
  while (res.status === 303 || res.status === 302) {
    location = res.headers.get('location')!;
    res = await browser.get(location);
  }
  return { browser, res, location: location.split('?')[0] };
}

describe('lti: the demo Moodle answers grades (AGS) and roster (NRPS) and has personas', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { DEMO: 'true' } });
  });
  after(async () => t?.close());

  it("puts two participants' completions in the demo gradebook, shows them received on the grades page, and lists the course's personas on the roster", async () => {
    const organiser = await demoLaunch(t, { persona: 'dominique', display: 'frame' });
    const [context] = await t.database.db.select().from(ltiContexts).where(and(eq(ltiContexts.issuer, DEMO_ISSUER), eq(ltiContexts.contextId, 'demo-course')));
    const now = Date.now();
    const [session] = await t.database.db
      .insert(catalogSessions)
      .values({ title: 'Instant Tchap', startsAt: new Date(now - 5 * 60_000), endsAt: new Date(now + 40 * 60_000), place: 'Hall du rectorat', status: 'published', ownerContextRef: context!.id })
      .returning();
    await t.database.db.insert(activityCheckinCodes).values({ sessionId: session!.id, code: '4321' });
    for (const persona of ['camille', 'alex']) {
      const { browser } = await demoLaunch(t, { persona, sessionId: session!.id, display: persona === 'camille' ? 'frame' : 'window' });
      const checkin = await browser.get(`/sessions/${session!.id}/checkin`);
      const done = await browser.postForm(`/sessions/${session!.id}/checkin`, { _csrf: csrfTokenFrom(await checkin.text()), code: '4321' });
      expect(done.status).to.equal(303);
    }
    await t.instants.jobs.runOnce('outbox');

    const grades = await (await organiser.browser.get(`/organiser/sessions/${session!.id}/grades`)).text();
    expect(grades).to.match(/data-count="delivered">2</).and.match(/data-count="refused">0</);
    const demoPage = await (await fetch(`${t.url}/demo`)).text();
    const gradebook = /<table class="table table-sm" id="demo-gradebook">([\s\S]*?)<\/table>/.exec(demoPage)?.[1] ?? '';
    expect(gradebook).to.contain('Camille Martin').and.contain('Alex Bernard').and.contain('100 / 100').and.contain('Instant Tchap');

    const roster = await organiser.browser.get(`/organiser/sessions/${session!.id}/roster`);
    expect(roster.status).to.equal(200);
    const html = await roster.text();
    for (const name of ['Camille Martin', 'Alex Bernard', 'Sacha Petit', 'Charlie Durand', 'Maxime Leroy', 'Noa Moreau', 'Dominique Garnier', 'Claude Fontaine']) expect(html).to.contain(`<th scope="row">${name}</th>`);
    expect(/<th scope="row">Camille Martin<\/th>([\s\S]*?)<\/tr>/.exec(html)![1]).to.match(/Oui[\s\S]*Oui[\s\S]*Oui/);
    expect(/<th scope="row">Sacha Petit<\/th>([\s\S]*?)<\/tr>/.exec(html)![1]).to.not.contain('Oui');
    expect(html).to.not.contain('Morgan Lefebvre');
  });

  it('launches the administrator persona with the administrator roles, and refuses deep linking to a participant with 400', async () => {
    const admin = await demoLaunch(t, { persona: 'morgan', display: 'window' });
    expect((await admin.browser.get('/admin/lti')).status).to.equal(200);
    const browser = new Browser(t.url);
    const page = await (await browser.get('/demo')).text();
    const refused = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), persona: 'camille', as: 'deep-linking' });
    expect(refused.status).to.equal(400);
    expect(await refused.text()).to.contain('peuvent ajouter une activité au cours.');
  });

  it('refuses an unknown persona with 400, and a course-page frame used twice or unknown with 404', async () => {
    const browser = new Browser(t.url);
    const page = await (await browser.get('/demo')).text();
    const unknown = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), persona: 'superuser' });
    expect(unknown.status).to.equal(400);
    expect(await unknown.text()).to.contain('Choisissez une personne de la liste');
    const start = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), persona: 'sacha' });
    const src = /src="(\/demo\/frame\/[^"]+)"/.exec(await start.text())![1]!;
    expect((await browser.get(src)).status).to.equal(200);
    const again = await browser.get(src);
    expect(again.status).to.equal(404);
    expect(await again.text()).to.contain('Ce lancement a déjà servi ou a expiré');
    expect((await browser.get('/demo/frame/nothing')).status).to.equal(404);
  });

  it("answers the services only with the demo platform's own bearer tokens (401 without, JSON like Moodle)", async () => {
    const res = await fetch(`${t.url}/demo/mod/lti/services.php/CourseSection/demo-course/bindings/1/memberships`);
    expect(res.status).to.equal(401);
    expect(await res.json()).to.deep.include({ status: 401, reason: 'Unauthorized' });
    const token = await fetch(`${t.url}/demo/mod/lti/token.php`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(token.status).to.equal(400);
  });

  it('serves the demo on PUBLIC_URL only: another host name is sent there, and the auto-submitted pages load their script from their own origin with a visible button', async () => {
    const port = new URL(t.url).port;
    const status = await new Promise<{ code: number; location: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/demo', headers: { host: `localhost:${port}` } }, (res) => {
        res.resume();
        resolve({ code: res.statusCode!, location: String(res.headers.location) });
      }).on('error', reject);
    });
    expect(status).to.deep.equal({ code: 302, location: `${t.url}/demo` });
    const browser = new Browser(t.url);
    const page = await (await browser.get('/demo')).text();
    const start = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), persona: 'noa', display: 'window' });
    const html = await start.text();
    expect(html).to.contain('<script src="/demo/platform/autosubmit.js"></script>');
    expect(html).to.match(/<button type="submit">Continuer<\/button>/);
    expect(html).to.not.contain('<noscript>');
    expect((await browser.get('/demo/platform/autosubmit.js')).status).to.equal(200);
  });
});

describe('lti: one demo platform whatever the port', function () {
  this.timeout(120_000);
  it('keeps one registration across starts on two ports, removing the per-address ones earlier versions made', async () => {
    const database = await createTestDatabase();
    const first = await createTestApp({ env: { DEMO: 'true' }, database });
    await addPlatform(ltiOf(first.instants.ctx), { issuer: 'http://localhost:3999/demo', clientId: DEMO_CLIENT_ID, name: 'Moodle de démonstration', authEndpoint: 'http://localhost:3999/demo/platform/auth', tokenEndpoint: 'http://localhost:3999/demo/platform/token', keys: { method: 'JWK_SET', key: 'http://localhost:3999/demo/platform/jwks' } }, ['1']);
    await first.close();
    const second = await createTestApp({ env: { DEMO: 'true' }, database });
    try {
      expect(second.url).to.not.equal(first.url);
      const demos = (await listPlatformRecords(ltiOf(second.instants.ctx))).filter((p) => p.clientId === DEMO_CLIENT_ID);
      expect(demos.map((p) => ({ issuer: p.issuer, authEndpoint: p.authEndpoint }))).to.deep.equal([{ issuer: DEMO_ISSUER, authEndpoint: `${second.url}/demo/platform/auth` }]);
      const { location } = await demoLaunch(second, { persona: 'camille', display: 'window' });
      expect(location).to.not.equal('');
    } finally {
      await second.close();
      await database.close();
    }
  });
});
