import type { z } from 'zod';
import type { Actor } from '../lti';
import type { Clock } from '../platform/clock';
import type { Db, Tx } from '../platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import type { LearningEvent } from '../xapi/events';
import { assertOpenForActivities, sessionForParticipant } from './access';
import { followUpOpensAt, loadActivities, type SessionActivities } from './activities.config';
import { completeAttempt, ensureAttempt, findAnswers, insertAnswer, lockAttempt, listTopics } from './activities.repo';
import {
  SCALE_STEPS,
  type FollowUpAnswerSchema,
  type NeedsAnswerSchema,
  type PositionAnswerSchema,
  type QuizAnswerSchema,
  type SatisfactionAnswerSchema,
} from './activities.schema';
import type { ActivityKind } from './activities.tables';
import { competenceTitles, type CatalogSession } from './catalog.port';
import { maybeCompleteSession } from './completion.service';
import { eventBase, record, type RecordDeps } from './events';
import { quizIds, scoreQuiz, isRight } from './quiz';

/** Saving participants' answers: one answer per (attempt, question), its statement in the same transaction. */

export interface ActivityDeps extends RecordDeps {
  db: Db;
  clock: Clock;
}

/** The acting participant and the page language. */
export interface Participant {
  actor: Actor;
  language: string;
}

/** What a save reports: whether something new was stored (false for a repeated submit). */
export interface SaveResult {
  stored: boolean;
  activityCompleted: boolean;
  sessionCompleted: boolean;
}

const invalid = (path: string, key: string) => new ValidationError('Invalid answer', [{ path, message: key }], { messageKey: 'errors.validation_failed' });

/**
 * Runs one save: checks access, then in one transaction locks the attempt, stores the answer, records its
 * events, completes the activity when `isComplete` says so, and the session when its required activities are done.
 */
async function saveAnswer(
  deps: ActivityDeps,
  who: Participant,
  sessionId: string,
  kind: ActivityKind,
  prepare: (session: CatalogSession, activities: SessionActivities) => Promise<{ key: string; value: unknown; events: (base: Awaited<ReturnType<typeof eventBase>>) => LearningEvent[] }>,
  finish: (tx: Tx, session: CatalogSession, activities: SessionActivities, attempt: { id: string; startedAt: Date }, at: Date) => Promise<{ complete: boolean; result?: unknown; events?: LearningEvent[] }>,
): Promise<SaveResult> {
  const session = await sessionForParticipant(deps.db, who.actor, sessionId);
  assertOpenForActivities(session);
  const activities = await loadActivities(deps.db, session.id);
  if (!activities.kinds.includes(kind)) throw new NotFoundError(`No ${kind} activity in session ${session.id}`);
  const prepared = await prepare(session, activities);
  const at = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const attempt = await ensureAttempt(tx, { sessionId: session.id, userRef: who.actor.userId, contextRef: who.actor.contextRef, kind, at });
    await lockAttempt(tx, attempt.id);
    // A finished quiz is final: a question added after it ended is not asked, and its score stays as sent.
    if (kind === 'quiz' && attempt.completedAt) return { stored: false, activityCompleted: false, sessionCompleted: false };
    const stored = await insertAnswer(tx, attempt.id, prepared.key, prepared.value, at);
    if (!stored) return { stored: false, activityCompleted: false, sessionCompleted: false };
    const base = await eventBase(tx, who, session.id, at);
    const events = prepared.events(base);
    const done = await finish(tx, session, activities, attempt, at);
    let activityCompleted = false;
    if (done.complete) activityCompleted = await completeAttempt(tx, attempt.id, done.result ?? null, at);
    await record(tx, activityCompleted ? [...events, ...(done.events ?? [])] : events, deps);
    const sessionCompleted = activityCompleted ? await maybeCompleteSession(tx, deps, who, session.id, at) : false;
    return { stored: true, activityCompleted, sessionCompleted };
  });
}

