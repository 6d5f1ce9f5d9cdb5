import type { Actor } from '../lti';
import { ForbiddenError } from '../platform/errors';
import { sessionForCourseOrganiser, sessionForOrganiser } from './access';
import { loadActivities } from './activities.config';
import { countNeedsRespondents, insertTopic, listOffers, listTopics, listWishes, replaceConfigs, setTopicActive } from './activities.repo';
import { listParticipants } from './people.repo';
import { parseQuizText, quizToText, type ActivitiesForm } from './activities.schema';
import type { ActivityKind } from './activities.tables';
import type { ActivityDeps } from './answers.service';
import { competenceTitles, loadSession } from './catalog.port';

/** What organisers do in the activities slice: configure a session's activities, see participants, offers and wishes. */

/** The activities form as it stands for a session (defaults for activities not configured yet). */
export async function activitiesFormFor(deps: ActivityDeps, actor: Actor, sessionId: string) {
  const session = await sessionForOrganiser(deps.db, actor, sessionId);
  const a = await loadActivities(deps.db, session.id);
  const values: Record<string, unknown> = {
    sp_enabled: Boolean(a.selfPositioning),
    sp_required: a.selfPositioning?.required ?? false,
    sp_retrospective: a.selfPositioning?.retrospective ?? true,
    quiz_enabled: Boolean(a.quiz),
    quiz_required: a.quiz?.required ?? false,
    quiz_title: a.quiz?.title ?? '',
    quiz_mastery: a.quiz?.masteryPercent ?? 70,
    quiz_certainty: a.quiz?.certainty ?? false,
    quiz_text: a.quiz ? quizToText(a.quiz.questions) : '',
    needs_enabled: Boolean(a.needs),
    needs_required: a.needs?.required ?? false,
    needs_competence: a.needs?.askCompetence ?? true,
    satisfaction_enabled: Boolean(a.satisfaction),
    satisfaction_required: a.satisfaction?.required ?? false,
    followup_enabled: Boolean(a.followUp),
    followup_required: a.followUp?.required ?? false,
    followup_delay: a.followUp?.delayDays ?? 30,
  };
  return { session, values };
}

/** A form-level problem: which field, which message key of `activities.errors`. */
export interface FormIssue {
  field: string;
  key: string;
  vars?: Record<string, unknown>;
}

/** Saves a session's activities; returns the problems instead when the quiz text or the choices are invalid. */
export async function saveActivities(deps: ActivityDeps, actor: Actor, sessionId: string, form: ActivitiesForm): Promise<FormIssue[]> {
  const session = await sessionForOrganiser(deps.db, actor, sessionId);
  const issues: FormIssue[] = [];
  const list: Array<{ kind: ActivityKind; required: boolean; settings: unknown }> = [];
  if (form.sp_enabled) {
    if (session.competences.length === 0) issues.push({ field: 'sp_enabled', key: 'no_competences' });
    list.push({ kind: 'self-positioning', required: form.sp_required, settings: { retrospective: form.sp_retrospective } });
  }
  if (form.quiz_enabled) {
    const parsed = parseQuizText(form.quiz_text);
    const codes = await competenceTitles(deps.db);
    for (const e of parsed.errors) {
      const [kind, where, what] = e.split(':');
      issues.push({ field: 'quiz_text', key: `quiz_${what ?? kind}`, vars: { where } });
    }
    for (const q of parsed.questions) if (q.competence && !codes.has(q.competence)) issues.push({ field: 'quiz_text', key: 'quiz_unknown_competence', vars: { where: q.competence } });
    if (parsed.questions.length === 0) issues.push({ field: 'quiz_text', key: 'quiz_empty' });
    list.push({
      kind: 'quiz',
      required: form.quiz_required,
      settings: { title: form.quiz_title || session.title, masteryPercent: form.quiz_mastery, certainty: form.quiz_certainty, questions: parsed.questions },
    });
  }
  if (form.needs_enabled) list.push({ kind: 'needs', required: form.needs_required, settings: { askCompetence: form.needs_competence } });
  if (form.satisfaction_enabled) list.push({ kind: 'satisfaction', required: form.satisfaction_required, settings: { scaleMax: 5 } });
  if (form.followup_enabled) list.push({ kind: 'follow-up', required: form.followup_required, settings: { delayDays: form.followup_delay } });
  if (issues.length) return issues;
  await deps.db.transaction((tx) => replaceConfigs(tx, session.id, list, deps.clock.now()));
  return [];
}

/**
 * Who launched a session, was present and completed it: everyone for who manages it; for the organisers of
 * a course that only links it, the people of that course alone (`ownCourseOnly`).
 */
export async function sessionParticipants(deps: ActivityDeps, actor: Actor, sessionId: string) {
  const { session, ownCourse } = await sessionForCourseOrganiser(deps.db, actor, sessionId);
  const people = await listParticipants(deps.db, session.id, ownCourse);
  return { session, people: people.filter((p) => p.role === 'participant'), ownCourseOnly: ownCourse !== null };
}

/** Knowledge-sharing offers: from the organiser's course, or every course for administrators. */
export async function offersFor(deps: ActivityDeps, actor: Actor) {
  const rows = await listOffers(deps.db, actor.isAdmin ? {} : { contextRef: actor.contextRef ?? '00000000-0000-0000-0000-000000000000' });
  return rows;
}

/**
 * Free-text wishes from the needs survey (no names, in text order): shown only when at least
 * PRIVACY_MIN_GROUP_TEXT people answered the survey in the organiser's view, and with their session only
 * when that session had as many respondents (else the session would point at its few writers).
 */
export async function wishesFor(deps: ActivityDeps, actor: Actor) {
  const filter = actor.isAdmin ? {} : { contextRef: actor.contextRef ?? '00000000-0000-0000-0000-000000000000' };
  const min = deps.config.privacy.minGroupText;
  const topics = await listTopics(deps.db, false);
  const respondents = await countNeedsRespondents(deps.db, filter);
  if (respondents.total < min) return { wishes: [], tooFew: true, min, topics };
  const rows = await listWishes(deps.db, filter);
  const titles = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.sessionId))) if ((respondents.bySession.get(id) ?? 0) >= min) titles.set(id, (await loadSession(deps.db, id))?.title ?? '');
  const wishes = rows.map((r) => ({ text: (r.value as { freeText: string }).freeText, session: titles.get(r.sessionId) ?? null }));
  return { wishes, tooFew: false, min, topics };
}

/** The survey's topic list is académie-wide: administrators only. */
function assertAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw new ForbiddenError('Administrator role required', { messageKey: 'errors.admin_only' });
}

/** Adds a tool or theme to the survey's list (administrators); false when it is already there. */
export function addTopic(deps: ActivityDeps, actor: Actor, input: { kind: 'tool' | 'theme'; label: string }) {
  assertAdmin(actor);
  return insertTopic(deps.db, input.kind, input.label);
}

/** Shows or hides a topic in the survey (administrators). */
export function toggleTopic(deps: ActivityDeps, actor: Actor, id: string, active: boolean) {
  assertAdmin(actor);
  return setTopicActive(deps.db, id, active);
}
