import type { z } from 'zod';
import type { Actor } from '../lti';
import { ConflictError } from '../platform/errors';
import { sessionForOrganiser } from './access';
import { loadConfigsForEditing } from './activities.config';
import { countQuizAnswers, lockConfigs, replaceConfigs } from './activities.repo';
import { SettingsSchemas, type ActivitiesForm } from './activities.schema';
import type { ActivityKind } from './activities.tables';
import type { ActivityDeps } from './answers.service';
import { competenceTitles } from './catalog.port';
import { checkQuizDraft, draftOf, isBlankQuestion, toQuestions, type DraftIssue, type QuestionDraft } from './quiz-draft';

/** The organisers' activities form of a session: what it shows, and saving it (quiz editor included). */

/** The form as it stands: stored values (defaults for activities not configured), the quiz's questions, its version. */
export async function activitiesFormFor(deps: ActivityDeps, actor: Actor, sessionId: string) {
  const session = await sessionForOrganiser(deps.db, actor, sessionId);
  const stored = await loadConfigsForEditing(deps.db, session.id);
  const row = (kind: ActivityKind) => stored.rows.find((r) => r.kind === kind);
  const settings = <K extends Exclude<ActivityKind, 'quiz'>>(kind: K): ({ required: boolean } & z.infer<(typeof SettingsSchemas)[K]>) | null => {
    const r = row(kind);
    return r ? { required: r.required, ...(SettingsSchemas[kind].parse(r.settings ?? {}) as z.infer<(typeof SettingsSchemas)[K]>) } : null;
  };
  const sp = settings('self-positioning');
  const needs = settings('needs');
  const followUp = settings('follow-up');
  const quiz = stored.quiz;
  const values: Record<string, unknown> = {
    sp_enabled: Boolean(sp),
    sp_required: sp?.required ?? false,
    sp_retrospective: sp?.retrospective ?? true,
    quiz_enabled: quiz?.offered ?? false,
    quiz_required: quiz?.required ?? false,
    quiz_title: quiz?.title ?? '',
    quiz_mastery: quiz?.masteryPercent ?? 70,
    quiz_certainty: quiz?.certainty ?? false,
    quiz_text: '',
    needs_enabled: Boolean(needs),
    needs_required: needs?.required ?? false,
    needs_competence: needs?.askCompetence ?? true,
    satisfaction_enabled: Boolean(row('satisfaction')),
    satisfaction_required: row('satisfaction')?.required ?? false,
    followup_enabled: Boolean(followUp),
    followup_required: followUp?.required ?? false,
    followup_delay: followUp?.delayDays ?? 30,
  };
  return { session, values, questions: draftOf(quiz?.questions ?? []), storedQuestions: quiz?.questions ?? [], hasStoredQuiz: quiz !== null, version: stored.version };
}

/** What the quiz editor shows beside the questions: answers already given, and the competences a question may name. */
export async function quizEditorContext(deps: ActivityDeps, sessionId: string) {
  const [answers, competences] = await Promise.all([countQuizAnswers(deps.db, sessionId), competenceTitles(deps.db)]);
  return { answers, competences };
}

/** What a save receives: the parsed fields, the editor's questions, and the version the form was shown with. */
export interface ActivitiesSave {
  form: ActivitiesForm;
  questions: QuestionDraft[];
  /** Absent: no check (a client that does not send it); otherwise it must be the current version. */
  version?: string;
}

/**
 * Saves a session's activities; returns the problems instead when something is invalid. A quiz no longer
 * offered keeps its questions (row with `offered = false`). Questions keep their ids (see `toQuestions`), so
 * answers already stored stay attached to the question they answered. Throws a ConflictError when the
 * activities changed since the form was shown.
 */
export async function saveActivities(deps: ActivityDeps, actor: Actor, sessionId: string, input: ActivitiesSave): Promise<DraftIssue[]> {
  const session = await sessionForOrganiser(deps.db, actor, sessionId);
  const { form } = input;
  const { answers, competences } = await quizEditorContext(deps, session.id);
  const issues: DraftIssue[] = [];
  if (form.sp_enabled && session.competences.length === 0) issues.push({ field: 'sp_enabled', key: 'no_competences' });
  issues.push(...checkQuizDraft(input.questions, new Set(competences.keys())));
  const kept = input.questions.filter((q) => !isBlankQuestion(q));
  if (form.quiz_enabled && kept.length === 0) issues.push({ field: 'quiz_questions', key: 'quiz_empty' });
  if (issues.length) return issues;

  await deps.db.transaction(async (tx) => {
    await lockConfigs(tx, session.id);
    const stored = await loadConfigsForEditing(tx, session.id);
    // Someone saved since this form was shown: do not overwrite their work silently.
    if (input.version !== undefined && input.version !== stored.version) throw new ConflictError('The activities changed since the form was shown', { messageKey: 'activities.errors.stale' });
    const answered = [...answers.byQuestion.keys()].filter((k) => k.startsWith('q:')).map((k) => k.slice(2));
    const questions = toQuestions(kept, stored.quiz?.questions ?? [], answered);
    const list: Array<{ kind: ActivityKind; required: boolean; offered?: boolean; settings: unknown }> = [];
    if (form.sp_enabled) list.push({ kind: 'self-positioning', required: form.sp_required, settings: { retrospective: form.sp_retrospective } });
    if (form.quiz_enabled || questions.length) {
      const settings = { title: form.quiz_title || session.title, masteryPercent: form.quiz_mastery, certainty: form.quiz_certainty, questions };
      list.push({ kind: 'quiz', required: form.quiz_required, offered: form.quiz_enabled, settings });
    }
    if (form.needs_enabled) list.push({ kind: 'needs', required: form.needs_required, settings: { askCompetence: form.needs_competence } });
    if (form.satisfaction_enabled) list.push({ kind: 'satisfaction', required: form.satisfaction_required, settings: { scaleMax: 5 } });
    if (form.followup_enabled) list.push({ kind: 'follow-up', required: form.followup_required, settings: { delayDays: form.followup_delay } });
    // Each save moves the version forward, even when the clock has not (two saves within a millisecond).
    const now = deps.clock.now();
    const at = stored.lastChange && stored.lastChange >= now ? new Date(stored.lastChange.getTime() + 1) : now;
    await replaceConfigs(tx, session.id, list, at);
  });
  return [];
}