/** Self-positioning on one competence: before (until the session starts), after and "before, I was…" (once it started). */
export function answerPosition(deps: ActivityDeps, who: Participant, sessionId: string, input: z.infer<typeof PositionAnswerSchema>): Promise<SaveResult> {
  return saveAnswer(
    deps,
    who,
    sessionId,
    'self-positioning',
    async (session, activities) => {
      const competence = session.competences.find((c) => c.code === input.competence);
      if (!competence) throw invalid('competence', 'competence');
      const started = deps.clock.now() >= session.startsAt;
      if (input.moment === 'before' && started) throw new ConflictError('Before-session positioning is closed', { messageKey: 'activities.errors.before_closed' });
      if (input.moment !== 'before' && !started) throw new ConflictError('After-session positioning not open yet', { messageKey: 'activities.errors.after_not_open' });
      if (input.moment === 'then' && !activities.selfPositioning!.retrospective) throw invalid('moment', 'required');
      const level = SCALE_STEPS[input.step - 1]!.level;
      return {
        key: `${input.moment}:${competence.code}`,
        value: { step: input.step, level },
        events: (base) => [{ ...base, kind: 'self-positioned', competence: { framework: competence.framework, code: competence.code, title: competence.title }, level, moment: input.moment }],
      };
    },
    async (tx, session, activities, attempt) => {
      const keys = new Set((await findAnswers(tx, attempt.id)).map((a) => a.questionKey));
      const moments = activities.selfPositioning!.retrospective ? ['after', 'then'] : ['after'];
      const complete = session.competences.every((c) => moments.every((m) => keys.has(`${m}:${c.code}`)));
      return { complete };
    },
  );
}

/** One quiz answer; the last one completes the quiz (score, passed or failed against the mastery threshold). */
export function answerQuiz(deps: ActivityDeps, who: Participant, sessionId: string, input: z.infer<typeof QuizAnswerSchema>): Promise<SaveResult> {
  return saveAnswer(
    deps,
    who,
    sessionId,
    'quiz',
    async (session, activities) => {
      const quiz = activities.quiz!;
      const question = quiz.questions.find((q) => q.id === input.question);
      if (!question) throw invalid('question', 'required');
      const choiceIds = new Set(question.choices.map((c) => c.id));
      const chosen = [...new Set(input.choices)];
      if (!chosen.every((c) => choiceIds.has(c))) throw invalid('choices', 'choose');
      if (!question.multiple && chosen.length !== 1) throw invalid('choices', 'choose_one');
      if (quiz.certainty && input.certainty === null) throw invalid('certainty', 'certainty');
      const certainty = quiz.certainty ? input.certainty : null;
      const success = isRight(question, chosen);
      const ids = quizIds(session.id, question.id);
      return {
        key: `q:${question.id}`,
        // The right choices at the time of answering: the answer's correction stays what it was if the quiz is edited.
        value: { choices: chosen, certainty, success, correct: question.choices.filter((c) => c.correct).map((c) => c.id) },
        events: (base) => [
          {
            ...base,
            kind: 'question-answered',
            quiz: { id: ids.quiz, title: quiz.title },
            question: {
              id: ids.question,
              text: question.text,
              interactionType: 'choice',
              choices: question.choices.map((c) => ({ id: c.id, text: c.text })),
              correct: question.choices.filter((c) => c.correct).map((c) => c.id),
              competence: question.competence,
            },
            response: chosen,
            success,
            certainty,
          },
        ],
      };
    },
    async (tx, session, activities, attempt, at) => {
      const quiz = activities.quiz!;
      const answers = await findAnswers(tx, attempt.id);
      const score = scoreQuiz(quiz, answers);
      if (!score) return { complete: false };
      const base = await eventBase(tx, who, session.id, at);
      const durationSeconds = Math.max(0, Math.round((at.getTime() - attempt.startedAt.getTime()) / 1000));
      return {
        complete: true,
        result: score,
        events: [
          {
            ...base,
            kind: 'quiz-completed',
            quiz: { id: quizIds(session.id).quiz, title: quiz.title, masteryScore: quiz.masteryPercent / 100 },
            score: { raw: score.raw, max: score.max },
            passed: score.passed,
            durationSeconds,
          },
        ],
      };
    },
  );
}

