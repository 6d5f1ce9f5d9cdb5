import crypto from 'node:crypto';
import { parseQuizText, type QuizQuestion } from './activities.schema';

/**
 * The quiz editor's working copy, as the form posts it: questions and choices in order, texts as typed, and
 * the ids of those already stored (empty for new ones). Pure functions: read the form, apply one editing
 * action (add, move, delete), check, and turn the copy into stored questions with stable ids.
 */

export interface ChoiceDraft {
  id: string;
  text: string;
  correct: boolean;
  feedback: string;
}

export interface QuestionDraft {
  id: string;
  text: string;
  competence: string;
  multiple: boolean;
  choices: ChoiceDraft[];
}

export const QUIZ_LIMITS = { questions: 20, choices: 8, minChoices: 2, text: 500, choice: 300, feedback: 500 } as const;

/** A problem found in the copy: which field (as the form names it), which key of `activities.errors`. */
export interface DraftIssue {
  field: string;
  key: string;
  vars?: Record<string, unknown>;
}

/** One editing action of the form's buttons; `save` and `import` are handled by the caller. */
export type QuizOp =
  | { kind: 'save' }
  | { kind: 'import' }
  | { kind: 'add-question' }
  | { kind: 'question'; action: 'up' | 'down' | 'delete' | 'add-choice'; q: number }
  | { kind: 'choice'; action: 'up' | 'down' | 'delete'; q: number; c: number };

/** Where the form puts the focus after an action, and what it announces (a key of `activities.quiz_editor`). */
export interface OpResult {
  questions: QuestionDraft[];
  focus: string;
  announce: { key: string; vars: Record<string, unknown> };
  issue?: DraftIssue;
}

const ID_RE = /^[a-z0-9-]{1,20}$/;
const QUESTION_FIELD = /^q(\d{1,3})-(id|text|competence|multiple)$/;
const CHOICE_FIELD = /^q(\d{1,3})-c(\d{1,3})-(id|text|correct|feedback)$/;

const blankChoice = (): ChoiceDraft => ({ id: '', text: '', correct: false, feedback: '' });
export const blankQuestion = (): QuestionDraft => ({ id: '', text: '', competence: '', multiple: false, choices: [blankChoice(), blankChoice()] });

/** Reads the questions of a posted form (`q0-text`, `q0-c1-correct`…), in index order; a repeated field is an issue. */
export function readQuizDraft(body: Record<string, unknown>): { questions: QuestionDraft[]; issues: DraftIssue[] } {
  const issues: DraftIssue[] = [];
  const qIndexes = new Set<number>();
  const cIndexes = new Map<number, Set<number>>();
  for (const key of Object.keys(body)) {
    const q = QUESTION_FIELD.exec(key);
    const c = CHOICE_FIELD.exec(key);
    if (q) qIndexes.add(Number(q[1]));
    if (c) {
      qIndexes.add(Number(c[1]));
      if (!cIndexes.has(Number(c[1]))) cIndexes.set(Number(c[1]), new Set());
      cIndexes.get(Number(c[1]))!.add(Number(c[2]));
    }
  }
  const text = (name: string, shownAs: string): string => {
    const v = body[name];
    if (v === undefined || typeof v === 'string') return v ?? '';
    issues.push({ field: shownAs, key: 'invalid' });
    return '';
  };
  const ticked = (name: string) => ['on', '1', 'true'].includes(String(body[name]));
  const sorted = (s: Iterable<number>) => [...s].sort((a, b) => a - b);
  const questions = sorted(qIndexes).map((qi, i): QuestionDraft => {
    const at = (n: string) => `q${qi}-${n}`;
    const id = text(at('id'), `q${i}-text`);
    const choices = sorted(cIndexes.get(qi) ?? []).map((ci, j): ChoiceDraft => {
      const cat = (n: string) => `q${qi}-c${ci}-${n}`;
      const cid = text(cat('id'), `q${i}-c${j}-text`);
      return { id: ID_RE.test(cid) ? cid : '', text: text(cat('text'), `q${i}-c${j}-text`), correct: ticked(cat('correct')), feedback: text(cat('feedback'), `q${i}-c${j}-feedback`) };
    });
    return { id: ID_RE.test(id) ? id : '', text: text(at('text'), `q${i}-text`), competence: text(at('competence'), `q${i}-competence`), multiple: ticked(at('multiple')), choices };
  });
  return { questions, issues };
}

