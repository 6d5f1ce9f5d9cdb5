import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { ltiOf } from '../../src/lti';
import { ROOT_DIR } from '../../src/platform/paths';
import { ltiRegistrationLinks, ltiRegistrations } from '../../src/lti/lti.tables';
import { createRegistrationLink, purgeRegistrations } from '../../src/lti/registration/registration.service';
import { createTestApp, testConfig, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { startMoodleRegistrar, type MoodleRegistrar } from '../support/lti-simulator/registration';

/** Any server a refused registration must never reach (SSRF target). */
async function trap() {
  const hits: string[] = [];
  const app = express();
  app.use((req, res) => {
    hits.push(req.url);
    res.json({ issuer: 'x' });
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const html = { headers: { accept: 'text/html' } };
const frameAncestors = (res: Response) => /frame-ancestors ([^;]*)/.exec(res.headers.get('content-security-policy') ?? '')?.[1];

async function stored(t: TestApp) {
  const db = t.database.db;
  return { platforms: (await ltiOf(t.instants.ctx).provider.listPlatforms()).length, registrations: (await db.select().from(ltiRegistrations)).length };
}

describe('lti: dynamic registration, guarded', function () {
  this.timeout(60_000);
  let t: TestApp;
  let moodle: MoodleRegistrar;
  let evil: Awaited<ReturnType<typeof trap>>;
  const link = async (origin = moodle.url) => new URL((await createRegistrationLink({ db: t.database.db, clock: t.clock, config: t.config }, { moodleUrl: origin })).url).searchParams.get('link')!;
  const register = (toolUrl: string) => fetch(moodle.startUrl(toolUrl), html);
  before(async () => {
    t = await createTestApp();
    moodle = await startMoodleRegistrar();
    evil = await trap();
  });
  after(async () => {
    await evil?.close();
    await moodle?.close();
    await t?.close();
  });
  afterEach(() => moodle.configure({}));

  it('refuses a request without openid_configuration with 400, fetching and storing nothing', async () => {
    const before = await stored(t);
    const res = await fetch(`${t.url}/lti/register`, html);
    expect(res.status).to.equal(400);
    expect(await stored(t)).to.deep.equal(before);
  });

  it('refuses a site neither linked nor allowed with 403, before fetching anything (no SSRF)', async () => {
    const before = await stored(t);
    const res = await fetch(`${t.url}/lti/register?openid_configuration=${encodeURIComponent(`${evil.url}/internal/admin`)}&registration_token=x`, html);
    expect(res.status).to.equal(403);
    expect(await res.text()).to.contain('pas autorisé');
    expect(frameAncestors(res), 'an unvalidated origin frames nothing').not.to.contain(evil.url);
    expect(evil.hits).to.deep.equal([]);
    expect(await stored(t)).to.deep.equal(before);
  });

  it('refuses a link made for another Moodle, an unknown link and a malformed one, fetching nothing and keeping the link', async () => {
    const forMoodle = await link();
    const before = await stored(t);
    for (const l of [forMoodle, 'A'.repeat(32), 'not a link!']) {
      const res = await fetch(`${t.url}/lti/register?link=${encodeURIComponent(l)}&openid_configuration=${encodeURIComponent(`${evil.url}/mod/lti/openid-configuration.php`)}`, html);
      expect(res.status, l).to.equal(403);
    }
    expect(evil.hits).to.deep.equal([]);
    expect(await stored(t)).to.deep.equal(before);
    const [row] = await t.database.db.select().from(ltiRegistrationLinks);
    expect(row!.usedAt, 'the link is still usable').to.equal(null);
  });

  for (const [name, overrides, reason] of [
    ['an issuer that is not the origin of its URL', () => ({ issuer: 'https://moodle.other.example' }), 'issuer'],
    ['a registration endpoint on another origin', (e: string) => ({ registration_endpoint: `${e}/steal` }), 'hors du site'],
    ['a key set on another origin', (e: string) => ({ jwks_uri: `${e}/keys` }), 'hors du site'],
    ['no registration endpoint', () => ({ registration_endpoint: undefined }), 'incomplète'],
  ] as const) {
    it(`refuses a configuration with ${name} with 400, storing nothing and sending nothing elsewhere`, async () => {
      const l = await link();
      moodle.configure(overrides(evil.url));
      const before = await stored(t);
      const posts = moodle.hits.get('/mod/lti/openid-registration.php') ?? 0;
      const res = await register(`${t.url}/lti/register?link=${l}`);
      expect(res.status).to.equal(400);
      expect(await res.text()).to.contain(reason);
      expect(frameAncestors(res), 'the validated origin may show the refusal').to.equal(moodle.url);
      expect(evil.hits).to.deep.equal([]);
      expect(moodle.hits.get('/mod/lti/openid-registration.php') ?? 0).to.equal(posts);
      expect(await stored(t)).to.deep.equal(before);
      const rows = await t.database.db.select().from(ltiRegistrationLinks);
      expect(rows.every((r) => r.usedAt === null), 'a failed registration gives its link back').to.equal(true);
    });
  }

  it('does not follow a redirect from the configuration URL', async () => {
    const app = express();
    app.get('/mod/lti/openid-configuration.php', (_req, res) => res.redirect(302, `${evil.url}/latest/meta-data`));
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${t.url}/lti/register?link=${await link(origin)}&openid_configuration=${encodeURIComponent(`${origin}/mod/lti/openid-configuration.php`)}`, html);
      expect(res.status).to.equal(400);
      expect(evil.hits).to.deep.equal([]);
    } finally {
      server.close();
    }
  });

  it('registers through a one-time link: pending, named from the configuration, redirect URI sent once, framed by Moodle only', async () => {
    const l = await link();
    const res = await register(`${t.url}/lti/register?link=${l}`);
    const page = await res.text();
    expect(res.status, page.slice(0, 400)).to.equal(200);
    expect(page).to.contain('en attente').and.to.contain('/lti/close-registration.js');
    expect(frameAncestors(res)).to.equal(moodle.url);
    const type = moodle.types.at(-1)!;
    expect(type.registration.redirect_uris).to.deep.equal([`${t.url}/lti`]);
    expect(type.registration).to.include({ initiate_login_uri: `${t.url}/lti/login`, jwks_uri: `${t.url}/lti/keys`, client_name: 'Instants' });
    const documented = fs.readFileSync(path.join(ROOT_DIR, 'lti-config/tool-configuration.json'), 'utf8').replaceAll('https://instants.ac-dijon.fr', t.url).replaceAll('"instants.ac-dijon.fr"', `"${new URL(t.url).host}"`);
    const { $comment: _c, ...expected } = JSON.parse(documented) as Record<string, unknown>;
    expect(type.registration, 'lti-config/tool-configuration.json is what is sent').to.deep.equal(expected);
    const platform = await ltiOf(t.instants.ctx).provider.findPlatform(moodle.url, type.clientId);
    expect(platform).to.include({ active: false, name: `Moodle (${new URL(moodle.url).host})`, authEndpoint: `${moodle.url}/mod/lti/auth.php` });
    const again = await register(`${t.url}/lti/register?link=${l}`);
    expect(again.status, 'a link registers once').to.equal(403);
    const other = await fetch(`${t.url}/`, html);
    expect(frameAncestors(other), 'a pending platform frames no page').not.to.contain(moodle.url);
  });

  it('lets an administrator activate a pending platform, which may then frame Instants', async () => {
    const [pending] = (await t.database.db.select().from(ltiRegistrations)).filter((r) => r.decision === null && r.kind === 'new');
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const admin = await browser.get('/admin/lti');
    const body = await admin.text();
    expect(admin.status).to.equal(200);
    expect(body).to.contain(pending!.clientId);
    const done = await browser.postForm(`/admin/lti/registrations/${pending!.id}`, { _csrf: csrfTokenFrom(body), decision: 'accept' });
    expect(done.status).to.equal(303);
    expect(await ltiOf(t.instants.ctx).provider.findPlatform(pending!.issuer, pending!.clientId)).to.include({ active: true });
    expect(frameAncestors(await fetch(`${t.url}/`, html))).to.contain(moodle.url);
  });

  it("keeps Moodle's update of a known tool pending until an administrator applies it", async () => {
    const type = moodle.types.at(-1)!;
    const before = (await ltiOf(t.instants.ctx).provider.findPlatform(moodle.url, type.clientId))!;
    const res = await fetch(moodle.startUrl(`${t.url}/lti/register?link=${await link()}`, { updateOf: type.id }), html);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.contain('attend la confirmation');
    expect(moodle.types.at(-1)!.updates).to.equal(1);
    expect(await ltiOf(t.instants.ctx).provider.findPlatform(moodle.url, type.clientId)).to.deep.equal(before);
    const [update] = (await t.database.db.select().from(ltiRegistrations)).filter((r) => r.kind === 'update' && r.decision === null);
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const csrf = csrfTokenFrom(await (await browser.get('/admin/lti')).text());
    expect((await browser.postForm(`/admin/lti/registrations/${update!.id}`, { _csrf: csrf, decision: 'accept' })).status).to.equal(303);
    expect((await t.database.db.select().from(ltiRegistrations)).find((r) => r.id === update!.id)).to.include({ decision: 'applied' });
  });

  it('refuses administration of registrations to people who are not administrators', async () => {
    const { browser } = await signIn(t, { role: 'organiser' });
    expect((await browser.get('/admin/lti')).status).to.equal(403);
  });

  it('caps pending registrations per Moodle (429, nothing stored) and forgets a pending one after 24 h', async () => {
    const before = await stored(t);
    const results: number[] = [];
    for (let i = 0; i < 4; i++) results.push((await register(`${t.url}/lti/register?link=${await link()}`)).status);
    expect(results).to.deep.equal([200, 200, 200, 429]);
    expect((await stored(t)).platforms).to.equal(before.platforms + 3);
    t.clock.advance(25 * 3600_000);
    try {
      await purgeRegistrations({ db: t.database.db, clock: t.clock, config: t.config, provider: ltiOf(t.instants.ctx).provider });
      expect((await stored(t)).platforms).to.equal(before.platforms);
    } finally {
      t.clock.advance(-25 * 3600_000);
    }
  });
});

describe('lti: dynamic registration from an allowed Moodle (LTI_REGISTRATION_HOSTS)', function () {
  this.timeout(60_000);
  let t: TestApp;
  let moodle: MoodleRegistrar;
  before(async () => {
    moodle = await startMoodleRegistrar();
    t = await createTestApp({ env: { LTI_REGISTRATION_HOSTS: `${moodle.url}, moodle.ac-dijon.fr` } });
  });
  after(async () => {
    await moodle?.close();
    await t?.close();
  });

  it('refuses a malformed LTI_REGISTRATION_HOSTS at start-up, naming the variable', () => {
    expect(() => testConfig({ LTI_REGISTRATION_HOSTS: 'moodle.ac-dijon.fr, ftp://files.example' })).to.throw(/LTI_REGISTRATION_HOSTS: expected Moodle hosts/);
  });

  it('registers without a link', async () => {
    const res = await fetch(moodle.startUrl(`${t.url}/lti/register`), html);
    expect(res.status).to.equal(200);
    expect(t.config.lti.registrationOrigins).to.deep.equal([moodle.url, 'https://moodle.ac-dijon.fr']);
  });
});
