import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { addTopics, buildSession, configure, countRows } from './helpers';
import { quizFields, TWO_QUESTIONS } from './quiz-form';

describe('activities: organiser pages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  async function organiserWithSession(contextId = `course-${Math.random()}`) {
    const organiser = await signIn(t, { role: 'organiser', contextId });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef });
    const html = await (await organiser.browser.get(`/organiser/sessions/${session.id}/activities`)).text();
    return { organiser, session, csrf: csrfTokenFrom(html), html, contextId };
  }

  it('saves the activities of a session, quiz included, and shows them back', async () => {
    const { organiser, session, csrf, html } = await organiserWithSession();
    expect(html).to.contain('Activités de la session').and.contain('Je découvre → Novice');
    const res = await organiser.browser.postForm(`/organiser/sessions/${session.id}/activities`, {
      _csrf: csrf,
      sp_enabled: 'on',
      sp_required: 'on',
      sp_retrospective: 'on',
      quiz_enabled: 'on',
      quiz_required: 'on',
      quiz_title: 'Quiz OSM',
      quiz_mastery: '60',
      quiz_certainty: 'on',
      ...quizFields(TWO_QUESTIONS),
      satisfaction_enabled: 'on',
      followup_enabled: 'on',
      followup_delay: '30',
    });
    expect(res.status).to.equal(303);
    const back = await (await organiser.browser.get(`/organiser/sessions/${session.id}/activities?saved=1`)).text();
    expect(back).to.contain('Activités enregistrées.').and.contain('>Quelles licences ?</textarea>').and.contain('value="Quiz OSM"');
    expect(await countRows(t.database.db, 'activity_configs')).to.be.greaterThanOrEqual(4);

    const preview = await (await organiser.browser.get(`/sessions/${session.id}`)).text();
    expect(preview).to.contain(`href="/organiser/sessions/${session.id}/checkin"`);
    const p = await signIn(t, { sessionId: session.id });
    expect(await (await p.browser.get(`/sessions/${session.id}`)).text()).not.to.contain('/organiser/sessions/');
    const quiz = await (await p.browser.get(`/sessions/${session.id}/quiz`)).text();
    expect(quiz).to.contain('Qui peut modifier OpenStreetMap ?').and.contain('type="checkbox" name="choices"').and.contain('Seuil de réussite : 60 %');
  });

  it('re-shows the form with French messages next to the fields for bad numbers, changing nothing', async () => {
    const { organiser, session, csrf } = await organiserWithSession();
    await configure(t.database.db, session.id, [{ kind: 'satisfaction' }]);
    const before = await countRows(t.database.db, 'activity_configs');
    const badNumbers = await organiser.browser.postForm(`/organiser/sessions/${session.id}/activities`, { _csrf: csrf, quiz_mastery: '150', followup_delay: 'abc' });
    expect(badNumbers.status).to.equal(400);
    const text = await badNumbers.text();
    expect(text).to.contain('Indiquez un seuil entre 0 et 100.').and.contain('Indiquez un nombre de jours entre 1 et 365.');
    expect(text).to.contain('<a class="alert-link" href="#quiz_mastery">Indiquez un seuil entre 0 et 100.</a>');
    expect(await countRows(t.database.db, 'activity_configs')).to.equal(before);
    const satisfaction = await (await organiser.browser.get(`/organiser/sessions/${session.id}/activities`)).text();
    expect(satisfaction).to.match(/id="satisfaction_enabled" name="satisfaction_enabled" checked/);
  });

  it('refuses self-positioning for a session that targets no competence', async () => {
    const organiser = await signIn(t, { role: 'organiser', contextId: 'course-nocomp' });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, competences: [] });
    const csrf = csrfTokenFrom(await (await organiser.browser.get(`/organiser/sessions/${session.id}/activities`)).text());
    const res = await organiser.browser.postForm(`/organiser/sessions/${session.id}/activities`, { _csrf: csrf, sp_enabled: 'on', quiz_mastery: '70', followup_delay: '30' });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain('ne vise encore aucune compétence');
  });

  it("refuses another course's organiser (403) and an unknown session (404)", async () => {
    const { session } = await organiserWithSession();
    const other = await signIn(t, { role: 'organiser', contextId: 'other-course' });
    expect((await other.browser.get(`/organiser/sessions/${session.id}/activities`)).status).to.equal(403);
    expect((await other.browser.get('/organiser/sessions/00000000-0000-0000-0000-000000000000/activities')).status).to.equal(404);
    const html = await (await other.browser.get('/me/offers')).text();
    const res = await other.browser.postForm(`/organiser/sessions/${session.id}/activities`, { _csrf: csrfTokenFrom(html), needs_enabled: 'on', quiz_mastery: '70', followup_delay: '30' });
    expect(res.status).to.equal(403);
  });

  it('lists the offers made from the organiser course only, and free-text wishes without names', async () => {
    const { organiser, session, contextId } = await organiserWithSession();
    await configure(t.database.db, session.id, [{ kind: 'needs' }]);
    const p = await signIn(t, { sessionId: session.id, contextId, name: 'Dominique Offre' });
    const offerCsrf = csrfTokenFrom(await (await p.browser.get('/me/offers')).text());
    await p.browser.postForm('/me/offers', { _csrf: offerCsrf, tool: 'Peertube', description: 'Publier des vidéos' });
    const needsCsrf = csrfTokenFrom(await (await p.browser.get(`/sessions/${session.id}/needs`)).text());
    expect((await p.browser.postForm(`/sessions/${session.id}/needs`, { _csrf: needsCsrf, free_text: 'Apprendre Tchap' })).status).to.equal(303);
    const stranger = await signIn(t, { contextId: 'elsewhere', name: 'Autre Personne' });
    await stranger.browser.postForm('/me/offers', { _csrf: csrfTokenFrom(await (await stranger.browser.get('/me/offers')).text()), tool: 'Scratch', description: 'Programmer' });

    const offers = await (await organiser.browser.get('/organiser/offers')).text();
    expect(offers).to.contain('Peertube').and.contain('Dominique Offre').and.not.contain('Scratch');
    // One respondent: below PRIVACY_MIN_GROUP_TEXT (10), the wish is not shown at all.
    const wishes = await (await organiser.browser.get('/organiser/wishes')).text();
    expect(wishes).to.contain('Moins de 10 personnes ont répondu').and.not.contain('Apprendre Tchap').and.not.contain('Dominique Offre');
  });

  it('shows free-text wishes only from 10 respondents, in text order, without dates, and without a session that had fewer', async () => {
    const { organiser, session, contextId } = await organiserWithSession();
    const { session: small } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, title: 'Petite session' });
    await configure(t.database.db, session.id, [{ kind: 'needs' }]);
    await configure(t.database.db, small.id, [{ kind: 'needs' }]);
    const answer = async (sessionId: string, i: number, freeText: string) => {
      const p = await signIn(t, { sessionId, contextId, name: `Répondant ${sessionId.slice(0, 4)} ${i}` });
      const csrf = csrfTokenFrom(await (await p.browser.get(`/sessions/${sessionId}/needs`)).text());
      expect((await p.browser.postForm(`/sessions/${sessionId}/needs`, { _csrf: csrf, free_text: freeText })).status).to.equal(303);
    };
    for (let i = 0; i < 8; i++) await answer(session.id, i, i === 0 ? 'Zotero en équipe' : `Souhait ${i}`);
    await answer(small.id, 0, 'Atelier Scratch');
    const nine = await (await organiser.browser.get('/organiser/wishes')).text();
    expect(nine).to.contain('Moins de 10 personnes ont répondu').and.not.contain('Zotero');
    await answer(small.id, 1, 'Bureautique');
    const ten = await (await organiser.browser.get('/organiser/wishes')).text();
    expect(ten).to.contain('Zotero en équipe').and.contain('Atelier Scratch');
    // Neither session had 10 respondents: no session is named; text order, never time order; no dates.
    expect(ten).not.to.contain('Petite session').and.not.to.contain(`>${session.title}<`);
    expect(ten.indexOf('Atelier Scratch')).to.be.lessThan(ten.indexOf('Bureautique'));
    expect(ten.indexOf('Bureautique')).to.be.lessThan(ten.indexOf('Zotero'));
    expect(ten).not.to.match(/\d{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? 20\d\d/);
  });

  it('shows organisers who are not administrators the académie-wide topic list without its forms', async () => {
    const organiser = await signIn(t, { role: 'organiser', contextId: 'course-topics-read' });
    await addTopics(t.database.db).catch(() => undefined);
    const html = await (await organiser.browser.get('/organiser/wishes')).text();
    expect(html).to.contain('Tchap').and.contain('seuls les comptes d&#x27;administration');
    expect(html).not.to.contain('action="/organiser/wishes/topics');
  });

  it('lets an administrator maintain the list of tools and themes, refusing a duplicate or an empty label', async () => {
    const organiser = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-topics' });
    await addTopics(t.database.db).catch(() => undefined);
    const html = await (await organiser.browser.get('/organiser/wishes')).text();
    const _csrf = csrfTokenFrom(html);
    const before = await countRows(t.database.db, 'activity_need_topics');
    const empty = await organiser.browser.postForm('/organiser/wishes/topics', { _csrf, kind: 'tool', label: '  ' });
    expect(empty.status).to.equal(400);
    const badKind = await organiser.browser.postForm('/organiser/wishes/topics', { _csrf, kind: 'planet', label: 'Mars' });
    expect(badKind.status).to.equal(400);
    const duplicate = await organiser.browser.postForm('/organiser/wishes/topics', { _csrf, kind: 'tool', label: 'tchap' });
    expect(duplicate.headers.get('location')).to.equal('/organiser/wishes?error=duplicate');
    expect(await countRows(t.database.db, 'activity_need_topics')).to.equal(before);
    expect(await (await organiser.browser.get('/organiser/wishes?error=duplicate')).text()).to.contain('Ce libellé est déjà dans la liste.');
    expect((await organiser.browser.postForm('/organiser/wishes/topics', { _csrf, kind: 'theme', label: 'Intelligence artificielle' })).status).to.equal(303);
    expect(await countRows(t.database.db, 'activity_need_topics')).to.equal(before + 1);
  });
});
