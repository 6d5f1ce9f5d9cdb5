import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import type { Page } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { ltiLoginRequests } from '../../src/lti/lti.tables';
import { addPlatform, ltiOf } from '../../src/lti';
import { createTestApp, type TestApp } from '../support/app';
import { withPage } from '../support/browser';
import { SIMULATOR_CLIENT_ID, SIMULATOR_DEPLOYMENT_ID, SIMULATOR_ISSUER, STORAGE_FRAME, startSimulator, type Simulator } from '../support/lti-simulator';
import { startMoodleRegistrar, type MoodleRegistrar } from '../support/lti-simulator/registration';

/**
 * Chromium as Safari behaves with a Moodle on another domain: the simulator runs on `localhost`, Instants on
 * 127.0.0.1, two sites; Instants (http) sets SameSite=Lax cookies, which the browser refuses and never sends
 * in the cross-site frame, as a browser blocking third-party cookies without CHIPS does.
 */
async function crossSiteSimulator(t: TestApp): Promise<Simulator> {
  const sim = await startSimulator({ toolUrl: t.url, hostname: 'localhost' });
  t.instants.ctx.onClose.push(() => sim.close());
  await addPlatform(
    ltiOf(t.instants.ctx),
    { issuer: SIMULATOR_ISSUER, clientId: SIMULATOR_CLIENT_ID, name: 'Moodle (simulateur)', authEndpoint: sim.endpoints.authEndpoint, tokenEndpoint: sim.endpoints.tokenEndpoint, keys: { method: 'JWK_SET', key: sim.endpoints.keySetUrl } },
    [SIMULATOR_DEPLOYMENT_ID],
  );
  return sim;
}

/** Clicks the help page's button in Moodle's frame and returns the window it opens. */
async function openFromFrame(page: Page): Promise<Page> {
  const frame = page.frameLocator('iframe#tool');
  const button = frame.getByRole('button', { name: 'Ouvrir Instants dans une nouvelle fenêtre' });
  await button.waitFor({ timeout: 30_000 });
  const [popup] = await Promise.all([page.context().waitForEvent('page'), button.click()]);
  await popup.waitForLoadState();
  return popup;
}

