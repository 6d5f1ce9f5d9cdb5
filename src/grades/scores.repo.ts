import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { ltiDeployments, ltiLaunches, ltiResourceLinks, ltiUsers } from '../lti/lti.tables';
import { gradesLineItems, gradesScores, gradesSettings } from './grades.tables';

export type ScoreRow = typeof gradesScores.$inferSelect;
export type ResourceLinkRow = typeof ltiResourceLinks.$inferSelect;

/** Resource links bound to a session through which this person launched, with AGS endpoints. */
export async function findGradableLinks(db: DbOrTx, userRef: string, sessionId: string): Promise<ResourceLinkRow[]> {
  const rows = await db
    .selectDistinct({ link: ltiResourceLinks })
    .from(ltiLaunches)
    .innerJoin(ltiResourceLinks, eq(ltiResourceLinks.id, ltiLaunches.resourceLinkRef))
    .where(and(eq(ltiLaunches.userRef, userRef), eq(ltiResourceLinks.sessionId, sessionId)));
  return rows.map((r) => r.link).filter((l) => l.agsLineitem || l.agsLineitems);
}

export async function findResourceLink(db: DbOrTx, id: string): Promise<ResourceLinkRow | undefined> {
  const [row] = await db.select().from(ltiResourceLinks).where(eq(ltiResourceLinks.id, id));
  return row;
}

/** The client id of a deployment: from the registered deployments, else from the latest launch through it. */
export async function findClientId(db: DbOrTx, issuer: string, deploymentId: string): Promise<string | undefined> {
  const [dep] = await db
    .select({ clientId: ltiDeployments.clientId })
    .from(ltiDeployments)
    .where(and(eq(ltiDeployments.issuer, issuer), eq(ltiDeployments.deploymentId, deploymentId)))
    .limit(1);
  if (dep) return dep.clientId;
  const [launch] = await db
    .select({ clientId: ltiLaunches.clientId })
    .from(ltiLaunches)
    .where(and(eq(ltiLaunches.issuer, issuer), eq(ltiLaunches.deploymentId, deploymentId), sql`${ltiLaunches.clientId} is not null`))
    .orderBy(sql`${ltiLaunches.launchedAt} desc`)
    .limit(1);
  return launch?.clientId ?? undefined;
}

export interface ScoreValues {
  resourceLinkRef: string;
  userRef: string;
  sessionId: string | null;
  issuer: string;
  clientId: string;
  deploymentId: string;
  scoreGiven: number | null;
  scoreMaximum: number;
  activityProgress: string;
  gradingProgress: string;
  comment: string | null;
  at: Date;
}

/**
 * Records the latest score of a person for a link; a change bumps the version and moves the AGS timestamp
 * forward by at least a second (Moodle compares timestamps in whole seconds).
 */
