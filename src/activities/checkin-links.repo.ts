import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { ltiContexts, ltiResourceLinks } from '../lti/lti.tables';
import type { DbOrTx } from '../platform/db/client';
import { activityCheckinLinks } from './activities.tables';

/** The short check-in addresses of QR codes (`/c/<key>?c=<code>`) and the activities they send people through. */

export interface CheckinLink {
  key: string;
  sessionId: string;
  resourceLinkRef: string | null;
}

/** The key of a session's address for an activity (or none), created with `fresh` the first time; undefined when `fresh` is another's key. */
export async function ensureCheckinLink(db: DbOrTx, sessionId: string, resourceLinkRef: string | null, fresh: string): Promise<string | undefined> {
  await db.insert(activityCheckinLinks).values({ key: fresh, sessionId, resourceLinkRef }).onConflictDoNothing();
  const [row] = await db
    .select({ key: activityCheckinLinks.key })
    .from(activityCheckinLinks)
    .where(and(eq(activityCheckinLinks.sessionId, sessionId), resourceLinkRef ? eq(activityCheckinLinks.resourceLinkRef, resourceLinkRef) : isNull(activityCheckinLinks.resourceLinkRef)));
  return row?.key;
}

export async function findCheckinLink(db: DbOrTx, key: string): Promise<CheckinLink | undefined> {
  const [row] = await db.select().from(activityCheckinLinks).where(eq(activityCheckinLinks.key, key));
  return row ? { key: row.key, sessionId: row.sessionId, resourceLinkRef: row.resourceLinkRef } : undefined;
}

/** Whether a resource link is bound to a session (the screen's activity may since have been rebound). */
export async function isLinkOfSession(db: DbOrTx, resourceLinkRef: string, sessionId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: ltiResourceLinks.id })
    .from(ltiResourceLinks)
    .where(and(eq(ltiResourceLinks.id, resourceLinkRef), eq(ltiResourceLinks.sessionId, sessionId)));
  return row !== undefined;
}

export interface SessionActivity {
  activityUrl: string | null;
  courseTitle: string | null;
}

/**
 * The activities bound to a session, the preferred one first (the screen's), then those of the owner
 * course, then those whose platform address is known, most recently launched first.
 */
export async function activitiesOfSession(db: DbOrTx, sessionId: string, preferred: string | null, ownerContextRef: string | null): Promise<SessionActivity[]> {
  return db
    .select({ activityUrl: ltiResourceLinks.activityUrl, courseTitle: ltiContexts.title })
    .from(ltiResourceLinks)
    .leftJoin(ltiContexts, eq(ltiContexts.id, ltiResourceLinks.contextRef))
    .where(eq(ltiResourceLinks.sessionId, sessionId))
    .orderBy(
      desc(preferred ? sql`${ltiResourceLinks.id} = ${preferred}` : sql`false`),
      desc(ownerContextRef ? sql`${ltiResourceLinks.contextRef} is not distinct from ${ownerContextRef}` : sql`false`),
      desc(sql`${ltiResourceLinks.activityUrl} is not null`),
      desc(ltiResourceLinks.updatedAt),
    )
    .limit(5);
}
