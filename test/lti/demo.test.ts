import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { DEMO_ISSUER } from '../../src/lti/demo/demo-platform';
import { ltiLaunches } from '../../src/lti/lti.tables';
import { createTestApp, type TestApp } from '../support/app';
import { Browser, csrfTokenFrom } from '../support/http';
import { formFrom } from '../support/lti-simulator';

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=').replace(/&#x2F;/g, '/');

/** Walks the demo's launch like a browser: login initiation, platform authorisation, id_token post, redirects. */
async function demoLaunch(t: TestApp, fields: Record<string, string>) {
  const browser = new Browser(t.url);
  const page = await (await browser.get('/demo')).text();
  const start = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), ...fields });
  expect(start.status).to.equal(200);
  const initiation = formFrom(await start.text());
  const login = await browser.postForm(new URL(initiation.action).pathname, initiation.fields);
  expect(login.status).to.equal(302);
  const auth = await browser.get(new URL(login.headers.get('location')!).pathname + new URL(login.headers.get('location')!).search);
  const idForm = formFrom(await auth.text());
  let res = await browser.postForm(new URL(idForm.action).pathname, idForm.fields);
  let location = '';
  while (res.status === 303) {
    location = res.headers.get('location')!;
    res = await browser.get(location);
  }
  return { browser, res, location: location.split('?')[0] };
}

describe('lti: demo platform (/demo)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { DEMO: 'true' } });
  });
  after(async () => t?.close());

  it('is absent when DEMO is off (the test and production default)', async () => {
    const off = await createTestApp();
    try {
      expect((await fetch(`${off.url}/demo`)).status).to.equal(404);
    } finally {
      await off.close();
    }
  });

  it('launches a participant through the real OIDC flow with signed tokens', async () => {
    const { location, res } = await demoLaunch(t, { persona: 'camille', display: 'window' });
    expect(location).to.equal('/lti/not-ready');
    expect(res.status).to.equal(200);
    const [launch] = await t.database.db.select().from(ltiLaunches).where(eq(ltiLaunches.issuer, DEMO_ISSUER));
    expect(launch).to.include({ role: 'participant', deploymentId: '1', messageType: 'LtiResourceLinkRequest' });
  });

  it('launches an organiser, and deep linking returns a response the demo platform verifies', async () => {
    const startsAt = new Date(Date.now() + 86400_000);
    const [s] = await t.database.db.insert(catalogSessions).values({ title: 'Padlet', startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), status: 'published' }).returning();
    const organiser = await demoLaunch(t, { persona: 'dominique', sessionId: s!.id, display: 'window' });
    expect(organiser.location).to.equal(`/organiser/sessions/${s!.id}`);
    const dl = await demoLaunch(t, { persona: 'dominique', as: 'deep-linking', display: 'window' });
    expect(dl.location).to.equal('/lti/deep-linking');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await dl.res.text())![1]!;
    const sent = await dl.browser.postForm('/lti/deep-linking', { _csrf: csrf, sessions: s!.id });
    const html = await sent.text();
    const action = decode(/action="([^"]+)"/.exec(html)![1]!);
    const jwt = decode(/name="JWT" value="([^"]+)"/.exec(html)![1]!);
    const back = await dl.browser.postForm(new URL(action).pathname, { JWT: jwt });
    expect(back.status).to.equal(200);
    expect(await back.text()).to.contain('Contenu ajouté au cours').and.to.contain('Padlet');
  });

  it('refuses a demo launch with an unknown persona with 400', async () => {
    const browser = new Browser(t.url);
    const page = await (await browser.get('/demo')).text();
    const res = await browser.postForm('/demo/launch', { _csrf: csrfTokenFrom(page), persona: 'superuser' });
    expect(res.status).to.equal(400);
  });
});
