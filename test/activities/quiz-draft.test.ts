import { expect } from 'chai';
import { quizToText } from '../../src/activities/activities.schema';
import { applyQuizOp, checkQuizDraft, draftOf, importQuizText, parseOp, readQuizDraft, toQuestions, type QuestionDraft } from '../../src/activities/quiz-draft';
import { QUIZ_SETTINGS } from './helpers';
import { quizFields, TWO_QUESTIONS } from './quiz-form';

const CRCN = new Set(['2.3', '3.2']);
const draft = (fields: Record<string, string | string[]>) => readQuizDraft(fields);
const two = () => draft(quizFields(TWO_QUESTIONS)).questions;

describe('activities: quiz editor rules (pure)', () => {
  it('reads questions and choices from the form in index order, whatever the gaps between indexes', () => {
    const { questions, issues } = draft({ 'q7-text': 'Deuxième', 'q2-text': 'Première', 'q2-c5-text': 'b', 'q2-c1-text': 'a', 'q2-c1-correct': 'on', 'q2-multiple': 'on' });
    expect(issues).to.deep.equal([]);
    expect(questions.map((q) => q.text)).to.deep.equal(['Première', 'Deuxième']);
    expect(questions[0]!.choices.map((c) => [c.text, c.correct])).to.deep.equal([['a', true], ['b', false]]);
    expect(questions[0]!.multiple).to.equal(true);
  });

  it('reports a field sent twice as invalid, and drops an id that is not one Instants makes', () => {
    const { questions, issues } = draft({ 'q0-text': ['a', 'b'], 'q0-id': 'Q 1;drop', 'q0-c0-text': 'x' });
    expect(issues).to.deep.equal([{ field: 'q0-text', key: 'invalid' }]);
    expect(questions[0]!.id).to.equal('');
  });

  it('reads the editor buttons, and refuses an action that does not exist', () => {
    expect(parseOp(undefined)).to.deep.equal({ kind: 'save' });
    expect(parseOp('q3-up')).to.deep.equal({ kind: 'question', action: 'up', q: 3 });
    expect(parseOp('q1-c2-delete')).to.deep.equal({ kind: 'choice', action: 'delete', q: 1, c: 2 });
    for (const bad of ['q1-explode', 'drop table', 'q1-c2-add-choice', ['save'], '__proto__']) expect(parseOp(bad), String(bad)).to.equal(null);
  });

  it('moves a question up and keeps the focus on the button pressed, or on the other one at the top', () => {
    const up = applyQuizOp(two(), { kind: 'question', action: 'up', q: 1 });
    expect(up.questions.map((q) => q.text)).to.deep.equal(['Quelles licences ?', 'Qui peut modifier OpenStreetMap ?']);
    expect(up.focus).to.equal('q0-down');
    expect(up.announce).to.deep.equal({ key: 'question_moved', vars: { from: 2, to: 1 } });
    const three = [...two(), { ...two()[0]!, text: 'Troisième' }];
    expect(applyQuizOp(three, { kind: 'question', action: 'down', q: 0 }).focus).to.equal('q1-down');
  });

  it('adds, deletes and moves choices, with the focus on the field that follows', () => {
    const added = applyQuizOp(two(), { kind: 'question', action: 'add-choice', q: 0 });
    expect(added.questions[0]!.choices).to.have.length(3);
    expect(added.focus).to.equal('q0-c2-text');
    const deleted = applyQuizOp(two(), { kind: 'choice', action: 'delete', q: 1, c: 2 });
    expect(deleted.questions[1]!.choices.map((c) => c.text)).to.deep.equal(['ODbL', 'Données ouvertes']);
    expect(deleted.focus).to.equal('q1-c1-text');
    const moved = applyQuizOp(two(), { kind: 'choice', action: 'down', q: 1, c: 0 });
    expect(moved.questions[1]!.choices.map((c) => c.text)).to.deep.equal(['Données ouvertes', 'ODbL', 'Copyright']);
    expect(moved.focus).to.equal('q1-c1-down');
    const last = applyQuizOp([], { kind: 'add-question' });
    expect(last.focus).to.equal('q0-text');
    expect(applyQuizOp(last.questions, { kind: 'question', action: 'delete', q: 0 }).focus).to.equal('quiz-add-question');
  });

  it('refuses an action on a question or choice that is not there, or past the limits, changing nothing', () => {
    const questions = two();
    for (const op of [
      { kind: 'question', action: 'delete', q: 5 },
      { kind: 'question', action: 'up', q: 0 },
      { kind: 'choice', action: 'down', q: 0, c: 1 },
      { kind: 'choice', action: 'delete', q: 0, c: 9 },
    ] as const) {
      const result = applyQuizOp(questions, op);
      expect(result.issue, JSON.stringify(op)).to.include({ key: 'unknown_action' });
      expect(result.questions).to.equal(questions);
    }
    const twenty = Array.from({ length: 20 }, () => questions[0]!);
    expect(applyQuizOp(twenty, { kind: 'add-question' }).issue).to.deep.include({ key: 'quiz_too_many_questions' });
    const eight: QuestionDraft = { ...questions[0]!, choices: Array.from({ length: 8 }, () => questions[0]!.choices[0]!) };
    expect(applyQuizOp([eight], { kind: 'question', action: 'add-choice', q: 0 }).issue).to.deep.include({ field: 'q0-choices', key: 'choices_too_many' });
  });

  it('checks each question beside its field, and ignores a question or a choice left blank', () => {
    const long = 'x'.repeat(501);
    const questions = draft({
      ...quizFields([
        { text: '', choices: [{ text: 'a', correct: true }, { text: 'b' }] },
        { text: long, competence: '9.9', choices: [{ text: 'seule', correct: true }] },
        { text: 'Aucune juste', choices: [{ text: 'a' }, { text: 'b' }, { text: '', feedback: 'sans texte' }] },
        { text: 'Deux justes', choices: [{ text: 'a', correct: true }, { text: 'b', correct: true, feedback: long }] },
        { text: '', choices: [{ text: '' }, { text: '' }] },
      ]),
    }).questions;
    expect(checkQuizDraft(questions, CRCN)).to.deep.equal([
      { field: 'q0-text', key: 'quiz_question_required' },
      { field: 'q1-text', key: 'too_long_n', vars: { n: 500 } },
      { field: 'q1-competence', key: 'competence' },
      { field: 'q1-choices', key: 'choices_too_few' },
      { field: 'q2-c2-text', key: 'quiz_choice_required' },
      { field: 'q2-choices', key: 'choices_no_right' },
      { field: 'q3-c1-feedback', key: 'too_long_n', vars: { n: 500 } },
      { field: 'q3-choices', key: 'choices_several_right' },
    ]);
    expect(checkQuizDraft(two(), CRCN)).to.deep.equal([]);
  });

  it('keeps the ids of stored questions and choices, gives new ones ids never used, and drops blank ones', () => {
    const stored = QUIZ_SETTINGS.questions;
    const edited = draftOf(stored).reverse();
    edited[0]!.text = '  Quelles licences libres ?  ';
    edited[0]!.choices.push({ id: 'c1', text: 'CC-BY', correct: true, feedback: '' });
    edited.push({ id: 'q1', text: 'Copie de la première', competence: '', multiple: false, choices: [{ id: 'c1', text: 'a', correct: true, feedback: '' }, { id: '', text: 'b', correct: false, feedback: '' }] });
    edited.push({ id: 'q-forged', text: 'Nouvelle', competence: '', multiple: false, choices: [{ id: '', text: 'a', correct: true, feedback: '' }, { id: '', text: 'b', correct: false, feedback: '' }] });
    edited.push({ id: '', text: ' ', competence: '', multiple: false, choices: [] });
    const saved = toQuestions(edited, stored, ['q-0badcafe']);
    expect(saved).to.have.length(4);
    expect(saved.slice(0, 2).map((q) => q.id)).to.deep.equal(['q2', 'q1']);
    expect(saved[0]!.text).to.equal('Quelles licences libres ?');
    // The extra "c1" of question q2 is a second c1: it gets a new id, the first keeps its own.
    expect(saved[0]!.choices.map((c) => c.id).slice(0, 3)).to.deep.equal(['c1', 'c2', 'c3']);
    expect(saved[0]!.choices[3]!.id).to.match(/^c-[0-9a-f]{8}$/);
    // A second "q1" and an id that was never stored are new questions, with new choice ids.
    for (const q of saved.slice(2)) {
      expect(q.id).to.match(/^q-[0-9a-f]{8}$/);
      expect(q.choices.map((c) => c.id).every((id) => /^c-[0-9a-f]{8}$/.test(id))).to.equal(true);
    }
    expect(new Set(saved.map((q) => q.id)).size).to.equal(4);
  });

  it('imports the text format with the ids of unchanged questions, so export then import changes nothing', () => {
    const stored = toQuestions(two(), []);
    const back = importQuizText(quizToText(stored), stored, CRCN);
    expect(back.issues).to.deep.equal([]);
    expect(toQuestions(back.questions, stored)).to.deep.equal(stored);
    const reordered = importQuizText(quizToText([stored[1]!, stored[0]!]), stored, CRCN);
    expect(reordered.questions.map((q) => q.id)).to.deep.equal([stored[1]!.id, stored[0]!.id]);
  });

  it('reports the problems of an imported text by line or question number, and an unknown competence', () => {
    const { issues } = importQuizText('? Sans bonne réponse [2.3]\n- a\n- b\n? Une seule\n* a\nphrase libre\n? Inconnue [9.9]\n* a\n- b', [], CRCN);
    expect(issues).to.deep.include.members([
      { field: 'quiz_text', key: 'quiz_no_right_choice', vars: { where: '1', n: 8 } },
      { field: 'quiz_text', key: 'quiz_too_few_choices', vars: { where: '2', n: 8 } },
      { field: 'quiz_text', key: 'quiz_unknown_line', vars: { where: '6', n: 8 } },
      { field: 'quiz_text', key: 'quiz_unknown_competence', vars: { where: '9.9' } },
    ]);
    expect(importQuizText('  \n', [], CRCN).issues).to.deep.equal([{ field: 'quiz_text', key: 'quiz_text_empty' }]);
  });
});
