import { and, count, eq, gt, isNull, lt } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client';
import { ltiRegistrationLinks, ltiRegistrations } from '../lti.tables';

export type RegistrationRow = typeof ltiRegistrations.$inferSelect;
export type RegistrationLinkRow = typeof ltiRegistrationLinks.$inferSelect;

/** What a registration brought, kept until an administrator decides. */
export interface RegisteredConfig {
  name: string;
  authEndpoint: string;
  tokenEndpoint: string;
  keySetUrl: string;
}

export async function insertLink(db: DbOrTx, row: typeof ltiRegistrationLinks.$inferInsert): Promise<void> {
  await db.insert(ltiRegistrationLinks).values(row);
}

/** Claims a live, unused link for `origin`; false when there is none. Atomic: a link registers once. */
export async function claimLink(db: DbOrTx, tokenHash: string, origin: string, now: Date): Promise<boolean> {
  const rows = await db
    .update(ltiRegistrationLinks)
    .set({ usedAt: now })
    .where(and(eq(ltiRegistrationLinks.tokenHash, tokenHash), eq(ltiRegistrationLinks.moodleOrigin, origin), isNull(ltiRegistrationLinks.usedAt), gt(ltiRegistrationLinks.expiresAt, now)))
    .returning({ h: ltiRegistrationLinks.tokenHash });
  return rows.length === 1;
}

/** Gives a claimed link back (the registration it started failed). */
export async function releaseLink(db: DbOrTx, tokenHash: string): Promise<void> {
  await db.update(ltiRegistrationLinks).set({ usedAt: null }).where(eq(ltiRegistrationLinks.tokenHash, tokenHash));
}

/** Links not used and not expired, newest first. */
export async function listLiveLinks(db: DbOrTx, now: Date): Promise<RegistrationLinkRow[]> {
  return db
    .select()
    .from(ltiRegistrationLinks)
    .where(and(isNull(ltiRegistrationLinks.usedAt), gt(ltiRegistrationLinks.expiresAt, now)))
    .orderBy(ltiRegistrationLinks.createdAt);
}

export async function insertRegistration(db: DbOrTx, row: typeof ltiRegistrations.$inferInsert): Promise<RegistrationRow> {
  const [created] = await db.insert(ltiRegistrations).values(row).returning();
  return created!;
}

/** Undecided, unexpired registrations: all of them, or of one origin. */
export async function countPending(db: DbOrTx, now: Date, origin?: string): Promise<number> {
  const live = and(isNull(ltiRegistrations.decidedAt), gt(ltiRegistrations.expiresAt, now), origin ? eq(ltiRegistrations.origin, origin) : undefined);
  const [row] = await db.select({ n: count() }).from(ltiRegistrations).where(live);
  return row?.n ?? 0;
}

export async function listPending(db: DbOrTx, now: Date): Promise<RegistrationRow[]> {
  return db
    .select()
    .from(ltiRegistrations)
    .where(and(isNull(ltiRegistrations.decidedAt), gt(ltiRegistrations.expiresAt, now)))
    .orderBy(ltiRegistrations.createdAt);
}

export async function findPending(db: DbOrTx, id: string, now: Date): Promise<RegistrationRow | undefined> {
  const [row] = await db
    .select()
    .from(ltiRegistrations)
    .where(and(eq(ltiRegistrations.id, id), isNull(ltiRegistrations.decidedAt), gt(ltiRegistrations.expiresAt, now)));
  return row;
}

/** Undecided rows of a platform (its 'new' registration, or updates waiting for it). */
export async function pendingOf(db: DbOrTx, issuer: string, clientId: string, now: Date): Promise<RegistrationRow[]> {
  return db
    .select()
    .from(ltiRegistrations)
    .where(and(eq(ltiRegistrations.issuer, issuer), eq(ltiRegistrations.clientId, clientId), isNull(ltiRegistrations.decidedAt), gt(ltiRegistrations.expiresAt, now)));
}

export async function decide(db: DbOrTx, id: string, decision: 'activated' | 'applied' | 'rejected', now: Date): Promise<void> {
  await db.update(ltiRegistrations).set({ decision, decidedAt: now }).where(eq(ltiRegistrations.id, id));
}

/** Undecided registrations past their expiry (removed by the purge with their inactive platform). */
export async function expiredPending(db: DbOrTx, now: Date): Promise<RegistrationRow[]> {
  return db.select().from(ltiRegistrations).where(and(isNull(ltiRegistrations.decidedAt), lt(ltiRegistrations.expiresAt, now)));
}

export async function deleteRegistration(db: DbOrTx, id: string): Promise<void> {
  await db.delete(ltiRegistrations).where(eq(ltiRegistrations.id, id));
}

/** Deletes expired or used links; returns how many. */
export async function purgeLinks(db: DbOrTx, now: Date): Promise<number> {
  return (await db.delete(ltiRegistrationLinks).where(lt(ltiRegistrationLinks.expiresAt, now)).returning({ h: ltiRegistrationLinks.tokenHash })).length;
}
