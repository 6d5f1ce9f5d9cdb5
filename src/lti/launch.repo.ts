import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../platform/db/client';
import { activityUrlOf } from './activity-url';
import type { LaunchContext } from './launch.schema';
import { ltiContexts, ltiDeployments, ltiLaunches, ltiLoginRequests, ltiResourceLinks, ltiUsers } from './lti.tables';

export type LoginRequest = typeof ltiLoginRequests.$inferSelect;

/** A live, unused login request, read without using it (platform storage asks the browser first). */
export async function peekLoginRequest(db: Db, state: string, now: Date): Promise<LoginRequest | undefined> {
  const [row] = await db.select().from(ltiLoginRequests).where(and(eq(ltiLoginRequests.state, state), isNull(ltiLoginRequests.usedAt)));
  return row && row.expiresAt > now ? row : undefined;
}

/**
 * Marks a login request used and returns it; `replayed` when it had already been used, undefined when it
 * never existed (or expired). With `deploymentId` (as the id_token names it), also tells in the same
 * statement whether that deployment is known for the login's platform registration (`deploymentKnown`).
 */
export async function consumeLoginRequest(
  db: Db,
  state: string,
  now: Date,
  deploymentId?: string,
): Promise<{ request: LoginRequest; replayed: boolean; deploymentKnown?: boolean } | undefined> {
  const known =
    deploymentId === undefined
      ? sql<null>`null`
      : sql<boolean>`exists (select 1 from ${ltiDeployments} where ${ltiDeployments.issuer} = ${ltiLoginRequests.issuer} and ${ltiDeployments.clientId} = ${ltiLoginRequests.clientId} and ${ltiDeployments.deploymentId} = ${deploymentId})`;
  const [used] = await db
    .update(ltiLoginRequests)
    .set({ usedAt: now })
    .where(and(eq(ltiLoginRequests.state, state), isNull(ltiLoginRequests.usedAt)))
    .returning({ ...getTableColumns(ltiLoginRequests), deploymentKnown: known });
  if (used) {
    const { deploymentKnown, ...request } = used;
    return request.expiresAt > now ? { request, replayed: false, ...(typeof deploymentKnown === 'boolean' ? { deploymentKnown } : {}) } : undefined;
  }
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
 * Writes the user, course, resource link and launch of a verified launch in one statement (four inserts
 * in data-modifying CTEs: one round trip, atomic without a transaction); binds the resource link to
 * `bindSessionId` when given. Returns the launch id, the user's id and the session the link is bound to.
 */
export async function saveLaunch(
  db: Db,
  launch: LaunchContext,
  mapped: { role: 'participant' | 'organiser'; isAdmin: boolean },
  bindSessionId: string | null,
  now: Date,
): Promise<{ launchId: string; userId: string; sessionId: string | null }> {
  const ctes: SQL[] = [];
  const user = db
    .insert(ltiUsers)
    .values({ issuer: launch.issuer, sub: launch.sub, name: launch.name, givenName: launch.givenName, familyName: launch.familyName, email: launch.email, ...profileOf(launch.custom) })
    .onConflictDoUpdate({
      target: [ltiUsers.issuer, ltiUsers.sub],
      set: { name: launch.name, givenName: launch.givenName, familyName: launch.familyName, email: launch.email, ...profileOf(launch.custom), updatedAt: now },
    })
    .returning({ id: ltiUsers.id });
  ctes.push(sql`u as (${user.getSQL()})`);
  const contextRef = launch.context ? sql`(select id from c)` : null;
  if (launch.context) {
    const context = db
      .insert(ltiContexts)
      .values({ issuer: launch.issuer, deploymentId: launch.deploymentId, contextId: launch.context.id, title: launch.context.title, label: launch.context.label })
      .onConflictDoUpdate({
        target: [ltiContexts.issuer, ltiContexts.deploymentId, ltiContexts.contextId],
        set: { title: launch.context.title, label: launch.context.label, updatedAt: now },
      })
      .returning({ id: ltiContexts.id });
    ctes.push(sql`c as (${context.getSQL()})`);
  }
  const linkRef = launch.resourceLink ? sql`(select id from l)` : null;
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
    const link = db
      .insert(ltiResourceLinks)
      .values({ issuer: launch.issuer, deploymentId: launch.deploymentId, resourceLinkId: launch.resourceLink.id, ...set })
      .onConflictDoUpdate({ target: [ltiResourceLinks.issuer, ltiResourceLinks.deploymentId, ltiResourceLinks.resourceLinkId], set })
      .returning({ id: ltiResourceLinks.id, sessionId: ltiResourceLinks.sessionId });
    ctes.push(sql`l as (${link.getSQL()})`);
  }
  const row = db
    .insert(ltiLaunches)
    .values({
      userRef: sql`(select id from u)`,
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
  ctes.push(sql`x as (${row.getSQL()})`);
  const session = launch.resourceLink ? sql`(select session_id from l)` : sql`null::uuid`;
  const result = await db.execute(sql`with ${sql.join(ctes, sql`, `)} select x.id as launch_id, (select id from u) as user_id, ${session} as session_id from x`);
  const [saved] = (result as unknown as { rows: Array<{ launch_id: string; user_id: string; session_id: string | null }> }).rows;
  return { launchId: saved!.launch_id, userId: saved!.user_id, sessionId: saved!.session_id };
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