/** The "what next?" survey: tools and themes from the organisers' list, free text, a competence to develop. */
export function answerNeeds(deps: ActivityDeps, who: Participant, sessionId: string, input: z.infer<typeof NeedsAnswerSchema>): Promise<SaveResult> {
  return saveAnswer(
    deps,
    who,
    sessionId,
    'needs',
    async (_session, activities) => {
      const topics = await listTopics(deps.db, true);
      const chosen = topics.filter((t) => input.topics.includes(t.id));
      if (chosen.length !== new Set(input.topics).size) throw invalid('topics', 'topic');
      const competence = input.competence && activities.needs!.askCompetence ? (await competenceTitles(deps.db)).get(input.competence) : undefined;
      if (input.competence && !competence) throw invalid('competence', 'competence');
      if (!chosen.length && !input.free_text && !competence) throw invalid('topics', 'empty_needs');
      return {
        key: 'needs',
        value: { topics: chosen.map((t) => t.id), freeText: input.free_text || null, competence: competence ? input.competence : null },
        events: (base) => [
          ...chosen.map((t): LearningEvent => ({ ...base, kind: 'need-expressed', need: { type: t.kind, id: t.id, label: t.label } })),
          ...(competence ? [{ ...base, kind: 'need-expressed' as const, need: { type: 'competence' as const, id: input.competence, label: competence } }] : []),
          ...(input.free_text ? [{ ...base, kind: 'need-expressed' as const, need: { type: 'free-text' as const, id: null, label: input.free_text } }] : []),
        ],
      };
    },
    async () => ({ complete: true }),
  );
}

/** The satisfaction rating and comment. */
export function answerSatisfaction(deps: ActivityDeps, who: Participant, sessionId: string, input: z.infer<typeof SatisfactionAnswerSchema>): Promise<SaveResult> {
  return saveAnswer(
    deps,
    who,
    sessionId,
    'satisfaction',
    async (_session, activities) => {
      const max = activities.satisfaction!.scaleMax;
      if (input.rating > max) throw invalid('rating', 'rating');
      return {
        key: 'rating',
        value: { rating: input.rating, max, comment: input.comment || null },
        events: (base) => [{ ...base, kind: 'rated', rating: { value: input.rating, max }, comment: input.comment || null }],
      };
    },
    async () => ({ complete: true }),
  );
}

/** The D+30 follow-up, open from `delayDays` after the session's end. */
export function answerFollowUp(deps: ActivityDeps, who: Participant, sessionId: string, input: z.infer<typeof FollowUpAnswerSchema>): Promise<SaveResult> {
  return saveAnswer(
    deps,
    who,
    sessionId,
    'follow-up',
    async (session, activities) => {
      if (deps.clock.now() < followUpOpensAt(session.endsAt, activities.followUp!.delayDays)) {
        throw new ConflictError('Follow-up not open yet', { messageKey: 'activities.errors.follow_up_not_open' });
      }
      const usedSince = input.used_since === 'yes';
      if (usedSince && !input.frequency) throw invalid('frequency', 'frequency');
      const purposes = input.purposes.split(/[\n;]+/).map((p) => p.trim()).filter(Boolean).slice(0, 20);
      const obstacles = [...input.obstacles.filter((o) => o !== 'other'), ...(input.obstacles_other ? [input.obstacles_other] : [])];
      const frequency = usedSince ? (input.frequency ?? null) : null;
      return {
        key: 'follow-up',
        value: { usedSince, frequency, purposes, obstacles },
        events: (base) => [{ ...base, kind: 'follow-up-completed', usedSince, frequency, purposes, obstacles }],
      };
    },
    async () => ({ complete: true }),
  );
}