/** Reads the `op` button of a posted form; undefined means save, null an action that does not exist. */
export function parseOp(value: unknown): QuizOp | null {
  if (value === undefined || value === 'save') return { kind: 'save' };
  if (value === 'import') return { kind: 'import' };
  if (value === 'add-question') return { kind: 'add-question' };
  if (typeof value !== 'string') return null;
  const q = /^q(\d{1,3})-(up|down|delete|add-choice)$/.exec(value);
  if (q) return { kind: 'question', action: q[2] as 'up', q: Number(q[1]) };
  const c = /^q(\d{1,3})-c(\d{1,3})-(up|down|delete)$/.exec(value);
  if (c) return { kind: 'choice', action: c[3] as 'up', q: Number(c[1]), c: Number(c[2]) };
  return null;
}

function move<T>(list: T[], from: number, to: number): T[] {
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}

/** Applies one editing action; an action on a question or choice that is not there is an issue. */
export function applyQuizOp(questions: QuestionDraft[], op: QuizOp): OpResult {
  const unchanged = (issue: DraftIssue, focus = 'quiz-add-question'): OpResult => ({ questions, focus, announce: { key: 'nothing_done', vars: {} }, issue });
  if (op.kind === 'add-question') {
    if (questions.length >= QUIZ_LIMITS.questions) return unchanged({ field: 'quiz_questions', key: 'quiz_too_many_questions', vars: { n: QUIZ_LIMITS.questions } });
    const n = questions.length;
    return { questions: [...questions, blankQuestion()], focus: `q${n}-text`, announce: { key: 'question_added', vars: { q: n + 1 } } };
  }
  if (op.kind !== 'question' && op.kind !== 'choice') return unchanged({ field: 'form', key: 'unknown_action' });
  const question = questions[op.q];
  if (!question) return unchanged({ field: 'form', key: 'unknown_action' });
  const q = op.q;
  if (op.kind === 'question') {
    switch (op.action) {
      case 'add-choice': {
        if (question.choices.length >= QUIZ_LIMITS.choices) return unchanged({ field: `q${q}-choices`, key: 'choices_too_many', vars: { n: QUIZ_LIMITS.choices } }, `q${q}-add-choice`);
        const c = question.choices.length;
        const next = questions.map((x, i) => (i === q ? { ...x, choices: [...x.choices, blankChoice()] } : x));
        return { questions: next, focus: `q${q}-c${c}-text`, announce: { key: 'choice_added', vars: { q: q + 1, c: c + 1 } } };
      }
      case 'delete': {
        const next = questions.filter((_, i) => i !== q);
        const focus = next.length === 0 ? 'quiz-add-question' : `q${Math.min(q, next.length - 1)}-text`;
        return { questions: next, focus, announce: { key: 'question_deleted', vars: { q: q + 1 } } };
      }
      default: {
        const to = op.action === 'up' ? q - 1 : q + 1;
        if (to < 0 || to >= questions.length) return unchanged({ field: 'form', key: 'unknown_action' }, `q${q}-text`);
        // The focus stays on the button pressed, in the question's new place (or its other button at an end).
        const focus = (to === 0 && op.action === 'up') || (to === questions.length - 1 && op.action === 'down') ? `q${to}-${op.action === 'up' ? 'down' : 'up'}` : `q${to}-${op.action}`;
        return { questions: move(questions, q, to), focus, announce: { key: 'question_moved', vars: { from: q + 1, to: to + 1 } } };
      }
    }
  }
  const c = op.c;
  if (!question.choices[c]) return unchanged({ field: 'form', key: 'unknown_action' });
  const withChoices = (choices: ChoiceDraft[]) => questions.map((x, i) => (i === q ? { ...x, choices } : x));
  if (op.action === 'delete') {
    const choices = question.choices.filter((_, j) => j !== c);
    const focus = choices.length === 0 ? `q${q}-add-choice` : `q${q}-c${Math.min(c, choices.length - 1)}-text`;
    return { questions: withChoices(choices), focus, announce: { key: 'choice_deleted', vars: { q: q + 1, c: c + 1 } } };
  }
  const to = op.action === 'up' ? c - 1 : c + 1;
  if (to < 0 || to >= question.choices.length) return unchanged({ field: 'form', key: 'unknown_action' }, `q${q}-c${c}-text`);
  const atEnd = (to === 0 && op.action === 'up') || (to === question.choices.length - 1 && op.action === 'down');
  const focus = `q${q}-c${to}-${atEnd ? (op.action === 'up' ? 'down' : 'up') : op.action}`;
  return { questions: withChoices(move(question.choices, c, to)), focus, announce: { key: 'choice_moved', vars: { q: q + 1, from: c + 1, to: to + 1 } } };
}

