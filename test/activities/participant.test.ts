import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { addTopics, buildSession, configure, countRows, countStatements, QUIZ_SETTINGS } from './helpers';

describe('activities: participant pages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('shows the session page with what, when, where, resources and activities, in French', async () => {
    const { session } = await buildSession(t.database.db, { title: 'Découvrir OpenStreetMap' });
    await configure(t.database.db, session.id, [{ kind: 'self-positioning', required: true }, { kind: 'quiz' }]);
    const { browser } = await signIn(t, { sessionId: session.id });
    const res = await browser.get(`/sessions/${session.id}`);
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain('Découvrir OpenStreetMap').and.contain('Hall du rectorat').and.contain('Le site OpenStreetMap');
    expect(html).to.contain('<strong>carte</strong>');
    expect(html).to.contain('Auto-positionnement').and.contain('À faire').and.contain('Quiz');
    expect(html).to.contain(`/sessions/${session.id}/checkin`);
  });

  it('records the launch that led to the session page once, with its statement', async () => {
    const { session } = await buildSession(t.database.db);
    const before = await countStatements(t.database.db, 'launched');
    const { browser } = await signIn(t, { sessionId: session.id });
    await browser.get(`/sessions/${session.id}`);
    await browser.get(`/sessions/${session.id}`);
    expect(await countStatements(t.database.db, 'launched')).to.equal(before + 1);
    const organiser = await signIn(t, { role: 'organiser', sessionId: session.id });
    await organiser.browser.get(`/sessions/${session.id}`);
    expect(await countStatements(t.database.db, 'launched')).to.equal(before + 1);
  });

  it('refuses the session page without a launch (401) and hides a draft from participants (404)', async () => {
    const { session } = await buildSession(t.database.db, { status: 'draft' });
    expect((await new Browser(t.url).get(`/sessions/${session.id}`)).status).to.equal(401);
    const { browser } = await signIn(t, {});
    expect((await browser.get(`/sessions/${session.id}`)).status).to.equal(404);
    expect((await browser.get('/sessions/not-a-uuid')).status).to.equal(404);
  });

  it('does not let Markdown in a description inject script', async () => {
    const { session } = await buildSession(t.database.db, { descriptionMd: 'Bonjour <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>' });
    const { browser } = await signIn(t, {});
    const html = await (await browser.get(`/sessions/${session.id}`)).text();
    expect(html).not.to.contain('<script>alert').and.not.to.contain('javascript:alert').and.not.to.contain('onerror');
  });

  it('records an opened resource with its statement and redirects to it', async () => {
    const { session, resources } = await buildSession(t.database.db);
    const { browser } = await signIn(t, { sessionId: session.id });
    const before = await countStatements(t.database.db, 'experienced');
    const res = await browser.get(`/sessions/${session.id}/resources/${resources[0]!.id}`);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('https://www.openstreetmap.org/');
    expect(await countStatements(t.database.db, 'experienced')).to.equal(before + 1);
    expect(await (await browser.get(`/sessions/${session.id}`)).text()).to.contain('Consultée');
    expect((await browser.get(`/sessions/${session.id}/resources/00000000-0000-0000-0000-000000000000`)).status).to.equal(404);
  });

  it('saves self-positioning answers one by one; a double submit stores one answer and one statement', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'self-positioning', required: true }]);
    const { browser } = await signIn(t, { sessionId: session.id });
    const page = await browser.get(`/sessions/${session.id}/positioning`);
    const html = await page.text();
    expect(html).to.contain('Je peux former d&#x27;autres personnes').and.contain('avant cette session, j&#x27;étais');
    const _csrf = csrfTokenFrom(html);
    const before = await countStatements(t.database.db);
    for (let i = 0; i < 2; i++) {
      const res = await browser.postForm(`/sessions/${session.id}/positioning`, { _csrf, competence: '2.3', moment: 'after', step: '3' });
      expect(res.status).to.equal(303);
    }
    expect(await countStatements(t.database.db)).to.equal(before + 1);
    const again = await (await browser.get(`/sessions/${session.id}/positioning`)).text();
    expect(again).to.contain('Je maîtrise');
    expect(await (await browser.get(`/sessions/${session.id}`)).text()).to.contain('En cours');
  });

  it('asks the "before" self-positioning while the session is to come, and the "after" ones only once it started', async () => {
    const startsAt = new Date(t.clock.now().getTime() + 2 * 24 * 3600 * 1000);
    const { session } = await buildSession(t.database.db, { startsAt });
    await configure(t.database.db, session.id, [{ kind: 'self-positioning', required: true }]);
    const first = await signIn(t, { sessionId: session.id });
    const html = await (await first.browser.get(`/sessions/${session.id}/positioning`)).text();
    expect(html).to.contain('Avant la session, où en êtes-vous').and.not.contain('Avec le recul');
    const _csrf = csrfTokenFrom(html);
    expect((await first.browser.postForm(`/sessions/${session.id}/positioning`, { _csrf, competence: '2.3', moment: 'after', step: '2' })).status).to.equal(409);
    expect((await first.browser.postForm(`/sessions/${session.id}/positioning`, { _csrf, competence: '2.3', moment: 'before', step: '1' })).status).to.equal(303);
    t.clock.advance(2 * 24 * 3600 * 1000 + 60_000);
    try {
      const { browser } = await signIn(t, { sessionId: session.id, sub: first.sub });
      const after = await (await browser.get(`/sessions/${session.id}/positioning`)).text();
      expect(after).to.contain('Vos réponses avant la session').and.contain('2.3 : Je découvre').and.contain('Avec le recul');
    } finally {
      t.clock.advance(-(2 * 24 * 3600 * 1000 + 60_000));
    }
  });

  it('stores one answer and one statement when the same answer is sent twice at the same moment', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'satisfaction', required: true }]);
    const { browser } = await signIn(t, { sessionId: session.id });
    const _csrf = csrfTokenFrom(await (await browser.get(`/sessions/${session.id}/satisfaction`)).text());
    const rated = await countStatements(t.database.db, 'rated');
    const completions = await countRows(t.database.db, 'activity_session_completions');
    const results = await Promise.all([1, 2, 3].map(() => browser.postForm(`/sessions/${session.id}/satisfaction`, { _csrf, rating: '4' })));
    expect(results.map((r) => r.status)).to.deep.equal([303, 303, 303]);
    expect(await countStatements(t.database.db, 'rated')).to.equal(rated + 1);
    expect(await countRows(t.database.db, 'activity_session_completions')).to.equal(completions + 1);
  });

  it('rejects a bad self-positioning answer with a French message next to the field, storing nothing', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'self-positioning' }]);
    const { browser } = await signIn(t, { sessionId: session.id });
    const _csrf = csrfTokenFrom(await (await browser.get(`/sessions/${session.id}/positioning`)).text());
    const answers = await countRows(t.database.db, 'activity_answers');
    const bad = await browser.postForm(`/sessions/${session.id}/positioning`, { _csrf, competence: '2.3', moment: 'after', step: '9' });
    expect(bad.status).to.equal(400);
    expect(await bad.text()).to.contain('Choisissez une réponse sur l&#x27;échelle.').and.contain('invalid-feedback');
    const unknown = await browser.postForm(`/sessions/${session.id}/positioning`, { _csrf, competence: '9.9', moment: 'after', step: '2' });
    expect(unknown.status).to.equal(400);
    const closed = await browser.postForm(`/sessions/${session.id}/positioning`, { _csrf, competence: '2.3', moment: 'before', step: '2' });
    expect(closed.status).to.equal(409);
    expect(await countRows(t.database.db, 'activity_answers')).to.equal(answers);
  });

  it('refuses a form posted without its CSRF token (403) and stores nothing', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'satisfaction' }]);
    const { browser } = await signIn(t, { sessionId: session.id });
    await browser.get(`/sessions/${session.id}/satisfaction`);
    const answers = await countRows(t.database.db, 'activity_answers');
    const res = await browser.postForm(`/sessions/${session.id}/satisfaction`, { rating: '4' });
    expect(res.status).to.equal(403);
    expect(await countRows(t.database.db, 'activity_answers')).to.equal(answers);
  });

  it('scores the quiz, keeps answers across reloads, and completes the session when the required quiz is done', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'quiz', required: true }, { kind: 'satisfaction' }]);
    const { browser } = await signIn(t, { sessionId: session.id });
    const html = await (await browser.get(`/sessions/${session.id}/quiz`)).text();
    const _csrf = csrfTokenFrom(html);
    const noCertainty = await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q1', choices: 'c1' });
    expect(noCertainty.status).to.equal(400);
    expect(await noCertainty.text()).to.contain('Indiquez votre degré de certitude.');
    const twoForSingle = await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q1', choices: ['c1', 'c2'], certainty: '3' });
    expect(twoForSingle.status).to.equal(400);
    const unknownChoice = await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q1', choices: 'c9', certainty: '3' });
    expect(unknownChoice.status).to.equal(400);
    const oddCertainty = await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q1', choices: 'c1', certainty: '2.5' });
    expect(oddCertainty.status).to.equal(400);
    expect(await oddCertainty.text()).to.match(/Indiquez votre degré de certitude\.|Cette valeur n&#x27;est pas valide\./);
    const unknownQuestion = await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q42', choices: 'c1', certainty: '3' });
    expect(unknownQuestion.status).to.equal(400);
    expect(await countStatements(t.database.db, 'answered')).to.equal(0);

    expect((await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q1', choices: 'c1', certainty: '4' })).status).to.equal(303);
    const reloaded = await (await browser.get(`/sessions/${session.id}/quiz`)).text();
    expect(reloaded).to.contain('Oui : une carte collaborative.').and.contain('Certitude : Sans aucun doute');
    expect((await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q2', choices: ['c1', 'c2'], certainty: '2' })).status).to.equal(303);
    expect((await browser.postForm(`/sessions/${session.id}/quiz`, { _csrf, question: 'q2', choices: ['c1', 'c3'], certainty: '2' })).status).to.equal(303);

    expect(await countStatements(t.database.db, 'answered')).to.equal(2);
    expect(await countStatements(t.database.db, 'passed')).to.equal(1);
    const done = await (await browser.get(`/sessions/${session.id}/quiz`)).text();
    expect(done).to.contain('Score : 1 sur 2.').and.contain('Quiz réussi.');
    const page = await (await browser.get(`/sessions/${session.id}`)).text();
    expect(page).to.contain('Session terminée le');
    expect(await countRows(t.database.db, 'activity_session_completions')).to.be.greaterThan(0);
    expect(QUIZ_SETTINGS.masteryPercent).to.equal(50);
  });

  it('saves the needs survey with a statement per need, and rejects an empty or unknown choice', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'needs', settings: { askCompetence: true } }]);
    const topics = await addTopics(t.database.db);
    const { browser } = await signIn(t, { sessionId: session.id });
    const html = await (await browser.get(`/sessions/${session.id}/needs`)).text();
    expect(html).to.contain('Tchap').and.contain('Données personnelles');
    const _csrf = csrfTokenFrom(html);
    const empty = await browser.postForm(`/sessions/${session.id}/needs`, { _csrf });
    expect(empty.status).to.equal(400);
    expect(await empty.text()).to.contain('Cochez un outil ou un thème');
    const unknown = await browser.postForm(`/sessions/${session.id}/needs`, { _csrf, topics: '00000000-0000-0000-0000-000000000000' });
    expect(unknown.status).to.equal(400);
    const badCompetence = await browser.postForm(`/sessions/${session.id}/needs`, { _csrf, competence: '9.9' });
    expect(badCompetence.status).to.equal(400);
    expect(await countStatements(t.database.db, 'recommended')).to.equal(0);
    const ok = await browser.postForm(`/sessions/${session.id}/needs`, { _csrf, topics: [topics[0]!.id, topics[1]!.id], free_text: 'Messagerie Tchap', competence: '4.2' });
    expect(ok.status).to.equal(303);
    expect(await countStatements(t.database.db, 'recommended')).to.equal(4);
  });

  it('rejects a rating above the scale and records a valid one', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'satisfaction', settings: { scaleMax: 5 } }]);
    const { browser } = await signIn(t, { sessionId: session.id });
    const _csrf = csrfTokenFrom(await (await browser.get(`/sessions/${session.id}/satisfaction`)).text());
    const bad = await browser.postForm(`/sessions/${session.id}/satisfaction`, { _csrf, rating: '7' });
    expect(bad.status).to.equal(400);
    expect(await bad.text()).to.contain('Choisissez une note.');
    const missing = await browser.postForm(`/sessions/${session.id}/satisfaction`, { _csrf, comment: 'x' });
    expect(missing.status).to.equal(400);
    expect((await browser.postForm(`/sessions/${session.id}/satisfaction`, { _csrf, rating: '5', comment: 'Très utile' })).status).to.equal(303);
    expect(await (await browser.get(`/sessions/${session.id}/satisfaction`)).text()).to.contain('Merci pour votre avis.');
  });

  it('opens the D+30 follow-up only after the delay, then records it', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'follow-up', settings: { delayDays: 30 } }]);
    const first = await signIn(t, { sessionId: session.id });
    let browser = first.browser;
    const html = await (await browser.get(`/sessions/${session.id}/follow-up`)).text();
    expect(html).to.contain('Ce questionnaire ouvrira le');
    const early = await browser.postForm(`/sessions/${session.id}/follow-up`, { _csrf: csrfTokenFrom(await (await browser.get('/me/offers')).text()), used_since: 'yes', frequency: 'weekly' });
    expect(early.status).to.equal(409);
    t.clock.advance(31 * 24 * 3600 * 1000);
    try {
      // A month later the participant launches again from Moodle.
      browser = (await signIn(t, { sessionId: session.id, sub: first.sub })).browser;
      const _csrf = csrfTokenFrom(await (await browser.get('/me/offers')).text());
      expect(await (await browser.get(`/sessions/${session.id}`)).text()).to.contain('Un mois a passé');
      // Launching into another session a month later also points to the open follow-up.
      const { session: next } = await buildSession(t.database.db, { title: 'Session suivante', startsAt: t.clock.now() });
      const elsewhere = await signIn(t, { sessionId: next.id, sub: first.sub });
      const nextPage = await (await elsewhere.browser.get(`/sessions/${next.id}`)).text();
      expect(nextPage).to.contain('Un mois après, dites-nous').and.contain(`/sessions/${session.id}/follow-up`);
      const mine = await (await browser.get('/me/sessions')).text();
      expect(mine, mine.slice(mine.indexOf('<main'))).to.contain('Répondre au suivi à un mois');
      const noFrequency = await browser.postForm(`/sessions/${session.id}/follow-up`, { _csrf, used_since: 'yes' });
      expect(noFrequency.status).to.equal(400);
      expect(await noFrequency.text()).to.contain('Indiquez à quelle fréquence');
      const ok = await browser.postForm(`/sessions/${session.id}/follow-up`, { _csrf, used_since: 'yes', frequency: 'weekly', purposes: 'Cartes de sorties\nPlans', obstacles: ['time', 'other'], obstacles_other: 'Réseau' });
      expect(ok.status).to.equal(303);
      expect(await (await browser.get(`/sessions/${session.id}/follow-up`)).text()).to.contain('Cartes de sorties ; Plans');
    } finally {
      t.clock.advance(-31 * 24 * 3600 * 1000);
    }
  });

  it('lists my sessions, and takes "I can present a tool" offers with French errors', async () => {
    const { session } = await buildSession(t.database.db, { title: 'Session de Camille' });
    const { browser } = await signIn(t, { sessionId: session.id });
    expect(await (await browser.get('/me/sessions')).text()).to.contain('Session de Camille');
    const html = await (await browser.get('/me/offers')).text();
    const _csrf = csrfTokenFrom(html);
    const offers = await countRows(t.database.db, 'activity_offers');
    const bad = await browser.postForm('/me/offers', { _csrf, tool: '', description: '' });
    expect(bad.status).to.equal(400);
    const text = await bad.text();
    expect(text).to.contain('Indiquez l&#x27;outil que vous pourriez présenter.').and.contain('aria-invalid="true"');
    const badCompetence = await browser.postForm('/me/offers', { _csrf, tool: 'Tchap', description: 'Les salons', competence: '42' });
    expect(badCompetence.status).to.equal(400);
    expect(await countRows(t.database.db, 'activity_offers')).to.equal(offers);
    expect((await browser.postForm('/me/offers', { _csrf, tool: 'Tchap', description: 'Les salons', competence: '2.1' })).status).to.equal(303);
    expect(await (await browser.get('/me/offers')).text()).to.contain('Les salons');
  });

  it('speaks English when the launch asked for it', async () => {
    const { session } = await buildSession(t.database.db);
    await configure(t.database.db, session.id, [{ kind: 'quiz' }]);
    const { browser } = await signIn(t, { sessionId: session.id, locale: 'en-GB' });
    const html = await (await browser.get(`/sessions/${session.id}`)).text();
    expect(html).to.contain('<html lang="en">').and.contain('My activities').and.contain('To do');
    expect(await (await browser.get(`/sessions/${session.id}/quiz`)).text()).to.contain('Pass mark: 50%');
  });

  it('shows what people typed as text, never as markup', async () => {
    const { session } = await buildSession(t.database.db);
    const { browser } = await signIn(t, { sessionId: session.id });
    const _csrf = csrfTokenFrom(await (await browser.get('/me/offers')).text());
    await browser.postForm('/me/offers', { _csrf, tool: '<script>alert(1)</script>', description: '<img src=x onerror=alert(2)>' });
    const html = await (await browser.get('/me/offers')).text();
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.contain('<img src=x');
  });

  it('keeps participants out of organiser pages (403)', async () => {
    const { session } = await buildSession(t.database.db);
    const { browser } = await signIn(t, { role: 'participant', sessionId: session.id });
    for (const path of [`/organiser/sessions/${session.id}/activities`, `/organiser/sessions/${session.id}/checkin`, `/organiser/sessions/${session.id}/participants`, '/organiser/offers', '/organiser/wishes']) {
      expect((await browser.get(path)).status, path).to.equal(403);
    }
  });
});
