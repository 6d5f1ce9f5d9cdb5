import crypto from 'node:crypto';
// cookie-parser's own signing scheme, so the session cookie is exactly what Instants would set.
import signature from 'cookie-signature';
import type { DbOrTx } from '../../src/platform/db/client';
import { ltiContexts, ltiLaunches, ltiResourceLinks, ltiUsers } from '../../src/lti/lti.tables';
import { SESSION_COOKIE } from '../../src/platform/session';
import { TEST_SECRETS, type TestApp } from './app';
import { Browser } from './http';

export const TEST_ISSUER = 'https://moodle.test.ac-dijon.fr';

export interface LaunchOverrides {
  role?: 'participant' | 'organiser';
  isAdmin?: boolean;
  sub?: string;
  name?: string | null;
  email?: string | null;
  issuer?: string;
  deploymentId?: string;
  contextId?: string | null;
  contextTitle?: string;
  resourceLinkId?: string;
  sessionId?: string | null;
  locale?: string;
}

/** Inserts a user, course, resource link and launch as a launch would; returns their ids. */
export async function buildLaunch(db: DbOrTx, o: LaunchOverrides = {}) {
  const issuer = o.issuer ?? TEST_ISSUER;
  const deploymentId = o.deploymentId ?? '1';
  const sub = o.sub ?? String(crypto.randomInt(1, 1_000_000_000));
  const [user] = await db
    .insert(ltiUsers)
    .values({ issuer, sub, name: o.name === undefined ? `Personne ${sub}` : o.name, email: o.email === undefined ? `p${sub}@ac-dijon.fr` : o.email })
    .onConflictDoUpdate({ target: [ltiUsers.issuer, ltiUsers.sub], set: { updatedAt: new Date() } })
    .returning();
  let contextRef: string | null = null;
  if (o.contextId !== null) {
    const contextId = o.contextId ?? 'course-1';
    const [context] = await db
      .insert(ltiContexts)
      .values({ issuer, deploymentId, contextId, title: o.contextTitle ?? `Cours ${contextId}` })
      .onConflictDoUpdate({ target: [ltiContexts.issuer, ltiContexts.deploymentId, ltiContexts.contextId], set: { updatedAt: new Date() } })
      .returning();
    contextRef = context!.id;
  }
  const [link] = await db
    .insert(ltiResourceLinks)
    .values({ issuer, deploymentId, resourceLinkId: o.resourceLinkId ?? `link-${crypto.randomUUID()}`, contextRef, sessionId: o.sessionId ?? null })
    .onConflictDoUpdate({
      target: [ltiResourceLinks.issuer, ltiResourceLinks.deploymentId, ltiResourceLinks.resourceLinkId],
      set: { sessionId: o.sessionId ?? null, updatedAt: new Date() },
    })
    .returning();
  const role = o.role ?? 'participant';
  const [launch] = await db
    .insert(ltiLaunches)
    .values({
      userRef: user!.id,
      contextRef,
      resourceLinkRef: link!.id,
      issuer,
      deploymentId,
      messageType: 'LtiResourceLinkRequest',
      roles: [role === 'organiser' ? 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor' : 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'],
      role,
      isAdmin: o.isAdmin ?? false,
      locale: o.locale ?? 'fr',
    })
    .returning();
  return { userId: user!.id, contextRef, resourceLinkRef: link!.id, launchId: launch!.id, sub, issuer };
}

/**
 * A browser already signed in as after a launch (a factory for route tests; the launch itself is tested
 * end to end through the LTI platform simulator).
 */
export async function signIn(t: TestApp, o: LaunchOverrides = {}) {
  const launch = await buildLaunch(t.database.db, o);
  const session = await t.instants.ctx.sessions.create({ launchId: launch.launchId });
  const browser = new Browser(t.url);
  browser.setCookie(SESSION_COOKIE, encodeURIComponent(`s:${signature.sign(session.id, TEST_SECRETS.cookieSecret)}`));
  return { browser, ...launch };
}
