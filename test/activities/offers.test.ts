import crypto from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { validateStatements } from '../../src/lrs';
import { pseudonymOf } from '../../src/xapi';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { signIn, TEST_ISSUER } from '../support/factories';
import { checkA11y, PHONE, withPage } from '../support/browser';
import { csrfTokenFrom } from '../support/http';
import { buildSession } from './helpers';

const HOSTED = 'http://activitystrea.ms/schema/1.0/host';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const rows = <T>(r: unknown): T[] => (Array.isArray(r) ? r : ((r as { rows: T[] }).rows ?? [])) as T[];

/** Taking up an "I can present" offer (issue 19): the organiser links it to a session of their course, which records a `hosted` statement for its author; undoing it voids that statement. */
describe('activities: taking up an "I can present" offer for a session, and undoing it', function () {
  this.timeout(120_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  type Person = Awaited<ReturnType<typeof signIn>>;
  const sessionIri = (id: string) => `${t.config.xapi.baseIri}/sessions/${id}`;
  const csrfOf = async (who: Person, page = '/organiser/offers') => csrfTokenFrom(await (await who.browser.get(page)).text());

  /** An organiser of a fresh course with a published session, and a participant of that course who offered to present Tchap. */
  async function course() {
    const contextId = `course-${crypto.randomUUID().slice(0, 8)}`;
    const organiser = await signIn(t, { role: 'organiser', contextId });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef });
    const author = await signIn(t, { role: 'participant', contextId, name: 'Camille Martin' });
    const res = await author.browser.postForm('/me/offers', { _csrf: await csrfOf(author, '/me/offers'), tool: 'Tchap', description: 'Montrer les salons de service' });
    expect(res.status).to.equal(303);
    const offerId = rows<{ id: string }>(await t.database.db.execute(sql`select id from activity_offers where user_ref = ${author.userId}::uuid order by created_at desc limit 1`))[0]!.id;
    return { contextId, organiser, session, author, offerId };
  }

  const offerRow = async (id: string) =>
    rows<{ taken_up_session_id: string | null; taken_up_at: Date | null; taken_up_by: string | null; taken_up_statement_id: string | null }>(
      await t.database.db.execute(sql`select taken_up_session_id, taken_up_at, taken_up_by, taken_up_statement_id from activity_offers where id = ${id}::uuid`),
    )[0]!;
  const statement = async (id: string) => rows<{ statement: Record<string, unknown>; voided: boolean }>(await t.database.db.execute(sql`select statement, voided from lrs_statements where id = ${id}::uuid`))[0];
  const countOf = async (verb: string) => Number(rows<{ n: string }>(await t.database.db.execute(sql`select count(*)::text as n from lrs_statements where verb_id = ${verb}`))[0]!.n);
  const takeUp = async (who: Person, offerId: string, sessionId: string | undefined, csrf?: string) =>
    who.browser.postForm(`/organiser/offers/${offerId}/take-up`, { ...(csrf === undefined ? { _csrf: await csrfOf(who) } : csrf ? { _csrf: csrf } : {}), ...(sessionId === undefined ? {} : { session_id: sessionId }) });

  it('lets an organiser of the course take an offer up for one of their sessions, recording a valid hosted statement for its author with the session as object', async () => {
    const { organiser, session, author, offerId } = await course();
    const page = await (await organiser.browser.get('/organiser/offers')).text();
    expect(page).to.contain('Retenir cette proposition').and.to.contain(`action="/organiser/offers/${offerId}/take-up"`);
    const res = await takeUp(organiser, offerId, session.id);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/organiser/offers?done=taken_up');
    const row = await offerRow(offerId);
    expect(row.taken_up_session_id).to.equal(session.id);
    expect(row.taken_up_by).to.equal(organiser.userId);
    expect(row.taken_up_at).to.not.equal(null);
    const stored = await statement(row.taken_up_statement_id!);
    expect(stored!.voided).to.equal(false);
    const s = stored!.statement as { actor: unknown; verb: { id: string }; object: { id: string; definition: { type: string } }; context: { contextActivities: { parent: Array<{ id: string }> } } };
    expect(s.verb.id).to.equal(HOSTED);
    expect(s.actor).to.deep.equal({ objectType: 'Agent', account: { homePage: TEST_ISSUER, name: pseudonymOf(TEST_SECRETS.pseudonymKey, TEST_ISSUER, author.sub) } });
    expect(s.object.id).to.equal(sessionIri(session.id));
    expect(s.object.definition.type).to.equal('http://adlnet.gov/expapi/activities/meeting');
    expect(s.context.contextActivities.parent.map((p) => p.id)).to.deep.equal([sessionIri(session.id)]);
    expect(() => validateStatements([stored!.statement], '1.0.3')).to.not.throw();
    const after = await (await organiser.browser.get('/organiser/offers?done=taken_up')).text();
    expect(after).to.contain('Ne plus retenir').and.to.contain(session.title).and.to.contain('Proposition retenue');
    // Taking it up again for the same session changes nothing and records nothing more.
    const hosted = await countOf(HOSTED);
    expect((await takeUp(organiser, offerId, session.id)).status).to.equal(303);
    expect(await countOf(HOSTED)).to.equal(hosted);
  });

  describe('refusals, each changing nothing', () => {
    let a: Awaited<ReturnType<typeof course>>;
    let b: Awaited<ReturnType<typeof course>>;
    before(async () => {
      a = await course();
      b = await course();
    });
    const unchanged = async (offerId: string, hosted: number) => {
      expect(await offerRow(offerId)).to.deep.equal({ taken_up_session_id: null, taken_up_at: null, taken_up_by: null, taken_up_statement_id: null });
      expect(await countOf(HOSTED)).to.equal(hosted);
    };

    it('refuses a learner with 403', async () => {
      const hosted = await countOf(HOSTED);
      const res = await takeUp(a.author, a.offerId, a.session.id, await csrfOf(a.author, '/me/offers'));
      expect(res.status).to.equal(403);
      await unchanged(a.offerId, hosted);
    });

    it("refuses an organiser of another course with 404 for the offer, even with a session of their own", async () => {
      const hosted = await countOf(HOSTED);
      for (const sessionId of [a.session.id, b.session.id]) {
        const res = await takeUp(b.organiser, a.offerId, sessionId);
        expect(res.status).to.equal(404);
        expect(await res.text()).to.contain('faite depuis un autre cours');
      }
      await unchanged(a.offerId, hosted);
    });

    it('refuses an unknown offer (or an id that is not one) with 404', async () => {
      const hosted = await countOf(HOSTED);
      expect((await takeUp(a.organiser, crypto.randomUUID(), a.session.id)).status).to.equal(404);
      expect((await takeUp(a.organiser, 'not-an-id', a.session.id)).status).to.equal(404);
      expect(await countOf(HOSTED)).to.equal(hosted);
    });

    it("refuses a session of another course with 403, naming the reason", async () => {
      const hosted = await countOf(HOSTED);
      const res = await takeUp(a.organiser, a.offerId, b.session.id);
      expect(res.status).to.equal(403);
      expect(await res.text()).to.contain('pas gérée par votre cours');
      await unchanged(a.offerId, hosted);
    });

    it('refuses an unknown, missing or cancelled session with 400, naming the reason', async () => {
      const hosted = await countOf(HOSTED);
      const unknown = await takeUp(a.organiser, a.offerId, crypto.randomUUID());
      expect(unknown.status).to.equal(400);
      expect(await unknown.text()).to.contain('pas : choisissez une session de votre cours');
      expect((await takeUp(a.organiser, a.offerId, undefined)).status).to.equal(400);
      expect((await takeUp(a.organiser, a.offerId, 'x')).status).to.equal(400);
      const { session: cancelled } = await buildSession(t.database.db, { ownerContextRef: a.organiser.contextRef, status: 'cancelled' });
      const res = await takeUp(a.organiser, a.offerId, cancelled.id);
      expect(res.status).to.equal(400);
      expect(await res.text()).to.contain('Cette session est annulée');
      await unchanged(a.offerId, hosted);
    });

    it('refuses a post without its CSRF token with 403', async () => {
      const hosted = await countOf(HOSTED);
      expect((await takeUp(a.organiser, a.offerId, a.session.id, '')).status).to.equal(403);
      expect((await a.organiser.browser.postForm(`/organiser/offers/${a.offerId}/release`, {})).status).to.equal(403);
      await unchanged(a.offerId, hosted);
    });

    it('refuses to take up for a second session an offer already taken up (409), until it is undone', async () => {
      const c = await course();
      expect((await takeUp(c.organiser, c.offerId, c.session.id)).status).to.equal(303);
      const { session: second } = await buildSession(t.database.db, { ownerContextRef: c.organiser.contextRef });
      const before = await offerRow(c.offerId);
      const hosted = await countOf(HOSTED);
      const res = await takeUp(c.organiser, c.offerId, second.id);
      expect(res.status).to.equal(409);
      expect(await res.text()).to.contain('déjà retenue pour une autre session');
      expect(await offerRow(c.offerId)).to.deep.equal(before);
      expect(await countOf(HOSTED)).to.equal(hosted);
    });

    it("refuses to undo another course's take-up with 404", async () => {
      const c = await course();
      expect((await takeUp(c.organiser, c.offerId, c.session.id)).status).to.equal(303);
      const before = await offerRow(c.offerId);
      const voided = await countOf(VOIDED);
      const res = await b.organiser.browser.postForm(`/organiser/offers/${c.offerId}/release`, { _csrf: await csrfOf(b.organiser) });
      expect(res.status).to.equal(404);
      expect(await offerRow(c.offerId)).to.deep.equal(before);
      expect(await countOf(VOIDED)).to.equal(voided);
    });
  });

  it('undoes a take-up by voiding its hosted statement (the organiser as actor of the voiding statement), after which the offer can be taken up again', async () => {
    const { organiser, session, offerId } = await course();
    expect((await takeUp(organiser, offerId, session.id)).status).to.equal(303);
    const first = (await offerRow(offerId)).taken_up_statement_id!;
    const res = await organiser.browser.postForm(`/organiser/offers/${offerId}/release`, { _csrf: await csrfOf(organiser) });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/organiser/offers?done=released');
    expect(await offerRow(offerId)).to.deep.equal({ taken_up_session_id: null, taken_up_at: null, taken_up_by: null, taken_up_statement_id: null });
    expect((await statement(first))!.voided).to.equal(true);
    const voiding = rows<{ statement: { actor: unknown; object: unknown; verb: { id: string } } }>(await t.database.db.execute(sql`select statement from lrs_statements where object_statement_ref = ${first}::uuid`));
    expect(voiding).to.have.length(1);
    expect(voiding[0]!.statement.verb.id).to.equal(VOIDED);
    expect(voiding[0]!.statement.object).to.deep.equal({ objectType: 'StatementRef', id: first });
    expect(voiding[0]!.statement.actor).to.deep.equal({ objectType: 'Agent', account: { homePage: TEST_ISSUER, name: pseudonymOf(TEST_SECRETS.pseudonymKey, TEST_ISSUER, organiser.sub) } });
    // Undoing again changes nothing.
    const voided = await countOf(VOIDED);
    expect((await organiser.browser.postForm(`/organiser/offers/${offerId}/release`, { _csrf: await csrfOf(organiser) })).status).to.equal(303);
    expect(await countOf(VOIDED)).to.equal(voided);
    expect((await takeUp(organiser, offerId, session.id)).status).to.equal(303);
    const second = (await offerRow(offerId)).taken_up_statement_id!;
    expect(second).to.not.equal(first);
    expect((await statement(second))!.voided).to.equal(false);
  });

  describe("what became of an offer, on its author's page (/me/offers)", () => {
    /** The page's text without its tags, spaces collapsed (what a reader sees). */
    const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;/g, "'").replace(/\s+/g, ' ');
    const release = async (who: Person, offerId: string) => who.browser.postForm(`/organiser/offers/${offerId}/release`, { _csrf: await csrfOf(who) });
    const myOffersPage = async (who: Person) => {
      const res = await who.browser.get('/me/offers');
      expect(res.status).to.equal(200);
      return res.text();
    };

    it('shows its author "Retenue pour la session « … »" with the session linked after a take-up, and no longer after a release', async () => {
      const { organiser, author, offerId } = await course();
      const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, title: `Tchap en service ${crypto.randomUUID().slice(0, 6)}` });
      const before = await myOffersPage(author);
      expect(textOf(before)).to.contain('Mes propositions').and.to.contain('Pas encore retenue').and.not.to.contain('Retenue pour');
      expect((await takeUp(organiser, offerId, session.id)).status).to.equal(303);
      const html = await myOffersPage(author);
      expect(html).to.contain(`Retenue pour la session « <a href="/sessions/${session.id}">${session.title}</a> »`);
      expect(textOf(html)).to.not.contain('Pas encore retenue');
      // The link opens the session for its author.
      expect((await author.browser.get(`/sessions/${session.id}`)).status).to.equal(200);
      expect((await release(organiser, offerId)).status).to.equal(303);
      const after = textOf(await myOffersPage(author));
      expect(after).to.contain('Pas encore retenue').and.not.to.contain('Retenue pour').and.not.to.contain(session.title);
    });

    it('shows it in English with the same link for an author whose page is in English', async () => {
      const { contextId, organiser } = await course();
      const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, title: `Tchap in English ${crypto.randomUUID().slice(0, 6)}` });
      const author = await signIn(t, { role: 'participant', contextId, locale: 'en' });
      expect((await author.browser.postForm('/me/offers', { _csrf: await csrfOf(author, '/me/offers'), tool: 'Tchap', description: 'Service rooms' })).status).to.equal(303);
      const offerId = rows<{ id: string }>(await t.database.db.execute(sql`select id from activity_offers where user_ref = ${author.userId}::uuid`))[0]!.id;
      expect(textOf(await myOffersPage(author))).to.contain('My offers').and.to.contain('Not taken up yet');
      expect((await takeUp(organiser, offerId, session.id)).status).to.equal(303);
      const html = await myOffersPage(author);
      expect(html).to.contain(`Taken up for the session “<a href="/sessions/${session.id}">${session.title}</a>”`);
    });

    it("shows another participant, even of the same course, nothing of someone else's offer or its take-up: only their own offers", async () => {
      const { contextId, organiser, author, offerId } = await course();
      const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, title: `Salons Tchap ${crypto.randomUUID().slice(0, 6)}` });
      expect((await takeUp(organiser, offerId, session.id)).status).to.equal(303);
      const other = await signIn(t, { role: 'participant', contextId, name: 'Dominique Petit' });
      const empty = textOf(await myOffersPage(other));
      expect(empty).to.not.contain('Mes propositions').and.not.to.contain('Montrer les salons de service').and.not.to.contain(session.title).and.not.to.contain('Retenue pour');
      expect((await other.browser.postForm('/me/offers', { _csrf: await csrfOf(other, '/me/offers'), tool: 'Pix', description: 'Préparer la certification' })).status).to.equal(303);
      const own = textOf(await myOffersPage(other));
      expect(own).to.contain('Préparer la certification').and.to.contain('Pas encore retenue');
      expect(own).to.not.contain('Montrer les salons de service').and.not.to.contain(session.title).and.not.to.contain('Retenue pour');
      // The author still sees theirs.
      expect(await myOffersPage(author)).to.contain(`<a href="/sessions/${session.id}">`);
    });

    it('names no draft the author may not know of, and shows a cancelled or deleted session as "une session supprimée", without a link', async () => {
      const { organiser, author, offerId } = await course();
      const { session: draft } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, status: 'draft', title: `Brouillon ${crypto.randomUUID().slice(0, 6)}` });
      expect((await takeUp(organiser, offerId, draft.id)).status).to.equal(303);
      let html = await myOffersPage(author);
      expect(textOf(html)).to.contain('Retenue pour une session en préparation').and.not.to.contain(draft.title);
      expect(html).to.not.contain(`/sessions/${draft.id}`);
      await t.database.db.execute(sql`update catalog_sessions set status = 'cancelled' where id = ${draft.id}::uuid`);
      html = await myOffersPage(author);
      expect(textOf(html)).to.contain('Retenue pour une session supprimée').and.not.to.contain(draft.title);
      expect(html).to.not.contain(`/sessions/${draft.id}`);
      await t.database.db.execute(sql`delete from catalog_sessions where id = ${draft.id}::uuid`);
      expect((await offerRow(offerId)).taken_up_session_id).to.equal(null);
      expect(textOf(await myOffersPage(author))).to.contain('Retenue pour une session supprimée');
    });

    it('lists a taken-up offer on a 360 px phone without sideways scrolling or axe violation (chromium)', async () => {
      const { organiser, session, author, offerId } = await course();
      expect((await takeUp(organiser, offerId, session.id)).status).to.equal(303);
      await withPage(
        t,
        async (page) => {
          await page.goto('/me/offers');
          expect(await page.getByRole('link', { name: session.title }).getAttribute('href')).to.equal(`/sessions/${session.id}`);
          expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.equal(0);
          expect(await checkA11y(page)).to.deep.equal([]);
        },
        { signedIn: author.browser, context: { ...PHONE, viewport: { width: 360, height: 800 } } },
      );
    });
  });
});
