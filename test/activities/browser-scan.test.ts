import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { addPlatform, ltiOf } from '../../src/lti';
import { createTestApp, type TestApp } from '../support/app';
import { checkA11y, PHONE, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { SIMULATOR_CLIENT_ID, startSimulator, type Simulator } from '../support/lti-simulator';
import { buildSession } from './helpers';

/**
 * In the room, on a phone (chromium at 390×844 with touch): the camera opens the QR code's address in a
 * browser that never launched Instants; Moodle's login and its activity page (view.php?l=, which launches
 * the tool in the same window on phones) lead back to the check-in, which completes by itself.
 */
describe('activities in chromium: QR check-in on a phone', function () {
  this.timeout(180_000);
  let t: TestApp;
  let moodle: Simulator;
  before(async () => {
    t = await createTestApp();
    // A Moodle whose issuer is its own address (its wwwroot), on another site than Instants (localhost vs 127.0.0.1).
    moodle = await startSimulator({ toolUrl: t.url, issuer: 'self', hostname: 'localhost' });
    t.instants.ctx.onClose.push(() => moodle.close());
    await addPlatform(
      ltiOf(t.instants.ctx),
      { issuer: moodle.url, clientId: SIMULATOR_CLIENT_ID, name: 'Moodle du rectorat', authEndpoint: moodle.endpoints.authEndpoint, tokenEndpoint: moodle.endpoints.tokenEndpoint, keys: { method: 'JWK_SET', key: moodle.endpoints.keySetUrl } },
      ['1'],
    );
  });
  after(async () => t.close());

  /** A session of Moodle course 7, activity `l` bound to it, and the QR address its organiser's screen shows. */
  async function roomWithQr(o: { startsAt?: Date } = {}) {
    const l = String(100 + Math.floor(Math.random() * 1e6));
    const contextId = `7${l}`;
    const organiser = await signIn(t, { role: 'organiser', issuer: moodle.url, contextId, resourceLinkId: l });
    const startsAt = o.startsAt ?? new Date(Date.now() - 5 * 60_000);
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, startsAt, endsAt: new Date(startsAt.getTime() + 45 * 60_000) });
    // As the organiser's launch from Moodle recorded it (tool_platform "moodle").
    await t.database.db.execute(sql`update lti_resource_links set session_id = ${session.id}, activity_url = ${`${moodle.url}/mod/lti/view.php?l=${l}`} where id = ${organiser.resourceLinkRef}`);
    const html = (await (await organiser.browser.get(`/organiser/sessions/${session.id}/checkin`)).text()).replace(/&#x3D;/g, '=');
    const path = new RegExp(`${t.url}(/c/[A-Z2-9]{8}\\?c=[A-Z0-9]{6})`).exec(html)![1]!;
    moodle.moodle.addActivity({ resourceLinkId: l, contextId, resourceLinkTitle: 'Instant numérique', custom: { instants_session: session.id } });
    return { session, path, contextId };
  }

  const noSideScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  const focusedIsMessage = (page: Page) => page.evaluate(() => document.activeElement?.hasAttribute('data-announce') ?? false);

  it('checks in a phone that never opened Instants after the Moodle login, with nothing typed but the login', async () => {
    const { session, path } = await roomWithQr();
    moodle.moodle.addUser('camille', { sub: '5001', role: 'participant', name: 'Camille Martin' });
    await withPage(
      t,
      async (page, context) => {
        expect(await context.cookies()).to.deep.equal([]);
        await page.goto(path);
        await page.getByText("Connectez-vous à Moodle : Instants s'ouvrira ensuite et enregistrera votre présence, sans rien saisir.").waitFor();
        expect(await checkA11y(page)).to.deep.equal([]);
        expect(await noSideScroll(page)).to.equal(true);
        await page.getByRole('link', { name: 'Se connecter à Moodle' }).tap();
        await page.waitForURL(/\/login\/index\.php/);
        await page.getByLabel("Nom d'utilisateur").fill('camille');
        await page.getByLabel('Mot de passe').fill('moodle');
        await page.getByRole('button', { name: 'Connexion' }).tap();
        await page.waitForURL(`${t.url}/sessions/${session.id}/checkin`);
        expect(await page.locator('.checkin-done-title').innerText()).to.contain('Présence enregistrée');
        expect(await focusedIsMessage(page)).to.equal(true);
        expect(await checkA11y(page)).to.deep.equal([]);
        expect(await noSideScroll(page)).to.equal(true);
      },
      { context: PHONE },
    );
    const { rows } = (await t.database.db.execute(
      sql`select a.method from activity_attendances a join lti_users u on u.id = a.user_ref where a.session_id = ${session.id} and u.sub = '5001'`,
    )) as unknown as { rows: Array<{ method: string }> };
    expect(rows).to.deep.equal([{ method: 'qr' }]);
  });

  it('checks in at once a phone that already has an Instants session (one step)', async () => {
    const { session, path, contextId } = await roomWithQr();
    const p = await signIn(t, { issuer: moodle.url, contextId });
    await withPage(
      t,
      async (page) => {
        await page.goto(path);
        await page.waitForURL(`${t.url}/sessions/${session.id}/checkin`);
        expect(await page.locator('.checkin-done-title').innerText()).to.contain('Présence enregistrée');
        expect(await focusedIsMessage(page)).to.equal(true);
        expect(await checkA11y(page)).to.deep.equal([]);
        expect(await noSideScroll(page)).to.equal(true);
      },
      { signedIn: p.browser, context: PHONE },
    );
  });

  it('says on the phone that a code scanned after its window is no longer valid', async () => {
    const { path } = await roomWithQr({ startsAt: new Date(Date.now() - 5 * 3600_000) });
    await withPage(
      t,
      async (page) => {
        const res = await page.goto(path);
        expect(res?.status()).to.equal(410);
        await page.getByText('La présence ne peut plus être enregistrée pour cette session', { exact: false }).waitFor();
        expect(await page.getByRole('link', { name: 'Se connecter à Moodle' }).count()).to.equal(0);
        expect(await checkA11y(page)).to.deep.equal([]);
        expect(await noSideScroll(page)).to.equal(true);
      },
      { context: PHONE },
    );
  });
});
