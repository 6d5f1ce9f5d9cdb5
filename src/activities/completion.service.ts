import { queueSessionScore } from '../grades';
import type { Tx } from '../platform/db/client';
import { loadActivities } from './activities.config';
import { findAttempts, findAttendance, insertCompletion } from './activities.repo';
import { eventBase, record, type EventWho, type RecordDeps } from './events';

/**
 * A session is completed when every required activity is done; when none is required, when the person
 * attended. Checked in the transaction of the action that may complete it, recorded once.
 */
export async function maybeCompleteSession(tx: Tx, deps: RecordDeps, who: EventWho, sessionId: string, at: Date): Promise<boolean> {
  const activities = await loadActivities(tx, sessionId);
  const attempts = await findAttempts(tx, sessionId, who.actor.userId);
  const done = new Set(attempts.filter((a) => a.completedAt).map((a) => a.kind));
  const complete = activities.required.length ? activities.required.every((k) => done.has(k)) : Boolean(await findAttendance(tx, sessionId, who.actor.userId));
  if (!complete) return false;
  if (!(await insertCompletion(tx, sessionId, who.actor.userId, at))) return false;
  const quiz = attempts.find((a) => a.kind === 'quiz' && a.completedAt);
  const scaled = (quiz?.result as { scaled?: number } | null)?.scaled;
  await onSessionCompleted(tx, deps, who, sessionId, at, typeof scaled === 'number' ? { scaled } : null);
  return true;
}

/**
 * What follows a session's completion, in the same transaction: its `session-completed` statement and the
 * score queued for the Moodle gradebook (grades slice). The one place where completion meets grades.
 */
export async function onSessionCompleted(tx: Tx, deps: RecordDeps, who: EventWho, sessionId: string, at: Date, score: { scaled: number } | null): Promise<void> {
  const base = await eventBase(tx, who, sessionId, at);
  await record(tx, [{ ...base, kind: 'session-completed', score }], deps);
  await queueSessionScore(tx, { userId: who.actor.userId, sessionId, at, quizScaled: score?.scaled ?? null, final: true });
}