const isBlankChoice = (c: ChoiceDraft) => !c.text.trim() && !c.feedback.trim() && !c.correct;
/** A question nothing was typed in (a new one left empty): dropped on save, never an error. */
export const isBlankQuestion = (q: QuestionDraft) => !q.text.trim() && !q.competence && q.choices.every(isBlankChoice);

/** Checks the copy; fields are named as the form shows them. Blank questions and choices are ignored. */
export function checkQuizDraft(questions: QuestionDraft[], competences: ReadonlySet<string>): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const kept = questions.filter((q) => !isBlankQuestion(q));
  if (kept.length > QUIZ_LIMITS.questions) issues.push({ field: 'quiz_questions', key: 'quiz_too_many_questions', vars: { n: QUIZ_LIMITS.questions } });
  questions.forEach((q, i) => {
    if (isBlankQuestion(q)) return;
    const text = q.text.trim();
    if (!text) issues.push({ field: `q${i}-text`, key: 'quiz_question_required' });
    else if (text.length > QUIZ_LIMITS.text) issues.push({ field: `q${i}-text`, key: 'too_long_n', vars: { n: QUIZ_LIMITS.text } });
    if (q.competence && !competences.has(q.competence)) issues.push({ field: `q${i}-competence`, key: 'competence' });
    q.choices.forEach((c, j) => {
      if (isBlankChoice(c)) return;
      const choice = c.text.trim();
      if (!choice) issues.push({ field: `q${i}-c${j}-text`, key: 'quiz_choice_required' });
      else if (choice.length > QUIZ_LIMITS.choice) issues.push({ field: `q${i}-c${j}-text`, key: 'too_long_n', vars: { n: QUIZ_LIMITS.choice } });
      if (c.feedback.trim().length > QUIZ_LIMITS.feedback) issues.push({ field: `q${i}-c${j}-feedback`, key: 'too_long_n', vars: { n: QUIZ_LIMITS.feedback } });
    });
    const choices = q.choices.filter((c) => !isBlankChoice(c));
    const right = choices.filter((c) => c.correct).length;
    if (choices.length < QUIZ_LIMITS.minChoices) issues.push({ field: `q${i}-choices`, key: 'choices_too_few' });
    else if (choices.length > QUIZ_LIMITS.choices) issues.push({ field: `q${i}-choices`, key: 'choices_too_many', vars: { n: QUIZ_LIMITS.choices } });
    else if (right === 0) issues.push({ field: `q${i}-choices`, key: 'choices_no_right' });
    else if (!q.multiple && right > 1) issues.push({ field: `q${i}-choices`, key: 'choices_several_right' });
  });
  return issues;
}

