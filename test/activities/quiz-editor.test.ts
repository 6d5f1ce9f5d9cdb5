import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom, type Browser } from '../support/http';
import { buildSession, configure, countRows, QUIZ_SETTINGS } from './helpers';
import { configSnapshot, openActivitiesForm, quizFields, storedQuiz, TWO_QUESTIONS, type QuizFieldQuestion } from './quiz-form';

/** The quiz editor over HTTP, as a browser without script uses it: every button posts the whole form. */
describe('activities: quiz editor (routes)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  async function organiserWithSession() {
    const contextId = `course-quiz-${Math.random()}`;
    const organiser = await signIn(t, { role: 'organiser', contextId });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef });
    return { organiser, session, contextId, ...(await openActivitiesForm(organiser.browser, session.id)) };
  }
  const base = (csrf: string, version: string) => ({ _csrf: csrf, version, quiz_enabled: 'on', quiz_mastery: '70', followup_delay: '30' });
  const post = (b: Browser, sessionId: string, fields: Record<string, string | string[]>) => b.postForm(`/organiser/sessions/${sessionId}/activities`, fields);

  async function answer(p: Browser, sessionId: string, question: string, choices: string[]) {
    // Any form's token will do: a finished quiz's page has no form left.
    const csrf = csrfTokenFrom(await (await p.get('/me/offers')).text());
    return p.postForm(`/sessions/${sessionId}/quiz`, { _csrf: csrf, question, choices, certainty: '3' });
  }

  it('saves two questions typed in the fields, with stable ids, and a participant sees them in that order', async () => {
    const { organiser, session, csrf, version, html, contextId } = await organiserWithSession();
    expect(html).to.contain('Questions du quiz').and.contain('Aperçu pour les participants').and.contain('Pas encore de question');
    expect(version).to.equal('none');
    const res = await post(organiser.browser, session.id, { ...base(csrf, version), quiz_title: 'Quiz OSM', ...quizFields(TWO_QUESTIONS), op: 'save' });
    expect(res.status).to.equal(303);
    const quiz = (await storedQuiz(t.database.db, session.id))!;
    expect(quiz.offered).to.equal(true);
    expect(quiz.settings.questions.map((q) => [q.text, q.competence, q.multiple])).to.deep.equal([
      ['Qui peut modifier OpenStreetMap ?', '2.3', false],
      ['Quelles licences ?', '3.2', true],
    ]);
    expect(quiz.settings.questions.every((q) => /^q-[0-9a-f]{8}$/.test(q.id))).to.equal(true);

    const back = await (await organiser.browser.get(`/organiser/sessions/${session.id}/activities`)).text();
    expect(back).to.contain(`name="q0-id" value="${quiz.settings.questions[0]!.id}"`).and.contain('value="Oui : une carte collaborative."');
    // The preview shows the quiz as participants see it, and what they see after answering.
    expect(back).to.contain('1. Qui peut modifier OpenStreetMap ?').and.contain('Après leur réponse, les participants voient');

    const p = await signIn(t, { sessionId: session.id, contextId });
    const page = await (await p.browser.get(`/sessions/${session.id}/quiz`)).text();
    expect(page.indexOf('1. Qui peut modifier OpenStreetMap ?')).to.be.greaterThan(0).and.lessThan(page.indexOf('2. Quelles licences ?'));
  });

  it('without script, adds, moves and deletes with the buttons: the form comes back changed, unsaved, focus on the field', async () => {
    const { organiser, session, csrf, version } = await organiserWithSession();
    const before = await configSnapshot(t.database.db);
    const added = await post(organiser.browser, session.id, { ...base(csrf, version), ...quizFields(TWO_QUESTIONS), op: 'add-question' });
    expect(added.status).to.equal(200);
    const addedHtml = await added.text();
    expect(addedHtml).to.match(/id="q2-text" name="q2-text" rows="2" maxlength="500" autofocus>/);
    expect(addedHtml).to.contain('Question 3 ajoutée. Pensez à enregistrer.').and.contain('>Quelles licences ?</textarea>');

    const moved = await (await post(organiser.browser, session.id, { ...base(csrf, version), ...quizFields(TWO_QUESTIONS), op: 'q1-up' })).text();
    expect(moved.indexOf('>Quelles licences ?</textarea>')).to.be.lessThan(moved.indexOf('>Qui peut modifier OpenStreetMap ?</textarea>'));
    expect(moved).to.match(/id="q0-down"[^>]*autofocus/).and.contain('Question déplacée de la position 2 à la position 1.');
    expect(moved).to.match(/id="q0-up"[^>]*hidden/);

    const choice = await (await post(organiser.browser, session.id, { ...base(csrf, version), ...quizFields(TWO_QUESTIONS), op: 'q1-c2-delete' })).text();
    expect(choice).not.to.contain('value="Copyright"');
    expect(choice).to.match(/id="q1-c1-text"[^>]*autofocus/);
    const deleted = await (await post(organiser.browser, session.id, { ...base(csrf, version), ...quizFields(TWO_QUESTIONS), op: 'q0-delete' })).text();
    expect(deleted).not.to.contain('Qui peut modifier');
    expect(deleted).to.contain('Question 1 supprimée.');
    expect(await configSnapshot(t.database.db)).to.equal(before);
  });

  const longText = 'x'.repeat(501);
  const one = (q: Partial<QuizFieldQuestion>): QuizFieldQuestion[] => [{ text: 'Question gardée', choices: [{ text: 'Réponse gardée', correct: true }, { text: 'b' }], ...q }];
  const BAD: Array<{ what: string; fields: Record<string, string | string[]>; message: string; near: string; kept?: string }> = [
    { what: 'an empty question', fields: quizFields(one({ text: '' })), message: 'Écrivez l&#x27;énoncé de la question.', near: 'q0-text-error', kept: 'value="Réponse gardée"' },
    { what: 'a question too long', fields: quizFields(one({ text: longText })), message: 'Ce texte est trop long (500 caractères au plus).', near: 'q0-text-error', kept: `>${longText}</textarea>` },
    { what: 'a single answer', fields: quizFields(one({ choices: [{ text: 'Réponse gardée', correct: true }] })), message: 'Il faut au moins deux réponses.', near: 'q0-choices-error' },
    { what: 'no right answer', fields: quizFields(one({ choices: [{ text: 'Réponse gardée' }, { text: 'b' }] })), message: 'Cochez au moins une bonne réponse.', near: 'q0-choices-error' },
    { what: 'two right answers without "several"', fields: quizFields(one({ choices: [{ text: 'Réponse gardée', correct: true }, { text: 'b', correct: true }] })), message: 'Plusieurs réponses sont cochées comme bonnes', near: 'q0-choices-error' },
    { what: 'nine answers', fields: quizFields(one({ choices: Array.from({ length: 9 }, (_, i) => ({ text: i ? `r${i}` : 'Réponse gardée', correct: i === 0 })) })), message: '8 réponses au plus par question.', near: 'q0-choices-error' },
    { what: 'twenty-one questions', fields: quizFields(Array.from({ length: 21 }, () => one({})[0]!)), message: '20 questions au plus.', near: 'quiz_questions-error' },
    { what: 'an unknown competence', fields: quizFields(one({ competence: '9.9' })), message: 'Choisissez une compétence de la liste.', near: 'q0-competence-error' },
    { what: 'an answer with a comment but no text', fields: quizFields(one({ choices: [{ text: 'Réponse gardée', correct: true }, { text: 'b' }, { text: '', feedback: 'orphelin' }] })), message: 'Écrivez le texte de la réponse, ou supprimez-la.', near: 'q0-c2-text-error' },
    { what: 'a comment too long', fields: quizFields(one({ choices: [{ text: 'Réponse gardée', correct: true, feedback: longText }, { text: 'b' }] })), message: 'Ce texte est trop long (500 caractères au plus).', near: 'q0-c0-feedback-error' },
    { what: 'a field sent twice', fields: { ...quizFields(one({})), 'q0-c1-text': ['b', 'c'] }, message: 'Cette valeur n&#x27;est pas valide.', near: 'q0-c1-text-error' },
    { what: 'no question at all', fields: {}, message: 'Ajoutez au moins une question.', near: 'quiz_questions-error' },
    { what: 'an action that does not exist', fields: { ...quizFields(one({})), op: 'q0-explode' }, message: 'Cette action n&#x27;existe pas', near: 'href="#activities-form"' },
    { what: 'an action on a missing question', fields: { ...quizFields(one({})), op: 'q7-delete' }, message: 'Cette action n&#x27;existe pas', near: 'href="#activities-form"' },
    { what: 'a twenty-first question', fields: { ...quizFields(Array.from({ length: 20 }, () => one({})[0]!)), op: 'add-question' }, message: '20 questions au plus.', near: 'quiz_questions-error' },
    { what: 'a pass mark of 150', fields: { ...quizFields(one({})), quiz_mastery: '150' }, message: 'Indiquez un seuil entre 0 et 100.', near: 'quiz_mastery-error' },
    { what: 'a text to import with errors', fields: { ...quizFields(one({})), op: 'import', quiz_text: '? Sans bonne réponse\n- a\n- b\nphrase libre' }, message: 'Question 1 : indiquez au moins une bonne réponse', near: 'quiz_text-error' },
  ];

  it('refuses bad input of every kind with a 400, the message beside the field and in the summary, what was typed kept, nothing changed', async () => {
    const { organiser, session, csrf, version } = await organiserWithSession();
    await configure(t.database.db, session.id, [{ kind: 'quiz', settings: QUIZ_SETTINGS }]);
    const current = (await openActivitiesForm(organiser.browser, session.id)).version;
    const before = await configSnapshot(t.database.db);
    for (const bad of BAD) {
      const res = await post(organiser.browser, session.id, { ...base(csrf, current), op: 'save', ...bad.fields });
      const html = await res.text();
      expect(res.status, bad.what).to.equal(400);
      expect(html, bad.what).to.contain(bad.message).and.contain(bad.near).and.contain('Le formulaire contient des erreurs');
      if (Object.keys(bad.fields).length) expect(html, bad.what).to.contain(bad.kept ?? '>Question gardée</textarea>');
    }
    expect(await configSnapshot(t.database.db)).to.equal(before);
    expect(version).to.equal('none');
  });

  it('detects a save made in between: 409, the typed questions kept with the current version; saving again overwrites', async () => {
    const { organiser, session, csrf, version } = await organiserWithSession();
    const other = await signIn(t, { role: 'organiser', contextId: 'admin-course', isAdmin: true });
    const theirs = await openActivitiesForm(other.browser, session.id);
    expect((await post(other.browser, session.id, { ...base(theirs.csrf, theirs.version), ...quizFields(one({ text: 'La leur' })) })).status).to.equal(303);
    const before = await configSnapshot(t.database.db);
    const late = await post(organiser.browser, session.id, { ...base(csrf, version), ...quizFields(one({ text: 'La mienne' })) });
    expect(late.status).to.equal(409);
    const html = await late.text();
    expect(html).to.contain('Quelqu&#x27;un a enregistré les activités de cette session').and.contain('>La mienne</textarea>');
    expect(await configSnapshot(t.database.db)).to.equal(before);
    const current = /name="version" value="([^"]*)"/.exec(html)![1]!;
    expect(current).not.to.equal(version);
    expect((await post(organiser.browser, session.id, { ...base(csrf, current), ...quizFields(one({ text: 'La mienne' })) })).status).to.equal(303);
    expect((await storedQuiz(t.database.db, session.id))!.settings.questions[0]!.text).to.equal('La mienne');
  });

  it('keeps answers with the question they answered when questions are reordered, edited, added and their right answers changed', async () => {
    const { organiser, session, csrf, contextId } = await organiserWithSession();
    await configure(t.database.db, session.id, [{ kind: 'quiz', settings: QUIZ_SETTINGS }]);
    const early = await signIn(t, { sessionId: session.id, contextId });
    expect((await answer(early.browser, session.id, 'q1', ['c1'])).status).to.equal(303);
    expect((await answer(early.browser, session.id, 'q2', ['c1', 'c3'])).status).to.equal(303);
    const late = await signIn(t, { sessionId: session.id, contextId });
    expect((await answer(late.browser, session.id, 'q1', ['c1'])).status).to.equal(303);

    const form = await openActivitiesForm(organiser.browser, session.id);
    expect(form.html).to.contain('2 personnes ont déjà répondu à ce quiz, dont 1 l&#x27;a terminé.').and.contain('Déjà répondue par 2 personnes');
    // Reordered, first question edited with another right answer, a new question added last.
    const [q1, q2] = QUIZ_SETTINGS.questions;
    const edited: QuizFieldQuestion[] = [
      { id: q2!.id, text: q2!.text, competence: '3.2', multiple: true, choices: q2!.choices.map((c) => ({ id: c.id, text: c.text, correct: c.correct })) },
      { id: q1!.id, text: 'Qui peut contribuer à OpenStreetMap ?', competence: '2.3', choices: [{ id: 'c1', text: 'Tout le monde' }, { id: 'c2', text: "Seulement l'IGN", correct: true }] },
      { text: 'Question ajoutée', choices: [{ text: 'a', correct: true }, { text: 'b' }] },
    ];
    expect((await post(organiser.browser, session.id, { ...base(csrf, form.version), ...quizFields(edited) })).status).to.equal(303);
    const stored = (await storedQuiz(t.database.db, session.id))!.settings.questions;
    expect(stored.map((q) => q.id).slice(0, 2)).to.deep.equal(['q2', 'q1']);

    // Who finished keeps their score and correction, and is not asked the new question.
    const done = await (await early.browser.get(`/sessions/${session.id}/quiz`)).text();
    expect(done).to.contain('Score : 2 sur 2.').and.not.contain('Question ajoutée');
    expect(done).to.match(/Tout le monde <span class="badge text-bg-success">Bonne réponse/);
    const answers = await countRows(t.database.db, 'activity_answers');
    const added = stored[2]!;
    expect((await answer(early.browser, session.id, added.id, [added.choices[0]!.id])).status).to.equal(303);
    expect(await countRows(t.database.db, 'activity_answers')).to.equal(answers);
    // Who had not finished keeps the answer given, judged as it was, and is asked the rest.
    const ongoing = await (await late.browser.get(`/sessions/${session.id}/quiz`)).text();
    expect(ongoing).to.contain('Qui peut contribuer à OpenStreetMap ?').and.contain('Question ajoutée').and.contain('>Juste<');
  });

  it('imports the text format into the form, unsaved; the export of the saved quiz imports back to the same questions and ids', async () => {
    const { organiser, session, csrf, version } = await organiserWithSession();
    const text = '? Qui peut modifier OpenStreetMap ? [2.3]\n* Tout le monde | Oui.\n- Personne | Non.\n\n? Quelles licences ? (multiple)\n* ODbL\n* Données ouvertes\n- Copyright';
    const before = await configSnapshot(t.database.db);
    const imported = await post(organiser.browser, session.id, { ...base(csrf, version), op: 'import', quiz_text: text });
    expect(imported.status).to.equal(200);
    const html = await imported.text();
    expect(html).to.contain('2 questions importées : vérifiez-les, puis enregistrez.').and.contain('>Quelles licences ?</textarea>').and.contain('name="q1-multiple" checked');
    expect(await configSnapshot(t.database.db)).to.equal(before);
    const fields = Object.fromEntries([...html.matchAll(/name="(q\d+-(?:c\d+-)?(?:id|text|feedback))" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const texts = Object.fromEntries([...html.matchAll(/name="(q\d+-text)"[^>]*>([^<]*)<\/textarea>/g)].map((m) => [m[1]!, m[2]!]));
    const checks = Object.fromEntries([...html.matchAll(/name="(q\d+-(?:c\d+-correct|multiple))" checked/g)].map((m) => [m[1]!, 'on']));
    const competences = Object.fromEntries([...html.matchAll(/name="(q\d+-competence)"[\s\S]*?<option value="([^"]+)" selected/g)].map((m) => [m[1]!, m[2]!]));
    const saved = await post(organiser.browser, session.id, { ...base(csrf, version), ...fields, ...texts, ...checks, ...competences, 'q0-c1-text': 'Personne', 'q1-c1-text': 'Données ouvertes' });
    expect(saved.status).to.equal(303);
    const first = (await storedQuiz(t.database.db, session.id))!.settings.questions;
    const exported = await organiser.browser.get(`/organiser/sessions/${session.id}/activities/quiz.txt`);
    expect(exported.headers.get('content-type')).to.match(/^text\/plain/);
    const exportedText = await exported.text();
    expect(exportedText.trim()).to.equal(text);

    const again = await openActivitiesForm(organiser.browser, session.id);
    const reimported = await (await post(organiser.browser, session.id, { ...base(again.csrf, again.version), op: 'import', quiz_text: exportedText })).text();
    expect(reimported).to.contain(`name="q0-id" value="${first[0]!.id}"`).and.contain(`name="q1-c2-id" value="${first[1]!.choices[2]!.id}"`);
  });

  it('keeps the questions of a quiz no longer offered, hidden from participants, and offers them again when ticked', async () => {
    const { organiser, session, csrf, version, contextId } = await organiserWithSession();
    expect((await post(organiser.browser, session.id, { ...base(csrf, version), ...quizFields(TWO_QUESTIONS) })).status).to.equal(303);
    const shown = await openActivitiesForm(organiser.browser, session.id);
    const withIds = quizFields(TWO_QUESTIONS);
    const { quiz_enabled: _off, ...unticked } = { ...base(csrf, shown.version), ...withIds };
    expect((await post(organiser.browser, session.id, unticked)).status).to.equal(303);
    expect((await storedQuiz(t.database.db, session.id))!.offered).to.equal(false);
    const p = await signIn(t, { sessionId: session.id, contextId });
    expect((await p.browser.get(`/sessions/${session.id}/quiz`)).status).to.equal(404);
    const html = (await openActivitiesForm(organiser.browser, session.id)).html;
    expect(html).to.contain('Ce quiz est gardé mais n&#x27;est pas proposé aux participants').and.contain('>Quelles licences ?</textarea>');
  });

  it("refuses the quiz export to another course's organiser and to a participant (403), and to nobody signed in (401)", async () => {
    const { session } = await organiserWithSession();
    await configure(t.database.db, session.id, [{ kind: 'quiz', settings: QUIZ_SETTINGS }]);
    const path = `/organiser/sessions/${session.id}/activities/quiz.txt`;
    const other = await signIn(t, { role: 'organiser', contextId: 'another-course' });
    const learner = await signIn(t, { sessionId: session.id });
    for (const [who, res] of [['other organiser', await other.browser.get(path)], ['participant', await learner.browser.get(path)]] as const) {
      expect(res.status, who).to.equal(403);
      expect(await res.text(), who).not.to.contain('Tout le monde');
    }
    expect((await fetch(new URL(path, t.url))).status).to.equal(401);
  });
});
