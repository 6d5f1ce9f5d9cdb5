import { and, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { webSessions } from '../platform/db/platform.tables';
import { ltiContexts, ltiLaunches, ltiResourceLinks, ltiUsers } from './lti.tables';

/** The launch, user, context and resource link behind a browser session, in one query. */
export async function findLaunchWithIdentity(db: DbOrTx, launchId: string) {
  const [row] = await db
    .select({ launch: ltiLaunches, user: ltiUsers, context: ltiContexts, link: ltiResourceLinks })
    .from(ltiLaunches)
    .innerJoin(ltiUsers, eq(ltiUsers.id, ltiLaunches.userRef))
    .leftJoin(ltiContexts, eq(ltiContexts.id, ltiLaunches.contextRef))
    .leftJoin(ltiResourceLinks, eq(ltiResourceLinks.id, ltiLaunches.resourceLinkRef))
    .where(eq(ltiLaunches.id, launchId));
  return row;
}

/** The launch id a session's data names, as a uuid, or null (never a failed cast: the data is ours, but JSON). */
const launchIdOf = sql`case when ${webSessions.data}->>'launchId' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then (${webSessions.data}->>'launchId')::uuid end`;

/**
 * A live browser session and, in the same query, the launch, user, context and resource link it names:
 * every page request reads both, so one round trip instead of two.
 */
export async function findSessionWithIdentity(db: DbOrTx, sessionId: string, now: Date) {
  const [row] = await db
    .select({ session: webSessions, launch: ltiLaunches, user: ltiUsers, context: ltiContexts, link: ltiResourceLinks })
    .from(webSessions)
    .leftJoin(ltiLaunches, eq(ltiLaunches.id, launchIdOf))
    .leftJoin(ltiUsers, eq(ltiUsers.id, ltiLaunches.userRef))
    .leftJoin(ltiContexts, eq(ltiContexts.id, ltiLaunches.contextRef))
    .leftJoin(ltiResourceLinks, eq(ltiResourceLinks.id, ltiLaunches.resourceLinkRef))
    .where(and(eq(webSessions.id, sessionId), gt(webSessions.expiresAt, now)));
  return row;
}
