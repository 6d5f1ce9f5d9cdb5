import { and, eq, inArray } from 'drizzle-orm';
import type { Clock } from '../platform/clock';
import type { Db, DbOrTx } from '../platform/db/client';
import { outbox } from '../platform/db/schema';
import { enqueueOutbox } from '../xapi';
import { countByStatus, findClientId, findRetrying, findGradableLinks, findScoreMode, listRefused, requeueRefused, upsertScore, type ScoreRow } from './scores.repo';
import { SCORE_KIND, type ScorePayload } from './score.handler';

/** What a completion (or a later change of result) contributes to the gradebook. */
export interface SessionResult {
  userId: string;
  sessionId: string;
  at: Date;
  /** The quiz score in [0, 1] when there is one. */
  quizScaled?: number | null;
  /** False while a later activity may still change the result (sent as Pending, so Moodle keeps no grade). */
  final?: boolean;
}

/**
 * Queues, in the caller's transaction, the score of a person for a session on every resource link bound to
 * that session through which they launched with AGS. Score = completion (100 %), or the quiz score when the
 * organiser chose it for the session. Returns the score rows queued (none when no link has AGS).
 */
export async function queueSessionScore(tx: DbOrTx, r: SessionResult): Promise<ScoreRow[]> {
  const links = await findGradableLinks(tx, r.userId, r.sessionId);
  if (!links.length) return [];
  const mode = await findScoreMode(tx, r.sessionId);
  const quiz = typeof r.quizScaled === 'number' ? Math.min(1, Math.max(0, r.quizScaled)) : null;
  const scoreGiven = mode === 'quiz' && quiz !== null ? Math.round(quiz * 10000) / 100 : 100;
  const final = r.final ?? true;
  const queued: ScoreRow[] = [];
  for (const link of links) {
    const clientId = await findClientId(tx, link.issuer, link.deploymentId);
    if (!clientId) continue;
    const row = await upsertScore(tx, {
      resourceLinkRef: link.id,
      userRef: r.userId,
      sessionId: r.sessionId,
      issuer: link.issuer,
      clientId,
      deploymentId: link.deploymentId,
      scoreGiven,
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: final ? 'FullyGraded' : 'Pending',
      comment: null,
      at: r.at,
    });
    await enqueue(tx, [row]);
    queued.push(row);
  }
  return queued;
}

async function enqueue(tx: DbOrTx, rows: ScoreRow[]): Promise<void> {
  await enqueueOutbox(tx, rows.map((r) => ({ kind: SCORE_KIND, destination: destinationOf(r), ref: r.id, payload: { scoreId: r.id } satisfies ScorePayload })));
}

/** The outbox destination of a score: one per platform registration, so a down platform pauses only its own. */
export function destinationOf(r: Pick<ScoreRow, 'issuer' | 'clientId'>): string {
  return `${r.issuer} ${r.clientId}`;
}

/** Sends the refused scores of a session (only one course's, with `contextRef`) again with fresh timestamps; returns how many. */
export async function retryRefusedScores(db: Db, clock: Clock, sessionId: string, contextRef?: string | null): Promise<number> {
  return db.transaction(async (tx) => {
    const at = clock.now();
    const rows = await requeueRefused(tx, sessionId, at, contextRef);
    if (!rows.length) return 0;
    // Their dead letters are superseded by the new rows.
    await tx.delete(outbox).where(and(eq(outbox.kind, SCORE_KIND), eq(outbox.status, 'dead'), inArray(outbox.ref, rows.map((r) => r.id))));
    await enqueue(tx, rows);
    return rows.length;
  });
}

/** Delivered, pending and refused counts of a session (only one course's, with `contextRef`), with the platform's answers for refusals. */
export async function gradeSync(db: DbOrTx, sessionId: string, contextRef?: string | null) {
  return { counts: await countByStatus(db, sessionId, contextRef), refused: await listRefused(db, sessionId, 200, contextRef), retrying: await findRetrying(db, sessionId, contextRef) };
}