function freshId(prefix: 'q' | 'c', taken: Set<string>): string {
  let id: string;
  do id = `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
  while (taken.has(id));
  taken.add(id);
  return id;
}

/**
 * The questions to store: blank ones dropped, texts trimmed, and stable ids. A question keeps its id only
 * when it is one of the `previous` questions (each id once); a choice keeps its id only within its own kept
 * question. New ones get ids never used before (`taken`: ids of stored and already answered questions), so
 * an answer stored for a question or choice can never point at another one.
 */
export function toQuestions(questions: QuestionDraft[], previous: QuizQuestion[], taken: Iterable<string> = []): QuizQuestion[] {
  const known = new Map(previous.map((q) => [q.id, q]));
  const usedQuestions = new Set<string>([...previous.map((q) => q.id), ...taken]);
  const kept = new Set<string>();
  return questions
    .filter((q) => !isBlankQuestion(q))
    .map((q) => {
      const before = q.id && !kept.has(q.id) ? known.get(q.id) : undefined;
      const id = before ? q.id : freshId('q', usedQuestions);
      kept.add(id);
      const usedChoices = new Set(before?.choices.map((c) => c.id) ?? []);
      const keptChoices = new Set<string>();
      const choices = q.choices
        .filter((c) => !isBlankChoice(c))
        .map((c) => {
          const keep = before && c.id && usedChoices.has(c.id) && !keptChoices.has(c.id);
          const cid = keep ? c.id : freshId('c', usedChoices);
          keptChoices.add(cid);
          return { id: cid, text: c.text.trim(), correct: c.correct, feedback: c.feedback.trim() };
        });
      return { id, text: q.text.trim(), competence: q.competence || null, multiple: q.multiple, choices };
    });
}

/** The editor's copy of stored questions. */
export function draftOf(questions: QuizQuestion[]): QuestionDraft[] {
  return questions.map((q) => ({ id: q.id, text: q.text, competence: q.competence ?? '', multiple: q.multiple, choices: q.choices.map((c) => ({ ...c })) }));
}

/**
 * Reads the text format into the editor's copy. A question whose text is that of a stored question takes
 * its id (and its choices, matched by text, theirs): exporting and importing again changes nothing.
 */
export function importQuizText(text: string, previous: QuizQuestion[], competences: ReadonlySet<string>): { questions: QuestionDraft[]; issues: DraftIssue[] } {
  const parsed = parseQuizText(text);
  const issues = parsed.errors.map((e): DraftIssue => {
    const [kind, where, what] = e.split(':');
    return { field: 'quiz_text', key: `quiz_${what ?? kind}`, vars: { where, n: kind === 'too_many_questions' ? QUIZ_LIMITS.questions : QUIZ_LIMITS.choices } };
  });
  for (const q of parsed.questions) if (q.competence && !competences.has(q.competence)) issues.push({ field: 'quiz_text', key: 'quiz_unknown_competence', vars: { where: q.competence } });
  if (parsed.questions.length === 0 && issues.length === 0) issues.push({ field: 'quiz_text', key: 'quiz_text_empty' });
  const free = [...previous];
  const questions = parsed.questions.map((q): QuestionDraft => {
    const at = free.findIndex((p) => p.text === q.text);
    const match = at >= 0 ? free.splice(at, 1)[0] : undefined;
    const choicesLeft = [...(match?.choices ?? [])];
    const choices = q.choices.map((c) => {
      const k = choicesLeft.findIndex((p) => p.text === c.text);
      const same = k >= 0 ? choicesLeft.splice(k, 1)[0] : undefined;
      return { id: same?.id ?? '', text: c.text, correct: c.correct, feedback: c.feedback };
    });
    return { id: match?.id ?? '', text: q.text, competence: q.competence ?? '', multiple: q.multiple, choices };
  });
  return { questions, issues };
}
