import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser } from '../support/http';
import { launchAs } from '../support/lti';
import { formFrom, SIMULATOR_ISSUER } from '../support/lti-simulator';
import { buildSession, countRows } from './helpers';

/** The QR code's short address (`/c/<key>?c=<code>`), opened by a phone's camera, with or without a launch. */
describe('activities: QR check-in from a phone', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  const decode = (s: string) => s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
  const rows = async (q: ReturnType<typeof sql>) => (await t.database.db.execute(q)) as unknown as { rows: Array<Record<string, unknown>> };

  /** A session of a course whose organiser launched from Moodle activity `l`, its screen and the QR's address. */
  async function screen(o: { startsAt?: Date; endsAt?: Date; status?: 'published' | 'draft' | 'cancelled' } = {}) {
    const contextId = `course-${Math.random()}`;
    const organiser = await signIn(t, { role: 'organiser', contextId, contextTitle: 'Instants numériques du rectorat' });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, startsAt: o.startsAt, endsAt: o.endsAt });
    const l = String(Math.floor(Math.random() * 1e6));
    const activityUrl = `${SIMULATOR_ISSUER}/mod/lti/view.php?l=${l}`;
    await t.database.db.execute(sql`update lti_resource_links set session_id = ${session.id}, activity_url = ${activityUrl} where id = ${organiser.resourceLinkRef}`);
    const html = decode(await (await organiser.browser.get(`/organiser/sessions/${session.id}/checkin`)).text());
    if (o.status) await t.database.db.execute(sql`update catalog_sessions set status = ${o.status} where id = ${session.id}`);
    const code = /<p class="display-3[^>]*>([A-Z0-9]{6})<\/p>/.exec(html)![1]!;
    const path = new RegExp(`${t.url}(/c/[A-Z2-9]{8}\\?c=${code})`).exec(html)?.[1];
    expect(path, 'the QR address on the screen').to.be.a('string');
    return { organiser, session, code, path: path!, activityUrl, contextId };
  }

  it("puts a short address in the QR code: a key for the session and the organiser's activity, and the code", async () => {
    const { path, session, organiser } = await screen();
    expect(`${'https://instants.ac-dijon.fr'}${path}`.length).to.be.at.most(50);
    const key = /\/c\/(\w+)\?/.exec(path)![1]!;
    const { rows: [link] } = await rows(sql`select session_id, resource_link_ref from activity_checkin_links where key = ${key}`);
    expect(link).to.deep.equal({ session_id: session.id, resource_link_ref: organiser.resourceLinkRef });
  });

  it('sends a browser without a launch through the Moodle activity, keeping the check-in pending and recording nothing', async () => {
    const { path, activityUrl } = await screen();
    const attendances = await countRows(t.database.db, 'activity_attendances');
    const phone = new Browser(t.url);
    const res = await phone.get(path);
    expect(res.status).to.equal(200);
    expect(res.headers.get('referrer-policy')).to.equal('same-origin');
    const html = decode(await res.text());
    expect(html).to.contain('Connectez-vous à Moodle : Instants s&#x27;ouvrira ensuite et enregistrera votre présence, sans rien saisir.');
    expect(html).to.contain(`href="${activityUrl}"`);
    expect(phone.cookie('instants_checkin')).to.be.a('string');
    expect(await countRows(t.database.db, 'activity_attendances')).to.equal(attendances);
  });

  it('tells a visitor without a launch nothing about the code: a wrong code gets the same page and counts nothing', async () => {
    const { path, code } = await screen();
    const failures = await countRows(t.database.db, 'activity_checkin_failures');
    const right = await (await new Browser(t.url).get(path)).text();
    const wrong = await (await new Browser(t.url).get(path.replace(code, code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ'))).text();
    const strip = (s: string) => s.replace(/name="_csrf" value="[^"]*"/g, '');
    expect(strip(wrong)).to.equal(strip(right));
    expect(await countRows(t.database.db, 'activity_checkin_failures')).to.equal(failures);
  });

  it('completes the pending check-in by itself after the Moodle launch, and forgets it', async () => {
    const { path, session } = await screen();
    const phone = new Browser(t.url);
    await phone.get(path);
    const landed = await launchAs(t, { browser: phone, sessionId: session.id });
    expect(landed.location).to.match(/^\/c\/[A-Z2-9]{8}$/);
    const form = formFrom(await landed.response.text());
    expect(form.action).to.equal(`/sessions/${session.id}/checkin`);
    expect(form.fields).to.include({ method: 'qr' });
    const sent = await phone.postForm(form.action, form.fields);
    expect(sent.status).to.equal(303);
    expect(sent.headers.get('location')).to.equal(`/sessions/${session.id}/checkin`);
    expect(phone.cookie('instants_checkin')).to.equal(undefined);
    expect(await (await phone.get(`/sessions/${session.id}/checkin`)).text()).to.contain('Présence enregistrée');
    const { rows: [row] } = await rows(sql`select a.method from activity_attendances a join lti_users u on u.id = a.user_ref where a.session_id = ${session.id}`);
    expect(row).to.deep.equal({ method: 'qr' });
    // Later visits of the session page are not sent back to the check-in.
    expect((await phone.get(`/sessions/${session.id}`)).status).to.equal(200);
  });

  it('checks in at once a browser that already launched Instants (one step), then says it is done', async () => {
    const { path, session, contextId } = await screen();
    const p = await signIn(t, { contextId });
    const page = await p.browser.get(path);
    expect(page.status).to.equal(200);
    const form = formFrom(await page.text());
    expect((await p.browser.postForm(form.action, form.fields)).status).to.equal(303);
    expect(await countRows(t.database.db, 'activity_attendances')).to.be.greaterThan(0);
    const again = decode(await (await p.browser.get(path)).text());
    expect(again).to.contain('Présence enregistrée').and.not.to.contain('data-autosubmit');
    expect(again).to.contain(`href="/sessions/${session.id}"`);
  });

  it('refuses a wrong code sent from the QR page as any wrong code (counted for the rate limit), recording no presence', async () => {
    const { path, code, contextId } = await screen();
    const p = await signIn(t, { contextId });
    const form = formFrom(await (await p.browser.get(path.replace(code, code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ'))).text());
    const failures = await countRows(t.database.db, 'activity_checkin_failures');
    const attendances = await countRows(t.database.db, 'activity_attendances');
    const res = await p.browser.postForm(form.action, form.fields);
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain("Ce code n&#x27;est pas le bon");
    expect(await countRows(t.database.db, 'activity_checkin_failures')).to.equal(failures + 1);
    expect(await countRows(t.database.db, 'activity_attendances')).to.equal(attendances);
  });

  it('says a code scanned after its window is no longer valid (410), with or without a launch, recording nothing', async () => {
    const startsAt = new Date(Date.now() - 4 * 3600_000);
    const { path, contextId } = await screen({ startsAt, endsAt: new Date(startsAt.getTime() + 45 * 60_000) });
    const failures = await countRows(t.database.db, 'activity_checkin_failures');
    const anonymous = new Browser(t.url);
    const res = await anonymous.get(path);
    expect(res.status).to.equal(410);
    expect(await res.text()).to.match(/La présence ne peut plus être enregistrée pour cette session : le code était valable jusqu(?:'|&#x27;)au \d/);
    expect(anonymous.cookie('instants_checkin')).to.equal(undefined);
    const p = await signIn(t, { contextId });
    const launched = await p.browser.get(path);
    expect(launched.status).to.equal(410);
    expect(await launched.text()).not.to.contain('data-autosubmit');
    expect(await countRows(t.database.db, 'activity_checkin_failures')).to.equal(failures);
  });

  it('answers 404 with a clear French message for an unknown, malformed or draft address, changing nothing', async () => {
    const draft = await screen({ status: 'draft' });
    const before = await countRows(t.database.db, 'activity_checkin_links');
    for (const path of ['/c/ABCDEFGH?c=ABC234', '/c/abc?c=ABC234', '/c/ABCDEFGH', '/c/ABCDEFGH?c=A%20B', draft.path]) {
      const res = await new Browser(t.url).get(path);
      expect(res.status, path).to.equal(404);
      expect(await res.text(), path).to.contain("Ce QR code n&#x27;est pas reconnu.");
    }
    // U+0000 is refused before any route, naming the field (the input hygiene layer).
    expect((await new Browser(t.url).get('/c/ABCDEFGH?c=%00')).status).to.equal(400);
    expect(await countRows(t.database.db, 'activity_checkin_links')).to.equal(before);
  });

  it('ignores a pending check-in cookie that Instants did not sign', async () => {
    const { session, contextId } = await screen();
    const p = await signIn(t, { contextId });
    p.browser.setCookie('instants_checkin', 'ABCDEFGH.ABC234');
    const res = await p.browser.get(`/sessions/${session.id}`);
    expect(res.status).to.equal(200);
  });

  it('offers no check-in on the session page once the window is over', async () => {
    const startsAt = new Date(Date.now() - 40 * 24 * 3600_000);
    const { session, contextId } = await screen({ startsAt, endsAt: new Date(startsAt.getTime() + 45 * 60_000) });
    const p = await signIn(t, { contextId });
    const html = await (await p.browser.get(`/sessions/${session.id}`)).text();
    expect(html).not.to.contain('Je suis là');
    expect(html).to.contain('La session est terminée : la présence ne peut plus être enregistrée.');
    const checkin = await (await p.browser.get(`/sessions/${session.id}/checkin`)).text();
    expect(checkin).not.to.contain('name="code"');
  });
});
