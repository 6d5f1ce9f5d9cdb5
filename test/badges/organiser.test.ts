import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { rasterise, templateSvg } from '../../src/badges/images';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { buildSession } from '../activities/helpers';
import { awardsOf, courseWithSession, createBadge, earnedBadge, postBadgeForm } from './helpers';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');
const base = { name: 'Cartographe', description: 'A cartographié.', criteria: 'Avoir achevé des sessions.' };

describe('badges: authoring by organisers, awards by hand, revocation', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  const classCount = async () => {
    const r = await t.database.db.execute(sql`select count(*)::int as n from badge_classes`);
    return Number(((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows)[0] as { n: number }).n);
  };

  it('refuses rules that can never fire, each with a French message by its field, and writes nothing', async () => {
    const { organiser, session } = await courseWithSession(t);
    const other = await courseWithSession(t);
    const before = await classCount();
    const cases: Array<[Record<string, string>, string]> = [
      [{ rule_kind: 'sessions-count', count: '0' }, 'Indiquez un nombre entier de sessions, de 1 à 100.'],
      [{ rule_kind: 'sessions-count', count: '2.5' }, 'Indiquez un nombre entier de sessions, de 1 à 100.'],
      [{ rule_kind: 'sessions-count', count: '2', from: '2026-05-01', to: '2026-04-01' }, 'La fin de la période doit suivre son début.'],
      [{ rule_kind: 'sessions-count', count: '2', from: '2020-01-01', to: '2020-06-30' }, 'Cette période est terminée'],
      [{ rule_kind: 'session-completed', session_id: other.session.id }, "Cette session n'existe pas, ou vous ne l'organisez pas (ni votre cours ni un cours co-organisateur)"],
      [{ rule_kind: 'session-completed', session_id: '' }, 'Choisissez la session.'],
      [{ rule_kind: 'positioning-gain', competence: 'crcn:9.9', gain: '2' }, "Cette compétence n'existe pas"],
      [{ rule_kind: 'positioning-gain', competence: 'crcn:2.3', gain: '8' }, 'Indiquez un gain entier de 1 à 7 niveaux.'],
      [{ rule_kind: 'manual', scope: 'academie' }, "Seule l'administration crée des badges académiques."],
      [{ rule_kind: 'bogus' }, "Choisissez une règle d'attribution."],
      [{ rule_kind: 'manual', name: '' }, 'Indiquez le nom du badge.'],
    ];
    for (const [fields, message] of cases) {
      const res = await postBadgeForm(organiser, { ...base, ...fields });
      expect(res.status, JSON.stringify(fields)).to.equal(400);
      expect(text(await res.text()), JSON.stringify(fields)).to.contain(message);
    }
    // A series with fewer sessions than asked.
    const inserted = await t.database.db.execute(sql`insert into catalog_series (title, owner_context_ref) values ('Cycle cartes', ${organiser.contextRef}::uuid) returning id`);
    const seriesId = ((Array.isArray(inserted) ? inserted : (inserted as { rows: unknown[] }).rows)[0] as { id: string }).id;
    await t.database.db.execute(sql`update catalog_sessions set series_id = ${seriesId}::uuid where id = ${session.id}::uuid`);
    const res = await postBadgeForm(organiser, { ...base, rule_kind: 'sessions-count', count: '3', series_id: String(seriesId) });
    expect(res.status).to.equal(400);
    expect(text(await res.text())).to.contain('La série compte moins de sessions que le nombre demandé');
    expect(await classCount()).to.equal(before);
  });

  it('checks uploaded images by their content and size: a script in an SVG, text named .png, an oversized file are refused', async () => {
    const { organiser } = await courseWithSession(t);
    const before = await classCount();
    const refuse = async (image: { name: string; type: string; data: Buffer }, message: string) => {
      const res = await postBadgeForm(organiser, { ...base, rule_kind: 'manual', image_source: 'upload' }, image);
      expect(res.status, image.name).to.equal(400);
      expect(text(await res.text()), image.name).to.contain(message);
    };
    await refuse({ name: 'x.svg', type: 'image/svg+xml', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') }, 'contient un script');
    await refuse({ name: 'x.svg', type: 'image/svg+xml', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>') }, 'contient un script');
    await refuse({ name: 'x.png', type: 'image/png', data: Buffer.from('pas une image') }, "Ce fichier n'est ni une image PNG ni une image SVG.");
    await refuse({ name: 'x.png', type: 'image/png', data: Buffer.alloc(600 * 1024, 1) }, "L'image dépasse la taille autorisée.");
    expect(await classCount()).to.equal(before);
    const ok = await postBadgeForm(organiser, { ...base, rule_kind: 'manual', image_source: 'upload' }, { name: 'b.png', type: 'image/png', data: rasterise(templateSvg('ecusson', 'rouge', 'OK')) });
    expect(ok.status).to.equal(303);
    const id = /badges\/([0-9a-f-]{36})/.exec(ok.headers.get('location')!)![1]!;
    const img = await fetch(`${t.url}/badges/classes/${id}/image`);
    expect(img.headers.get('content-type')).to.equal('image/png');
    expect(img.headers.get('content-security-policy')).to.contain("default-src 'none'");
  });

  it('keeps each course to its own badges: another course’s organiser gets 403, a participant 403, a visitor 401, and nothing changes', async () => {
    const a = await courseWithSession(t);
    const badgeId = await createBadge(a.organiser, { rule_kind: 'session-completed', session_id: a.session.id });
    const b = await signIn(t, { role: 'organiser', contextId: 'course-other-b' });
    expect((await b.browser.get(`/organiser/badges/${badgeId}`)).status).to.equal(403);
    expect((await b.browser.get(`/organiser/badges/${badgeId}/edit`)).status).to.equal(403);
    const csrf = csrfTokenFrom(await (await b.browser.get('/organiser/badges/new')).text());
    expect((await b.browser.postForm(`/organiser/badges/${badgeId}/archive`, { _csrf: csrf, archived: 'yes' })).status).to.equal(403);
    expect(text(await (await b.browser.get('/organiser/badges')).text())).not.to.contain('Découvreuse ou découvreur OSM');
    const learner = await signIn(t, { role: 'participant', contextId: a.contextId });
    expect((await learner.browser.get('/organiser/badges')).status).to.equal(403);
    expect((await new Browser(t.url).get('/organiser/badges')).status).to.equal(401);
    const r = await t.database.db.execute(sql`select archived from badge_classes where id = ${badgeId}::uuid`);
    expect(((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows)[0] as { archived: boolean }).archived).to.equal(false);
  });

  it('shows an organiser no name of another course’s learner who earned their badge through a linked session', async () => {
    const a = await courseWithSession(t);
    const badgeId = await createBadge(a.organiser, { rule_kind: 'manual' });
    const stranger = await signIn(t, { role: 'participant', contextId: 'course-linking', name: 'Dominique Étrangère' });
    await t.database.db.execute(sql`insert into badge_awards (badge_class_id, user_ref, recipient_type, recipient_salt, recipient_hash, issued_on, method, statement_id) values (${badgeId}::uuid, ${stranger.userId}::uuid, 'email', 's', 'sha256$x', now(), 'automatic', gen_random_uuid())`);
    const page = text(await (await a.organiser.browser.get(`/organiser/badges/${badgeId}`)).text());
    expect(page).to.contain("Personne d'un autre cours");
    expect(page).not.to.contain('Dominique Étrangère');
  });

  it('awards by hand with a reason to a person of the course, once (409 the second time), and refuses a person of another course', async () => {
    const a = await courseWithSession(t);
    const badgeId = await createBadge(a.organiser, { rule_kind: 'manual' });
    const learner = await signIn(t, { role: 'participant', contextId: a.contextId, name: 'Alex Martin' });
    const page = await (await a.organiser.browser.get(`/organiser/badges/${badgeId}`)).text();
    expect(text(page)).to.contain('Alex Martin');
    const csrf = csrfTokenFrom(page);
    expect((await a.organiser.browser.postForm(`/organiser/badges/${badgeId}/award`, { _csrf: csrf, user_id: learner.userId, reason: '' })).headers.get('location')).to.contain('error=reason_required');
    expect((await a.organiser.browser.postForm(`/organiser/badges/${badgeId}/award`, { _csrf: csrf, user_id: learner.userId, reason: 'A présenté Tchap' })).status).to.equal(303);
    expect((await a.organiser.browser.postForm(`/organiser/badges/${badgeId}/award`, { _csrf: csrf, user_id: learner.userId, reason: 'Encore' })).status).to.equal(409);
    const outsider = await signIn(t, { role: 'participant', contextId: 'course-elsewhere' });
    expect((await a.organiser.browser.postForm(`/organiser/badges/${badgeId}/award`, { _csrf: csrf, user_id: outsider.userId, reason: 'Non' })).status).to.equal(400);
    expect(await awardsOf(t, outsider.userId)).to.have.length(0);
    const awards = await awardsOf(t, learner.userId);
    expect(awards.map((x) => x.method)).to.deep.equal(['manual']);
  });

  it('revokes with a reason only, once, and never for another course’s organiser', async () => {
    const e = await earnedBadge(t);
    const b = await signIn(t, { role: 'organiser', contextId: 'course-revoker-b' });
    const bCsrf = csrfTokenFrom(await (await b.browser.get('/organiser/badges/new')).text());
    expect((await b.browser.postForm(`/organiser/badges/${e.badgeId}/awards/${e.awardId}/revoke`, { _csrf: bCsrf, reason: 'Pour voir' })).status).to.equal(403);
    const csrf = csrfTokenFrom(await (await e.organiser.browser.get(`/organiser/badges/${e.badgeId}`)).text());
    expect((await e.organiser.browser.postForm(`/organiser/badges/${e.badgeId}/awards/${e.awardId}/revoke`, { _csrf: csrf, reason: '   ' })).headers.get('location')).to.contain('error=reason_required');
    expect((await awardsOf(t, e.earner.userId))[0]!.revoked_at).to.equal(null);
    expect((await e.organiser.browser.postForm(`/organiser/badges/${e.badgeId}/awards/${e.awardId}/revoke`, { _csrf: csrf, reason: 'Erreur de saisie' })).status).to.equal(303);
    expect((await e.organiser.browser.postForm(`/organiser/badges/${e.badgeId}/awards/${e.awardId}/revoke`, { _csrf: csrf, reason: 'Encore' })).status).to.equal(409);
    expect((await awardsOf(t, e.earner.userId))[0]!.revoked_at).to.not.equal(null);
  });

  it('lists the badges of a session and of a series for their course', async () => {
    const a = await courseWithSession(t);
    const { session: second } = await buildSession(t.database.db, { ownerContextRef: a.organiser.contextRef, title: 'Découvrir Tchap' });
    await createBadge(a.organiser, { name: 'Badge de la session', rule_kind: 'session-completed', session_id: a.session.id });
    await createBadge(a.organiser, { name: 'Badge de Tchap', rule_kind: 'session-completed', session_id: second.id });
    const page = text(await (await a.organiser.browser.get(`/organiser/badges?session=${a.session.id}`)).text());
    expect(page).to.contain('Badge de la session');
    expect(page).not.to.contain('Badge de Tchap');
    expect(page).to.contain('Achever la session « Découvrir OpenStreetMap »');
    expect((await a.organiser.browser.get('/organiser/badges?session=not-a-uuid')).status).to.equal(200);
  });
});
