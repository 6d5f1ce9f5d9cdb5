import type { Translate } from '../platform/i18n';
import { blankQuestion, QUIZ_LIMITS, type ChoiceDraft, type QuestionDraft } from './quiz-draft';

/** What the quiz editor's partials draw: questions and choices as fields, the participants' preview, script messages. */

export interface EditorInput {
  t: Translate;
  questions: QuestionDraft[];
  /** Field name → translated message. */
  errors: Record<string, string>;
  /** Code → title of the competences a question may name, and the codes the session targets. */
  competences: Map<string, string>;
  sessionCompetences: string[];
  answers: { people: number; completed: number; byQuestion: Map<string, number> };
  focus?: string;
}

const K = 'activities.quiz_editor';

function choiceView(e: EditorInput, q: string, qNumber: number | string, c: string | number, cNumber: number | string, choice: ChoiceDraft, count: number, index: number) {
  const { t } = e;
  const base = `q${q}-c${c}`;
  const vars = { q: qNumber, c: cNumber };
  const errors = { text: e.errors[`${base}-text`], feedback: e.errors[`${base}-feedback`] };
  return {
    base,
    id: choice.id,
    text: choice.text,
    correct: choice.correct,
    feedback: choice.feedback,
    legend: t(`${K}.choice_legend`, vars),
    first: index === 0,
    last: index === count - 1,
    errors,
    textDescribedBy: errors.text ? `${base}-text-error` : undefined,
    feedbackDescribedBy: errors.feedback ? `${base}-feedback-error` : undefined,
    aria: { up: t(`${K}.move_up_choice`, vars), down: t(`${K}.move_down_choice`, vars), delete: t(`${K}.delete_choice`, vars) },
    focus: { text: e.focus === `${base}-text`, up: e.focus === `${base}-up`, down: e.focus === `${base}-down` },
  };
}

function questionView(e: EditorInput, q: QuestionDraft, index: number | string, count: number) {
  const { t } = e;
  const number = typeof index === 'number' ? index + 1 : '__N__';
  const base = `q${index}`;
  const vars = { q: number };
  const answered = q.id ? (e.answers.byQuestion.get(`q:${q.id}`) ?? 0) : 0;
  const targeted = new Set(e.sessionCompetences);
  const option = (code: string) => ({ value: code, label: `${code} ${e.competences.get(code) ?? ''}`.trim(), selected: q.competence === code });
  const errors = { text: e.errors[`${base}-text`], competence: e.errors[`${base}-competence`], choices: e.errors[`${base}-choices`] };
  return {
    index,
    number,
    base,
    id: q.id,
    text: q.text,
    multiple: q.multiple,
    legend: t(`${K}.question_legend`, vars),
    choicesLegend: t(`${K}.choices_legend`, vars),
    competenceGroups: [
      { label: t(`${K}.session_competences`), options: e.sessionCompetences.filter((c) => e.competences.has(c)).map(option) },
      { label: t(`${K}.other_competences`), options: [...e.competences.keys()].filter((c) => !targeted.has(c)).map(option) },
    ].filter((g) => g.options.length),
    // A code no longer in the framework stays visible (and is refused on save) rather than silently dropped.
    unknownCompetence: q.competence && !e.competences.has(q.competence) ? q.competence : null,
    choices: q.choices.map((c, j) => choiceView(e, String(index), number, j, j + 1, c, q.choices.length, j)),
    first: index === 0,
    last: typeof index === 'number' && index === count - 1,
    errors,
    textDescribedBy: errors.text ? `${base}-text-error` : undefined,
    answered: answered ? t(`${K}.question_answered`, { count: answered }) : null,
    aria: { up: t(`${K}.move_up_question`, vars), down: t(`${K}.move_down_question`, vars), delete: t(`${K}.delete_question`, vars), addChoice: t(`${K}.add_choice_to`, vars) },
    focus: { text: e.focus === `${base}-text`, up: e.focus === `${base}-up`, down: e.focus === `${base}-down`, addChoice: e.focus === `${base}-add-choice` },
  };
}

/** The preview of one question, as the participants' quiz page shows it before and after they answer. */
function previewOf(t: Translate, q: QuestionDraft, i: number) {
  return {
    number: i + 1,
    text: q.text.trim() || t(`${K}.preview_empty_question`),
    multiple: q.multiple,
    choices: q.choices.map((c, j) => ({ id: `pv-q${i}-c${j}`, text: c.text.trim() || t(`${K}.preview_empty_choice`), correct: c.correct, feedback: c.feedback.trim() })),
  };
}

/** Messages the editor's script fills with numbers ({q}, {c}, {from}, {to}) when it adds, moves or deletes. */
function scriptMessages(t: Translate) {
  const keep = { q: '{q}', c: '{c}', from: '{from}', to: '{to}' };
  const keys = [
    'question_legend', 'choices_legend', 'choice_legend', 'move_up_question', 'move_down_question', 'delete_question', 'add_choice_to',
    'move_up_choice', 'move_down_choice', 'delete_choice', 'question_added', 'question_deleted', 'question_moved', 'choice_added',
    'choice_deleted', 'choice_moved', 'unsaved', 'preview_empty_question', 'preview_empty_choice', 'preview_none', 'preview_after',
    'too_many_questions', 'too_many_choices',
  ];
  const messages: Record<string, string> = Object.fromEntries(keys.map((k) => [k, t(`${K}.${k}`, { ...keep, n: k === 'too_many_questions' ? QUIZ_LIMITS.questions : QUIZ_LIMITS.choices })]));
  messages.several = t('activities.quiz.several');
  messages.right_answer = t('activities.quiz.right_answer');
  messages.certainty = t('activities.quiz.certainty');
  messages.choose = t('activities.choose');
  return messages;
}

/** Everything the quiz editor partial needs. */
export function presentQuizEditor(e: EditorInput) {
  const { t } = e;
  const questions = e.questions.map((q, i) => questionView(e, q, i, e.questions.length));
  const template = questionView({ ...e, focus: undefined, errors: {} }, blankQuestion(), '__Q__', 0);
  const choiceTemplate = choiceView({ ...e, focus: undefined, errors: {} }, '__Q__', '__N__', '__C__', '__M__', { id: '', text: '', correct: false, feedback: '' }, 0, -1);
  return {
    questions,
    template,
    choiceTemplate,
    preview: e.questions.map((q, i) => previewOf(t, q, i)),
    messages: scriptMessages(t),
    limits: QUIZ_LIMITS,
    errors: { questions: e.errors.quiz_questions, text: e.errors.quiz_text },
    focusAdd: e.focus === 'quiz-add-question',
    focusImport: e.focus === 'quiz_text',
    answered: e.answers.people
      ? { people: t(`${K}.answered`, { count: e.answers.people }), completed: t(`${K}.completed`, { count: e.answers.completed }) }
      : null,
  };
}

/** "Question 2, réponse 1 : …" for the error summary at the top of the form, from the field's name. */
export function summaryLabel(t: Translate, field: string, message: string): string {
  const choice = /^q(\d+)-c(\d+)-/.exec(field);
  if (choice) return t(`${K}.summary_choice`, { q: Number(choice[1]) + 1, c: Number(choice[2]) + 1, message });
  const question = /^q(\d+)-/.exec(field);
  if (question) return t(`${K}.summary_question`, { q: Number(question[1]) + 1, message });
  return message;
}
