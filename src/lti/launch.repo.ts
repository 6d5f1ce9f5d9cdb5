import { and, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../platform/db/client';
import { activityUrlOf } from './activity-url';
import type { LaunchContext } from './launch.schema';
import { ltiContexts, ltiDeployments, ltiLaunches, ltiLoginRequests, ltiResourceLinks, ltiUsers } from './lti.tables';

export type LoginRequest = typeof ltiLoginRequests.$inferSelect;

/** Records an OIDC login request we answered. */
export async function insertLoginRequest(db: Db, row: typeof ltiLoginRequests.$inferInsert): Promise<void> {
  await db.insert(ltiLoginRequests).values(row);
}

/** A live, unused login request, read without using it (platform storage asks the browser first). */
export async function peekLoginRequest(db: Db, state: string, now: Date): Promise<LoginRequest | undefined> {
  const [row] = await db.select().from(ltiLoginRequests).where(and(eq(ltiLoginRequests.state, state), isNull(ltiLoginRequests.usedAt)));
  return row && row.expiresAt > now ? row : undefined;
}

/**
 * Marks a login request used and returns it; `replayed` when it had already been used, undefined when it
 * never existed (or expired).
 */
export async function consumeLoginRequest(db: Db, state: string, now: Date): Promise<{ request: LoginRequest; replayed: boolean } | undefined> {
  const [used] = await db
    .update(ltiLoginRequests)
    .set({ usedAt: now })
    .where(and(eq(ltiLoginRequests.state, state), isNull(ltiLoginRequests.usedAt)))
    .returning();
  if (used) return used.expiresAt > now ? { request: used, replayed: false } : undefined;
  const [seen] = await db.select().from(ltiLoginRequests).where(eq(ltiLoginRequests.state, state));
  return seen ? { request: seen, replayed: true } : undefined;
}

/** Whether a deployment is known for a platform registration. */
export async function deploymentExists(db: DbOrTx, issuer: string, clientId: string, deploymentId: string): Promise<boolean> {
  const rows = await db
    .select({ d: ltiDeployments.deploymentId })
    .from(ltiDeployments)
    .where(and(eq(ltiDeployments.issuer, issuer), eq(ltiDeployments.clientId, clientId), eq(ltiDeployments.deploymentId, deploymentId)));
  return rows.length > 0;
}

/** Records a deployment (no-op when known). */
export async function recordDeployment(db: DbOrTx, row: typeof ltiDeployments.$inferInsert): Promise<void> {
  await db.insert(ltiDeployments).values(row).onConflictDoNothing();
}

/** Deployments of one registration. */
export async function listDeployments(db: DbOrTx, issuer: string, clientId: string): Promise<string[]> {
  const rows = await db
    .select({ d: ltiDeployments.deploymentId })
    .from(ltiDeployments)
    .where(and(eq(ltiDeployments.issuer, issuer), eq(ltiDeployments.clientId, clientId)))
    .orderBy(ltiDeployments.deploymentId);
  return rows.map((r) => r.d);
}

/** Removes every deployment of a registration. */
export async function deleteDeployments(db: DbOrTx, issuer: string, clientId: string): Promise<void> {
  await db.delete(ltiDeployments).where(and(eq(ltiDeployments.issuer, issuer), eq(ltiDeployments.clientId, clientId)));
}

/**
 * Writes the user, course, resource link and launch of a verified launch in one transaction; binds the
 * resource link to `bindSessionId` when given. Returns the launch id.
 */
export async function saveLaunch(
  db: Db,
  launch: LaunchContext,
  mapped: { role: 'participant' | 'organiser'; isAdmin: boolean },
  bindSessionId: string | null,
  now: Date,
): Promise<{ launchId: string; sessionId: string | null }> {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(ltiUsers)
      .values({ issuer: launch.issuer, sub: launch.sub, name: launch.name, givenName: launch.givenName, familyName: launch.familyName, email: launch.email, ...profileOf(launch.custom) })
      .onConflictDoUpdate({
        target: [ltiUsers.issuer, ltiUsers.sub],
        set: { name: launch.name, givenName: launch.givenName, familyName: launch.familyName, email: launch.email, ...profileOf(launch.custom), updatedAt: now },
      })
      .returning({ id: ltiUsers.id });
    let contextRef: string | null = null;
    if (launch.context) {
      const [context] = await tx
        .insert(ltiContexts)
        .values({ issuer: launch.issuer, deploymentId: launch.deploymentId, contextId: launch.context.id, title: launch.context.title, label: launch.context.label })
        .onConflictDoUpdate({
          target: [ltiContexts.issuer, ltiContexts.deploymentId, ltiContexts.contextId],
          set: { title: launch.context.title, label: launch.context.label, updatedAt: now },
        })
        .returning({ id: ltiContexts.id });
      contextRef = context!.id;
    }
    let linkRef: string | null = null;
    let sessionId: string | null = null;
    if (launch.resourceLink) {
      const ags = launch.ags;
      const set = {
        contextRef,
        title: launch.resourceLink.title,
        agsLineitem: ags?.lineitem ?? null,
        agsLineitems: ags?.lineitems ?? null,
        agsScopes: ags?.scopes ?? [],
        activityUrl: activityUrlOf(launch),
        updatedAt: now,
        ...(bindSessionId ? { sessionId: bindSessionId } : {}),
      };
      const [link] = await tx
        .insert(ltiResourceLinks)
        .values({ issuer: launch.issuer, deploymentId: launch.deploymentId, resourceLinkId: launch.resourceLink.id, ...set })
        .onConflictDoUpdate({ target: [ltiResourceLinks.issuer, ltiResourceLinks.deploymentId, ltiResourceLinks.resourceLinkId], set })
        .returning({ id: ltiResourceLinks.id, sessionId: ltiResourceLinks.sessionId });
      linkRef = link!.id;
      sessionId = link!.sessionId;
    }
    const [row] = await tx
      .insert(ltiLaunches)
      .values({
        userRef: user!.id,
        contextRef,
        resourceLinkRef: linkRef,
        issuer: launch.issuer,
        clientId: launch.clientId,
        deploymentId: launch.deploymentId,
        messageType: launch.messageType,
        roles: launch.roles,
        role: mapped.role,
        isAdmin: mapped.isAdmin,
        locale: launch.locale,
        returnUrl: launch.returnUrl,
        documentTarget: launch.documentTarget,
        nrpsUrl: launch.nrpsUrl,
        custom: launch.custom,
        deepLinking: launch.deepLinking,
        launchedAt: now,
      })
      .returning({ id: ltiLaunches.id });
    return { launchId: row!.id, sessionId };
  });
}

