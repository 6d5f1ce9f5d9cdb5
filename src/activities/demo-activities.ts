import type { DbOrTx } from '../platform/db/client';
import type { QuizQuestion } from './activities.schema';
import { insertAttendance, insertCompletion, replaceConfigs } from './activities.repo';

/** Demonstration data (`seed --demo`): a session's activities, and who came and completed it. */

/** The activities of a demo session: self-positioning, the quiz (required for completion), needs, satisfaction, D+30 follow-up. */
export async function configureDemoActivities(tx: DbOrTx, sessionId: string, quiz: { title: string; masteryPercent: number; questions: QuizQuestion[] }, at: Date): Promise<void> {
  await replaceConfigs(
    tx,
    sessionId,
    [
      { kind: 'self-positioning', required: false, settings: { retrospective: true } },
      { kind: 'quiz', required: true, settings: { title: quiz.title, masteryPercent: quiz.masteryPercent, certainty: true, questions: quiz.questions } },
      { kind: 'needs', required: false, settings: { askCompetence: true } },
      { kind: 'satisfaction', required: false, settings: { scaleMax: 5 } },
      { kind: 'follow-up', required: false, settings: { delayDays: 30 } },
    ],
    at,
  );
}

/** Attendance and completion rows of people who came to a demo session (as the check-in and the activities record them). */
export async function recordDemoAttendance(tx: DbOrTx, rows: Array<{ sessionId: string; userRef: string; method: 'qr' | 'code' | 'manual'; attendedAt: Date; completedAt: Date }>): Promise<void> {
  for (const r of rows) {
    await insertAttendance(tx, { sessionId: r.sessionId, userRef: r.userRef, method: r.method, markedBy: null, at: r.attendedAt });
    await insertCompletion(tx, r.sessionId, r.userRef, r.completedAt);
  }
}
