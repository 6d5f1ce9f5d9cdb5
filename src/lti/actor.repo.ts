import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
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