/** Binds a resource link to an Instants session. */
export async function bindResourceLink(db: DbOrTx, resourceLinkRef: string, sessionId: string, now: Date): Promise<void> {
  await db.update(ltiResourceLinks).set({ sessionId, updatedAt: now }).where(eq(ltiResourceLinks.id, resourceLinkRef));
}

/** The deep-linking data and client id of a launch. */
export async function findLaunchExtras(db: DbOrTx, launchId: string) {
  const [row] = await db
    .select({ clientId: ltiLaunches.clientId, deepLinking: ltiLaunches.deepLinking, messageType: ltiLaunches.messageType })
    .from(ltiLaunches)
    .where(eq(ltiLaunches.id, launchId));
  return row;
}

/** Custom parameters `service` and `job_family` (lower-cased by Moodle), trimmed; absent ones leave the stored value. */
function profileOf(custom: Record<string, unknown>): { service?: string | null; jobFamily?: string | null } {
  const read = (key: string) => {
    const v = custom[key];
    if (typeof v !== 'string') return undefined;
    const s = v.trim().slice(0, 200);
    // An unsubstituted Moodle variable ("$Person.address.department") means the field is not set.
    return s === '' || s.startsWith('$') ? null : s;
  };
  const service = read('service');
  const jobFamily = read('job_family');
  return { ...(service !== undefined ? { service } : {}), ...(jobFamily !== undefined ? { jobFamily } : {}) };
}
