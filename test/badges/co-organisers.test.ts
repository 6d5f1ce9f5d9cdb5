import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { catalogSessionOrganisers } from '../../src/catalog/catalog.tables';
import { buildSession } from '../activities/helpers';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { awardsOf, createBadge, postBadgeForm, type Person } from './helpers';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');
const rows = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows) as T[];
const base = { description: 'A découvert Tchap.', criteria: 'Avoir achevé la session Tchap.' };

/**
 * A session's badges follow the catalogue's ownership model (src/badges/README.md, "Who authors what"):
 * the session's organisers (owner course A, co-organiser course D, administrators) author, edit, award and
 * revoke the badges of that session alike; course B, which only links it, and course C, which has nothing
 * to do with it, do none of that.
 */
describe('badges: a session’s co-organiser courses author and award its badges as its owner does', function () {
  this.timeout(120_000);
  let t: TestApp;
  let A: Person, B: Person, C: Person, D: Person;
  let sessionId: string;
  let bLearner: Person;

  before(async () => {
    t = await createTestApp();
    A = await signIn(t, { role: 'organiser', contextId: 'badges-course-A', name: 'Anne Organisatrice' });
    const { session } = await buildSession(t.database.db, { title: 'Tchap au rectorat', ownerContextRef: A.contextRef });
    sessionId = session.id;
    B = await signIn(t, { role: 'organiser', contextId: 'badges-course-B', resourceLinkId: `b-${session.id}`, sessionId: session.id });
    C = await signIn(t, { role: 'organiser', contextId: 'badges-course-C' });
    D = await signIn(t, { role: 'organiser', contextId: 'badges-course-D' });
    await t.database.db.insert(catalogSessionOrganisers).values({ sessionId: session.id, contextRef: D.contextRef! });
    bLearner = await signIn(t, { role: 'participant', contextId: 'badges-course-B', resourceLinkId: `b-${session.id}`, sessionId: session.id, name: 'Bérénice Venue-de-B' });
  });
  after(async () => t?.close());

  const classCount = async () => rows<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from badge_classes`))[0]!.n;
  const csrfOf = async (who: Person, path: string) => csrfTokenFrom(await (await who.browser.get(path)).text());

  it('lets a co-organiser course create a badge for the session, offering the session in the form', async () => {
    const form = await (await D.browser.get('/organiser/badges/new')).text();
    expect(form).to.contain(`value="${sessionId}"`);
    await createBadge(D, { ...base, name: 'Badge de D', rule_kind: 'session-completed', session_id: sessionId });
    expect(text(await (await A.browser.get(`/organiser/badges?session=${sessionId}`)).text())).to.contain('Badge de D');
  });

  it('refuses a badge for the session from a course that only links it or has nothing to do with it, and writes nothing', async () => {
    const before = await classCount();
    for (const who of [B, C]) {
      const res = await postBadgeForm(who, { ...base, name: 'Badge pirate', rule_kind: 'session-completed', session_id: sessionId });
      expect(res.status).to.equal(400);
      expect(text(await res.text())).to.contain('vous ne l\'organisez pas');
      expect((await who.browser.get('/organiser/badges/new').then((r) => r.text()))).not.to.contain(`value="${sessionId}"`);
    }
    expect(await classCount()).to.equal(before);
  });

  it('lets a co-organiser course open, edit, award by hand and revoke the owner’s badge of the session, naming the session’s participants of every course', async () => {
    const id = await createBadge(A, { ...base, name: 'Badge de A', rule_kind: 'session-completed', session_id: sessionId });
    expect(text(await (await D.browser.get('/organiser/badges')).text())).to.contain('Badge de A');
    const page = await (await D.browser.get(`/organiser/badges/${id}`)).text();
    expect(text(page)).to.contain('Bérénice Venue-de-B');
    const edited = await postBadgeForm(D, { ...base, name: 'Badge de A revu par D', rule_kind: 'session-completed', session_id: sessionId }, undefined, `/organiser/badges/${id}/edit`);
    expect(edited.status).to.equal(303);
    const csrf = csrfTokenFrom(page);
    expect((await D.browser.postForm(`/organiser/badges/${id}/award`, { _csrf: csrf, user_id: bLearner.userId, reason: 'A présenté Tchap' })).status).to.equal(303);
    const [award] = await awardsOf(t, bLearner.userId);
    expect(award!.badge_class_id).to.equal(id);
    expect(text(await (await A.browser.get(`/organiser/badges/${id}`)).text())).to.contain('Bérénice Venue-de-B');
    expect((await D.browser.postForm(`/organiser/badges/${id}/awards/${award!.id}/revoke`, { _csrf: csrf, reason: 'Erreur' })).status).to.equal(303);
    expect((await awardsOf(t, bLearner.userId))[0]!.revoked_at).to.not.equal(null);
  });

  it('refuses the session’s badge to a linking course and to an unrelated course (403), and nothing changes', async () => {
    const id = await createBadge(A, { ...base, name: 'Badge gardé', rule_kind: 'session-completed', session_id: sessionId });
    for (const who of [B, C]) {
      expect((await who.browser.get(`/organiser/badges/${id}`)).status).to.equal(403);
      expect((await who.browser.get(`/organiser/badges/${id}/edit`)).status).to.equal(403);
      const csrf = await csrfOf(who, '/organiser/badges/new');
      expect((await who.browser.postForm(`/organiser/badges/${id}/award`, { _csrf: csrf, user_id: bLearner.userId, reason: 'Non' })).status).to.equal(403);
      expect((await who.browser.postForm(`/organiser/badges/${id}/archive`, { _csrf: csrf, archived: 'yes' })).status).to.equal(403);
      expect(text(await (await who.browser.get('/organiser/badges')).text())).not.to.contain('Badge gardé');
    }
    expect((await awardsOf(t, bLearner.userId)).filter((a) => a.badge_class_id === id)).to.deep.equal([]);
    expect(rows<{ archived: boolean }>(await t.database.db.execute(sql`select archived from badge_classes where id = ${id}::uuid`))[0]!.archived).to.equal(false);
  });

  it('refuses to award by hand to someone who neither launched from the course nor took part in the badge’s session', async () => {
    const id = await createBadge(D, { ...base, name: 'Badge de D pour personne', rule_kind: 'session-completed', session_id: sessionId });
    const outsider = await signIn(t, { role: 'participant', contextId: 'badges-course-E' });
    const csrf = await csrfOf(D, `/organiser/badges/${id}`);
    expect((await D.browser.postForm(`/organiser/badges/${id}/award`, { _csrf: csrf, user_id: outsider.userId, reason: 'Non' })).status).to.equal(400);
    expect(await awardsOf(t, outsider.userId)).to.deep.equal([]);
  });

  it('refuses to revoke an award of a person the organiser may not see, whose name the page hides (403, nothing changes)', async () => {
    const id = await createBadge(A, { ...base, name: 'Badge manuel de A', rule_kind: 'manual' });
    const stranger = await signIn(t, { role: 'participant', contextId: 'badges-course-F', name: 'Félix Étranger' });
    const [inserted] = rows<{ id: string }>(
      await t.database.db.execute(sql`insert into badge_awards (badge_class_id, user_ref, recipient_type, recipient_salt, recipient_hash, issued_on, method, statement_id) values (${id}::uuid, ${stranger.userId}::uuid, 'email', 's', 'sha256$x', now(), 'automatic', gen_random_uuid()) returning id`),
    );
    const page = text(await (await A.browser.get(`/organiser/badges/${id}`)).text());
    expect(page).not.to.contain('Félix Étranger');
    const csrf = await csrfOf(A, `/organiser/badges/${id}`);
    expect((await A.browser.postForm(`/organiser/badges/${id}/awards/${inserted!.id}/revoke`, { _csrf: csrf, reason: 'Pour voir' })).status).to.equal(403);
    expect((await awardsOf(t, stranger.userId))[0]!.revoked_at).to.equal(null);
  });
});
