import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { ConflictError } from '../platform/errors';
import { toFieldIssues } from '../platform/http';
import type { Translate } from '../platform/i18n';
import { activitiesFormFor, quizEditorContext, saveActivities } from './activities-form.service';
import { ActivitiesFormSchema, SCALE_STEPS, quizToText } from './activities.schema';
import type { ActivityDeps } from './answers.service';
import { competenceTitles } from './catalog.port';
import { organiserNav } from './organiser.present';
import { applyQuizOp, checkQuizDraft, importQuizText, parseOp, readQuizDraft, type DraftIssue, type QuestionDraft } from './quiz-draft';
import { presentQuizEditor, summaryLabel } from './quiz-editor.present';

/**
 * The organisers' activities form of a session, with the quiz editor. Without script, the editor's buttons
 * (add, move, delete, import) post the whole form, which comes back changed but not saved; with
 * public/js/activities-quiz-editor.js they act at once in the page. Only "Enregistrer" saves.
 */

const EDITOR_SCRIPTS = ['/assets/js/activities-quiz-editor.js'];
const CHECKBOXES = ['sp_enabled', 'sp_required', 'sp_retrospective', 'quiz_enabled', 'quiz_required', 'quiz_certainty', 'needs_enabled', 'needs_required', 'needs_competence', 'satisfaction_enabled', 'satisfaction_required', 'followup_enabled', 'followup_required'];

interface FormState {
  /** What was posted (shown again as typed); the stored form otherwise. */
  values?: Record<string, unknown>;
  questions?: QuestionDraft[];
  issues?: DraftIssue[];
  /** The version the form was first shown with; the current one otherwise (after a conflict too). */
  version?: string;
  focus?: string;
  announce?: string;
  stale?: boolean;
  saved?: boolean;
}

/** Field → translated message (several problems of one field in one message). */
function translateIssues(t: Translate, issues: DraftIssue[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = `activities.errors.${i.key}`;
    const translated = t(key, i.vars);
    const message = translated === key ? t('activities.errors.invalid') : translated;
    out[i.field] = out[i.field] ? `${out[i.field]} ${message}` : message;
  }
  return out;
}

async function renderForm(res: Response, deps: ActivityDeps, id: string, state: FormState = {}) {
  const t = res.locals.t;
  const form = await activitiesFormFor(deps, actorOf(res), id);
  const { answers, competences } = await quizEditorContext(deps, form.session.id);
  const errors = translateIssues(t, state.issues ?? []);
  const quiz = presentQuizEditor({
    t,
    questions: state.questions ?? form.questions,
    errors,
    competences,
    sessionCompetences: form.session.competences.map((c) => c.code),
    answers,
    focus: state.focus,
  });
  res.render('activities/organiser-activities', {
    title: `${t('activities.config.title')} · ${form.session.title}`,
    nav: organiserNav(t, form.session.id, 'activities'),
    scripts: EDITOR_SCRIPTS,
    session: { id: form.session.id, title: form.session.title, competences: form.session.competences },
    v: state.values ?? form.values,
    errors,
    errorList: Object.entries(errors).map(([field, message]) => ({ id: field === 'form' ? 'activities-form' : field, message: summaryLabel(t, field, message) })),
    version: state.version ?? form.version,
    saved: state.saved ?? false,
    stale: state.stale ?? false,
    announce: state.announce,
    quiz,
    hasStoredQuiz: form.hasStoredQuiz,
    scale: SCALE_STEPS.map((s) => ({ label: t(`activities.scale.${s.key}`), band: t(`activities.band.${s.band}`) })),
  });
}

/** The posted fields to show again: as typed, checkboxes as booleans. */
function postedValues(body: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = { ...body };
  for (const k of CHECKBOXES) values[k] = body[k] === 'on' || body[k] === '1';
  return values;
}

const param = (req: Request, name: string) => String(req.params[name] ?? '');

export function mountActivitiesFormRoutes(app: Express, ctx: AppContext): void {
  const deps: ActivityDeps = { db: ctx.db, clock: ctx.clock, config: ctx.config, secrets: ctx.secrets, afterEventsRecorded: ctx.afterEventsRecorded };

  app.get('/organiser/sessions/:id/activities', ctx.allow.organiserOfSession('id'), async (req, res) => {
    await renderForm(res, deps, param(req, 'id'), { saved: req.query.saved === '1' });
  });

  // The stored quiz in the text format (the editor imports the same format).
  app.get('/organiser/sessions/:id/activities/quiz.txt', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const form = await activitiesFormFor(deps, actorOf(res), param(req, 'id'));
    res.type('text/plain; charset=utf-8').attachment(`quiz-${form.session.id.slice(0, 8)}.txt`);
    res.send(form.storedQuestions.length ? `${quizToText(form.storedQuestions)}\n` : '');
  });

  app.post('/organiser/sessions/:id/activities', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const id = param(req, 'id');
    const t = res.locals.t;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = postedValues(body);
    const draft = readQuizDraft(body);
    const version = typeof body.version === 'string' ? body.version : undefined;
    const kept = { values, version, questions: draft.questions };
    const op = parseOp(body.op);
    if (!op) return renderForm(res.status(400), deps, id, { ...kept, issues: [...draft.issues, { field: 'form', key: 'unknown_action' }] });

    if (op.kind === 'import') {
      const form = await activitiesFormFor(deps, actorOf(res), id);
      const competences = new Set((await competenceTitles(deps.db)).keys());
      const imported = importQuizText(typeof body.quiz_text === 'string' ? body.quiz_text : '', form.storedQuestions, competences);
      if (imported.issues.length) return renderForm(res.status(400), deps, id, { ...kept, issues: imported.issues, focus: 'quiz_text' });
      const announce = `${t('activities.quiz_editor.imported', { count: imported.questions.length })} ${t('activities.quiz_editor.unsaved')}`;
      return renderForm(res, deps, id, { ...kept, values: { ...values, quiz_text: '' }, questions: imported.questions, focus: 'q0-text', announce });
    }

    if (op.kind !== 'save') {
      const done = applyQuizOp(draft.questions, op);
      const issues = [...draft.issues, ...(done.issue ? [done.issue] : [])];
      const announce = done.issue ? undefined : `${t(`activities.quiz_editor.${done.announce.key}`, done.announce.vars)} ${t('activities.quiz_editor.unsaved')}`;
      return renderForm(res.status(issues.length ? 400 : 200), deps, id, { ...kept, questions: done.questions, issues, focus: done.focus, announce });
    }

    const parsed = ActivitiesFormSchema.safeParse(body);
    if (!parsed.success || draft.issues.length) {
      const competences = await competenceTitles(deps.db);
      const zodIssues = parsed.success ? [] : toFieldIssues(parsed.error).map((i) => ({ field: i.path.split('.')[0] || 'form', key: i.message }));
      return renderForm(res.status(400), deps, id, { ...kept, issues: [...zodIssues, ...draft.issues, ...checkQuizDraft(draft.questions, new Set(competences.keys()))] });
    }
    try {
      const issues = await saveActivities(deps, actorOf(res), id, { form: parsed.data, questions: draft.questions, version });
      if (issues.length) return renderForm(res.status(400), deps, id, { ...kept, issues });
    } catch (err) {
      // Someone saved in between: the form keeps what was typed, with the current version, so saving again overwrites knowingly.
      if (err instanceof ConflictError && err.messageKey === 'activities.errors.stale') return renderForm(res.status(409), deps, id, { ...kept, version: undefined, stale: true });
      throw err;
    }
    res.redirect(303, `/organiser/sessions/${id}/activities?saved=1`);
  });
}
