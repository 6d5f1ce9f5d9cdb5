import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { buildSession, configure, countRows, countStatements } from './helpers';

describe('activities: check-in', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  /** A session owned by a course, its organiser's screen and the code shown there. */
  async function sessionWithCode(contextId = `course-${Math.random()}`) {
    const organiser = await signIn(t, { role: 'organiser', contextId });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef });
    const screen = await organiser.browser.get(`/organiser/sessions/${session.id}/checkin`);
    expect(screen.status).to.equal(200);
    const html = await screen.text();
    const code = /<p class="display-3[^>]*>([A-Z0-9]{6})<\/p>/.exec(html)![1]!;
    lastOrganiser = organiser;
    return { organiser, session, html, code, contextId };
  }

  let lastOrganiser: Awaited<ReturnType<typeof signIn>> | undefined;
  async function organiserCount(sessionId: string) {
    const res = await lastOrganiser!.browser.get(`/organiser/sessions/${sessionId}/checkin/count`, { headers: { accept: 'application/json' } });
    return res.json();
  }

  async function participant(sessionId: string, contextId: string) {
    const who = await signIn(t, { role: 'participant', sessionId, contextId });
    const html = await (await who.browser.get(`/sessions/${sessionId}/checkin`)).text();
    return { ...who, csrf: csrfTokenFrom(html) };
  }

  it('shows organisers a short code and a server-made QR code of the check-in address', async () => {
    const { html, code } = await sessionWithCode();
    expect(code).to.match(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(html).to.contain('src="data:image/png;base64,');
    // The short address of the QR code (a phone's camera opens it): /c/<key>?c=<code>.
    expect(html.replace(/&#x3D;/g, '=')).to.match(new RegExp(`${t.url}/c/[A-Z2-9]{8}\\?c=${code}`));
  });

  it('marks a participant present with the right code, once, with its statement', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    const before = await countStatements(t.database.db, 'attended');
    const res = await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code: code.toLowerCase() });
    expect(res.status).to.equal(303);
    const again = await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code });
    expect(again.status).to.equal(303);
    expect(await countStatements(t.database.db, 'attended')).to.equal(before + 1);
    expect(await (await p.browser.get(`/sessions/${session.id}`)).text()).to.contain('Présence enregistrée le');
    const count = await organiserCount(session.id);
    expect(count).to.deep.equal({ present: 1 });
  });

  it('completes the session on check-in when no activity is required', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    expect((await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code })).status).to.equal(303);
    expect(await (await p.browser.get(`/sessions/${session.id}`)).text()).to.contain('Session terminée le');
  });

  it('refuses a check-in posted without its CSRF token (403), recording nothing', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    const attendances = await countRows(t.database.db, 'activity_attendances');
    expect((await p.browser.postForm(`/sessions/${session.id}/checkin`, { code })).status).to.equal(403);
    expect((await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: 'forged', code })).status).to.equal(403);
    expect(await countRows(t.database.db, 'activity_attendances')).to.equal(attendances);
  });

  it('queues the Moodle score in the same transaction when check-in completes the session', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    // The launch came through a link with the gradebook service (AGS), as A's launch persists it.
    await t.database.db.execute(sql`update lti_resource_links set ags_lineitems = 'http://127.0.0.1:9/lineitems' where id = ${p.resourceLinkRef}`);
    await t.database.db.execute(sql`update lti_launches set client_id = 'instants-client' where id = ${p.launchId}`);
    const scores = await countRows(t.database.db, 'grades_scores');
    expect((await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code })).status).to.equal(303);
    expect(await countRows(t.database.db, 'grades_scores')).to.equal(scores + 1);
    expect(await countStatements(t.database.db, 'completed')).to.be.greaterThan(0);
  });

  it('prefills the code from the QR code address', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await signIn(t, { sessionId: session.id, contextId });
    const html = await (await p.browser.get(`/sessions/${session.id}/checkin?code=${code}`)).text();
    expect(html).to.contain(`value="${code}"`).and.contain('name="method" value="qr"');
  });

  it('says a wrong code is wrong without revealing the right one, and records nothing', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    const attendances = await countRows(t.database.db, 'activity_attendances');
    const res = await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code: code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA' });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.contain('Ce code n&#x27;est pas le bon.');
    expect(html).not.to.contain(code);
    expect(csrfTokenFrom(html), 'the re-shown form can be sent again').to.equal(p.csrf);
    const malformed = await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code: '<x>' });
    expect(malformed.status).to.equal(400);
    expect(await malformed.text()).to.contain('Saisissez le code de 6 caractères');
    expect(await countRows(t.database.db, 'activity_attendances')).to.equal(attendances);
  });

  it('refuses the right code outside the session time window', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    t.clock.advance(3 * 3600 * 1000);
    try {
      const res = await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code });
      expect(res.status).to.equal(400);
      // Past its window the page offers no form any more, and says why.
      expect(await res.text()).to.contain('La session est terminée : la présence ne peut plus être enregistrée.');
    } finally {
      t.clock.advance(-3 * 3600 * 1000);
    }
  });

  it('rate-limits wrong codes per person (429), even when the right code comes next', async () => {
    const { session, code, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    for (let i = 0; i < 5; i++) {
      expect((await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code: 'ZZZZZ9' })).status).to.equal(400);
    }
    const limited = await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code });
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('retry-after')).to.equal('600');
    expect(await limited.text()).to.contain('Trop de codes erronés');
    const other = await participant(session.id, contextId);
    expect((await other.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: other.csrf, code })).status).to.equal(303);
  });

  it('holds the limit of 5 wrong codes under 60 parallel tries: 5 evaluated (400), 55 refused (429), 5 failures stored', async () => {
    const { session, contextId } = await sessionWithCode();
    const p = await participant(session.id, contextId);
    const statuses = await Promise.all(Array.from({ length: 60 }, () => p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: p.csrf, code: 'ZZZZZ9' }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 400)).to.have.length(5);
    expect(statuses.filter((s) => s === 429)).to.have.length(55);
    const stored = await t.database.db.execute(sql`select count(*)::int as n from activity_checkin_failures where user_ref = ${p.userId}`);
    expect((stored as unknown as { rows: Array<{ n: number }> }).rows[0]!.n).to.equal(5);
  });

  it('lets organisers mark by hand someone who launched, and refuses unknown people', async () => {
    const { organiser, session, contextId } = await sessionWithCode();
    const p = await signIn(t, { sessionId: session.id, contextId, name: 'Camille Martin' });
    const page = await (await organiser.browser.get(`/organiser/sessions/${session.id}/participants`)).text();
    expect(page).to.contain('Camille Martin').and.contain('Marquer la présence');
    const _csrf = csrfTokenFrom(page);
    const bad = await organiser.browser.postForm(`/organiser/sessions/${session.id}/participants/present`, { _csrf, user: 'nobody' });
    expect(bad.status).to.equal(400);
    const stranger = await signIn(t, { contextId: 'elsewhere' });
    const notHere = await organiser.browser.postForm(`/organiser/sessions/${session.id}/participants/present`, { _csrf, user: stranger.userId });
    expect(notHere.status).to.equal(404);
    const before = await countStatements(t.database.db, 'attended');
    const ok = await organiser.browser.postForm(`/organiser/sessions/${session.id}/participants/present`, { _csrf, user: p.userId });
    expect(ok.status).to.equal(303);
    expect(await countStatements(t.database.db, 'attended')).to.equal(before + 1);
    expect(await (await organiser.browser.get(`/organiser/sessions/${session.id}/participants`)).text()).to.contain('à la main');
    await configure(t.database.db, session.id, [{ kind: 'satisfaction' }]);
    const rate = csrfTokenFrom(await (await p.browser.get(`/sessions/${session.id}/satisfaction`)).text());
    expect((await p.browser.postForm(`/sessions/${session.id}/satisfaction`, { _csrf: rate, rating: '5' })).status).to.equal(303);
    expect(await (await organiser.browser.get(`/organiser/sessions/${session.id}/participants`)).text()).to.contain('Votre avis sur la session');
  });

  it("refuses another course's organiser the check-in screen and the participants list (403)", async () => {
    const { session } = await sessionWithCode();
    const other = await signIn(t, { role: 'organiser', contextId: 'another-course' });
    expect((await other.browser.get(`/organiser/sessions/${session.id}/checkin`)).status).to.equal(403);
    expect((await other.browser.get(`/organiser/sessions/${session.id}/participants`)).status).to.equal(403);
    const count = await other.browser.get(`/organiser/sessions/${session.id}/checkin/count`, { headers: { accept: 'application/json' } });
    expect(count.status).to.equal(403);
    expect(((await count.json()) as { error: { code: string } }).error.code).to.equal('forbidden');
    const admin = await signIn(t, { role: 'organiser', contextId: 'another-course', isAdmin: true });
    expect((await admin.browser.get(`/organiser/sessions/${session.id}/participants`)).status).to.equal(200);
  });
});