describe('lti: Moodle in chromium with third-party cookies refused', function () {
  this.timeout(180_000);
  let t: TestApp;
  let sim: Simulator;
  let sessionId: string;
  before(async () => {
    t = await createTestApp();
    sim = await crossSiteSimulator(t);
    const startsAt = new Date(Date.now() + 3 * 86400_000);
    const [s] = await t.database.db
      .insert(catalogSessions)
      .values({ title: 'Découvrir Tchap', tool: 'Tchap', startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), status: 'published', place: 'Hall du rectorat' })
      .returning({ id: catalogSessions.id });
    sessionId = s!.id;
  });
  after(async () => t?.close());

  it('launches an embedded activity: the frame keeps no cookie, the new window ends on the session page', async () => {
    await withPage(t, async (page, context) => {
      await page.goto(sim.coursePageUrl({ role: 'participant', custom: { instants_session: sessionId } }));
      const frame = page.frameLocator('iframe#tool');
      await frame.getByRole('heading', { name: 'Autoriser Instants dans Moodle' }).waitFor({ timeout: 30_000 });
      expect(await context.cookies(t.url), 'the browser kept no Instants cookie from the frame').to.deep.equal([]);
      const popup = await openFromFrame(page);
      await popup.getByRole('heading', { name: 'Découvrir Tchap' }).first().waitFor({ timeout: 30_000 });
      expect(new URL(popup.url()).pathname).to.equal(`/sessions/${sessionId}`);
      await frame.getByText('Instants est ouvert dans une nouvelle fenêtre').waitFor();
    });
  });

  it('binds the launch through the platform storage of a platform that offers it, not Moodle (lti.put_data / lti.get_data)', async () => {
    await withPage(t, async (page) => {
      await page.goto(sim.coursePageUrl({ role: 'participant', custom: { instants_session: sessionId }, storageTarget: STORAGE_FRAME }));
      const popup = await openFromFrame(page);
      await popup.getByRole('heading', { name: 'Découvrir Tchap' }).first().waitFor({ timeout: 30_000 });
    });
    const [login] = await t.database.db.select().from(ltiLoginRequests).where(eq(ltiLoginRequests.storageTarget, STORAGE_FRAME));
    expect(login!.usedAt, 'the launch used the login whose value the storage kept').to.not.equal(null);
  });

  it('adds a session through "Sélectionner le contenu": chosen in the new window, answered to Moodle from its frame', async () => {
    const before = sim.core.deepLinkingResults.length;
    await withPage(t, async (page) => {
      await page.goto(sim.coursePageUrl({ role: 'organiser', messageType: 'LtiDeepLinkingRequest', deepLinkingData: 'dl-cookieless' }));
      const popup = await openFromFrame(page);
      await popup.getByRole('heading', { name: 'Ajouter des sessions au cours' }).waitFor({ timeout: 30_000 });
      await popup.getByLabel(/Découvrir Tchap/).first().check();
      await popup.getByRole('button', { name: 'Ajouter au cours' }).click();
      const frame = page.frameLocator('iframe#tool');
      await frame.getByRole('heading', { name: 'Contenu ajouté au cours' }).waitFor({ timeout: 30_000 });
    });
    expect(sim.core.deepLinkingResults.length).to.equal(before + 1);
    const result = sim.core.deepLinkingResults.at(-1)!;
    expect(result.ok, result.error).to.equal(true);
    expect(result.data).to.equal('dl-cookieless');
    expect(result.items.map((i) => i.title)).to.deep.equal(['Découvrir Tchap']);
  });
});

describe('lti: dynamic registration in Moodle\'s frame (chromium)', function () {
  this.timeout(180_000);
  let t: TestApp;
  let moodle: MoodleRegistrar;
  let other: { url: string; close(): void };
  before(async () => {
    moodle = await startMoodleRegistrar({ hostname: 'localhost' });
    t = await createTestApp({ env: { LTI_REGISTRATION_HOSTS: moodle.url } });
    const app = express();
    app.get('/frame', (req, res) => {
      res.type('html').send(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Autre site</title></head><body><iframe id="registration" title="x" src="${String(req.query.src).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"></iframe></body></html>`);
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    other = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  });
  after(async () => {
    other?.close();
    await moodle?.close();
    await t?.close();
  });

  const registerInFrame = async (page: Page, updateOf?: number) => {
    // Not waiting for `load`, which waits for the frame: a new registration makes a 4096-bit key (slow under load).
    await page.goto(moodle.adminPageUrl(`${t.url}/lti/register`, { updateOf }), { waitUntil: 'domcontentloaded' });
    await page.locator('#status', { hasText: "Fenêtre fermée par l'outil" }).waitFor({ timeout: 90_000 });
    return page.frameLocator('iframe#registration').locator('body').innerText();
  };

  it('registers, then re-registers (Moodle\'s update), each time shown in the frame, which tells Moodle to close it', async () => {
    await withPage(t, async (page) => {
      expect(await registerInFrame(page)).to.contain('Instants est enregistré').and.to.contain('en attente');
      const type = moodle.types.at(-1)!;
      expect(await registerInFrame(page, type.id)).to.contain('attend la confirmation');
      expect(moodle.types.at(-1)!.updates).to.equal(1);
    });
  });

  it('lets no other site frame the registration page', async () => {
    await withPage(t, async (page) => {
      await page.goto(`${other.url}/frame?src=${encodeURIComponent(moodle.startUrl(`${t.url}/lti/register`))}`, { timeout: 90_000 });
      const frame = page.frames().find((f) => f !== page.mainFrame());
      const shown = await frame!.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      expect(shown).not.to.contain('Instants est enregistré');
    });
  });
});
