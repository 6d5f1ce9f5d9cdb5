import { and, eq, gt, isNull, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { ltiResumeTokens } from './lti.tables';

export type ResumeKind = 'continue' | 'resume';

/** Stores a resume token (by its hash). */
export async function insertResumeToken(db: DbOrTx, row: typeof ltiResumeTokens.$inferInsert): Promise<void> {
  await db.insert(ltiResumeTokens).values(row);
}

/** The statement that stores a resume token, to be run with another write (the launch's new session). */
export function resumeTokenInsert(db: DbOrTx, row: typeof ltiResumeTokens.$inferInsert): SQL {
  return db.insert(ltiResumeTokens).values(row).getSQL();
}

/**
 * Marks a live, unused token used and returns it with `fresh: true`; a live token that was already used comes
 * back with `fresh: false` (the caller tells a reload from a replay by who asks); undefined when unknown or
 * expired. The update is atomic: of two concurrent uses, one only is fresh.
 */
export async function consumeResumeToken(db: DbOrTx, tokenHash: string, kind: ResumeKind, now: Date): Promise<{ launchId: string; destination: string; fresh: boolean } | undefined> {
  const live = and(eq(ltiResumeTokens.tokenHash, tokenHash), eq(ltiResumeTokens.kind, kind), gt(ltiResumeTokens.expiresAt, now));
  const [used] = await db
    .update(ltiResumeTokens)
    .set({ usedAt: now })
    .where(and(live, isNull(ltiResumeTokens.usedAt)))
    .returning({ launchId: ltiResumeTokens.launchId, destination: ltiResumeTokens.destination });
  if (used) return { ...used, fresh: true };
  const [seen] = await db.select({ launchId: ltiResumeTokens.launchId, destination: ltiResumeTokens.destination }).from(ltiResumeTokens).where(live);
  return seen ? { ...seen, fresh: false } : undefined;
}

/** Deletes expired tokens; returns how many. */
export async function purgeResumeTokens(db: DbOrTx, now: Date): Promise<number> {
  return (await db.delete(ltiResumeTokens).where(lt(ltiResumeTokens.expiresAt, now)).returning({ h: ltiResumeTokens.tokenHash })).length;
}