export async function upsertScore(db: DbOrTx, v: ScoreValues): Promise<ScoreRow> {
  const [row] = await db
    .insert(gradesScores)
    .values({ ...v, scoreTimestamp: v.at, updatedAt: v.at })
    .onConflictDoUpdate({
      target: [gradesScores.resourceLinkRef, gradesScores.userRef],
      set: {
        sessionId: sql`excluded.session_id`,
        issuer: sql`excluded.issuer`,
        clientId: sql`excluded.client_id`,
        deploymentId: sql`excluded.deployment_id`,
        scoreGiven: sql`excluded.score_given`,
        scoreMaximum: sql`excluded.score_maximum`,
        activityProgress: sql`excluded.activity_progress`,
        gradingProgress: sql`excluded.grading_progress`,
        comment: sql`excluded.comment`,
        scoreTimestamp: sql`greatest(excluded.score_timestamp, ${gradesScores.scoreTimestamp} + interval '1 second')`,
        version: sql`${gradesScores.version} + 1`,
        status: 'pending',
        remoteStatus: null,
        remoteBody: null,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    .returning();
  return row!;
}

/** Scores with the platform's id of their person (the AGS `userId`). */
export async function findScores(db: DbOrTx, ids: string[]): Promise<Array<ScoreRow & { sub: string }>> {
  if (!ids.length) return [];
  const rows = await db
    .select({ score: gradesScores, sub: ltiUsers.sub })
    .from(gradesScores)
    .innerJoin(ltiUsers, eq(ltiUsers.id, gradesScores.userRef))
    .where(inArray(gradesScores.id, ids));
  return rows.map((r) => ({ ...r.score, sub: r.sub }));
}

/** Marks values as delivered in one statement, unless a newer value arrived meanwhile (then it stays pending). */
export async function markManyDelivered(db: DbOrTx, done: Array<{ id: string; version: number; timestamp: Date }>, at: Date): Promise<void> {
  if (!done.length) return;
  const ids = `{${done.map((d) => d.id).join(',')}}`;
  const versions = `{${done.map((d) => d.version).join(',')}}`;
  const stamps = `{${done.map((d) => `"${d.timestamp.toISOString()}"`).join(',')}}`;
  await db.execute(sql`
    update grades_scores g set
      delivered_version = greatest(g.delivered_version, v.version),
      status = case when g.version = v.version then 'delivered' else g.status end,
      score_timestamp = greatest(g.score_timestamp, v.ts),
      attempts = g.attempts + 1, remote_status = null, remote_body = null,
      delivered_at = ${at.toISOString()}::timestamptz, updated_at = ${at.toISOString()}::timestamptz
    from (select unnest(${ids}::uuid[]) as id, unnest(${versions}::int[]) as version, unnest(${stamps}::timestamptz[]) as ts) v
    where g.id = v.id`);
}

/** Records the platform's refusal of a value (kept until retried or replaced by a newer value). */
export async function markRefused(db: DbOrTx, id: string, version: number, remoteStatus: number, remoteBody: string, at: Date): Promise<void> {
  await db
    .update(gradesScores)
    .set({ status: 'refused', remoteStatus, remoteBody: remoteBody.slice(0, 2000), attempts: sql`${gradesScores.attempts} + 1`, updatedAt: at })
    .where(and(eq(gradesScores.id, id), eq(gradesScores.version, version)));
}

/** Records a failed attempt that will be retried. */
export async function markAttempt(db: DbOrTx, id: string, remoteStatus: number | null, remoteBody: string | null, at: Date): Promise<void> {
  await db
    .update(gradesScores)
    .set({ attempts: sql`${gradesScores.attempts} + 1`, remoteStatus, remoteBody: remoteBody?.slice(0, 2000) ?? null, updatedAt: at })
    .where(eq(gradesScores.id, id));
}

/** Scores of a session, or only those from one course's activities (its resource links) when `contextRef` is given. */
function ofSession(sessionId: string, contextRef?: string | null) {
  const session = eq(gradesScores.sessionId, sessionId);
  if (!contextRef) return session;
  return and(session, sql`${gradesScores.resourceLinkRef} in (select ${ltiResourceLinks.id} from ${ltiResourceLinks} where ${ltiResourceLinks.contextRef} = ${contextRef})`);
}

/** Puts refused scores of a session (of one course's activities, with `contextRef`) back to pending with a fresh timestamp; returns them. */
export async function requeueRefused(db: DbOrTx, sessionId: string, at: Date, contextRef?: string | null): Promise<ScoreRow[]> {
  return db
    .update(gradesScores)
    .set({
      status: 'pending',
      version: sql`${gradesScores.version} + 1`,
      scoreTimestamp: sql`greatest(${at.toISOString()}::timestamptz, ${gradesScores.scoreTimestamp} + interval '1 second')`,
      remoteStatus: null,
      remoteBody: null,
      updatedAt: at,
    })
    .where(and(ofSession(sessionId, contextRef), eq(gradesScores.status, 'refused')))
    .returning();
}

/** Moves a score's AGS timestamp forward (after a 409) and returns the new one. */
export async function bumpTimestamp(db: DbOrTx, id: string, at: Date): Promise<Date> {
  const [row] = await db
    .update(gradesScores)
    .set({ scoreTimestamp: sql`greatest(${at.toISOString()}::timestamptz, ${gradesScores.scoreTimestamp} + interval '1 second')` })
    .where(eq(gradesScores.id, id))
    .returning({ ts: gradesScores.scoreTimestamp });
  return row!.ts;
}

export interface SyncCounts {
  delivered: number;
  pending: number;
  refused: number;
}

export async function countByStatus(db: DbOrTx, sessionId: string, contextRef?: string | null): Promise<SyncCounts> {
  const rows = await db
    .select({ status: gradesScores.status, n: sql<number>`count(*)::int` })
    .from(gradesScores)
    .where(ofSession(sessionId, contextRef))
    .groupBy(gradesScores.status);
  const counts: SyncCounts = { delivered: 0, pending: 0, refused: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

/** How many scores Moodle refused, per session, among `sessionIds` (sessions without any are left out). */
export async function countRefusedBySession(db: DbOrTx, sessionIds: string[]): Promise<Map<string, number>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await db
    .select({ sessionId: gradesScores.sessionId, n: sql<number>`count(*)::int` })
    .from(gradesScores)
    .where(and(inArray(gradesScores.sessionId, sessionIds), eq(gradesScores.status, 'refused')))
    .groupBy(gradesScores.sessionId);
  return new Map(rows.map((r) => [String(r.sessionId), Number(r.n)]));
}

/** Pending scores whose last attempt failed and will be retried, with the latest failure. */
export async function findRetrying(db: DbOrTx, sessionId: string, contextRef?: string | null): Promise<{ count: number; remoteStatus: number | null; remoteBody: string | null }> {
  const rows = await db
    .select({ remoteStatus: gradesScores.remoteStatus, remoteBody: gradesScores.remoteBody })
    .from(gradesScores)
    .where(and(ofSession(sessionId, contextRef), eq(gradesScores.status, 'pending'), sql`${gradesScores.remoteBody} is not null`))
    .orderBy(sql`${gradesScores.updatedAt} desc`);
  return { count: rows.length, remoteStatus: rows[0]?.remoteStatus ?? null, remoteBody: rows[0]?.remoteBody ?? null };
}

export async function listRefused(db: DbOrTx, sessionId: string, limit = 200, contextRef?: string | null) {
  return db
    .select({ id: gradesScores.id, sub: ltiUsers.sub, name: ltiUsers.name, remoteStatus: gradesScores.remoteStatus, remoteBody: gradesScores.remoteBody, updatedAt: gradesScores.updatedAt })
    .from(gradesScores)
    .innerJoin(ltiUsers, eq(ltiUsers.id, gradesScores.userRef))
    .where(and(ofSession(sessionId, contextRef), eq(gradesScores.status, 'refused')))
    .orderBy(gradesScores.updatedAt)
    .limit(limit);
}

export async function findLineItem(db: DbOrTx, resourceLinkRef: string): Promise<string | undefined> {
  const [row] = await db.select().from(gradesLineItems).where(eq(gradesLineItems.resourceLinkRef, resourceLinkRef));
  return row?.lineitemUrl;
}

export async function saveLineItem(db: DbOrTx, resourceLinkRef: string, url: string): Promise<void> {
  await db.insert(gradesLineItems).values({ resourceLinkRef, lineitemUrl: url }).onConflictDoUpdate({ target: gradesLineItems.resourceLinkRef, set: { lineitemUrl: url } });
}

export async function findScoreMode(db: DbOrTx, sessionId: string): Promise<'completion' | 'quiz'> {
  const [row] = await db.select().from(gradesSettings).where(eq(gradesSettings.sessionId, sessionId));
  return row?.scoreMode ?? 'completion';
}

export async function saveScoreMode(db: DbOrTx, sessionId: string, mode: 'completion' | 'quiz', at: Date): Promise<void> {
  await db.insert(gradesSettings).values({ sessionId, scoreMode: mode, updatedAt: at }).onConflictDoUpdate({ target: gradesSettings.sessionId, set: { scoreMode: mode, updatedAt: at } });
}
