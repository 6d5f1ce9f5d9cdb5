import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../platform/context';
import { ForbiddenError, UnauthenticatedError } from '../platform/errors';
import { matchLocale } from '../platform/i18n';
import { setLocale } from '../platform/http';
import { SESSION_COOKIE } from '../platform/session';
import { findLaunchWithIdentity } from './actor.repo';

/** The person using Instants, as established by an LTI launch. Services receive this, never `req`. */
export interface Actor {
  /** Our id for the person (lti_users.id). */
  userId: string;
  issuer: string;
  sub: string;
  name: string | null;
  email: string | null;
  /** Service and job family from the launch's custom parameters (for dashboards), when the LMS sends them. */
  service: string | null;
  jobFamily: string | null;
  role: 'participant' | 'organiser';
  /** Institution or system administrator on the platform: sees every course. */
  isAdmin: boolean;
  launchId: string;
  deploymentId: string;
  /** Our id for the LMS course (lti_contexts.id), and its LMS-side id and title. */
  contextRef: string | null;
  contextId: string | null;
  contextTitle: string | null;
  /** Our id for the resource link (lti_resource_links.id) and the Instants session bound to it. */
  resourceLinkRef: string | null;
  sessionId: string | null;
  locale: string | null;
  returnUrl: string | null;
}

/** What a browser session stores after a launch. */
export const LaunchSessionSchema = z.object({ launchId: z.uuid() });

/** Builds the Actor for a launch id, or undefined when the launch no longer exists. */
export async function loadActorForLaunch(ctx: Pick<AppContext, 'db'>, launchId: string): Promise<Actor | undefined> {
  const row = await findLaunchWithIdentity(ctx.db, launchId);
  if (!row) return undefined;
  const { launch, user, context, link } = row;
  return {
    userId: user.id,
    issuer: user.issuer,
    sub: user.sub,
    name: user.name,
    email: user.email,
    service: user.service,
    jobFamily: user.jobFamily,
    role: launch.role,
    isAdmin: launch.isAdmin,
    launchId: launch.id,
    deploymentId: launch.deploymentId,
    contextRef: context?.id ?? null,
    contextId: context?.contextId ?? null,
    contextTitle: context?.title ?? null,
    resourceLinkRef: link?.id ?? null,
    sessionId: link?.sessionId ?? null,
    locale: launch.locale,
    returnUrl: launch.returnUrl,
  };
}

/** Sets `res.locals.actor` from the browser session, and the page language from the launch locale. */
export function loadActor(ctx: AppContext): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const parsed = LaunchSessionSchema.safeParse((res.locals.session as { data?: unknown } | undefined)?.data);
    if (parsed.success) {
      const actor = await loadActorForLaunch(ctx, parsed.data.launchId);
      if (actor) {
        res.locals.actor = actor;
        const launchLocale = matchLocale(actor.locale);
        const cookies = req.cookies as Record<string, string> | undefined;
        if (launchLocale && !req.query.lang && !cookies?.instants_lang) setLocale(res, ctx.catalogues, launchLocale);
      }
    }
    next();
  };
}

/** Starts a browser session for a launch (a fresh id each time, so a launch never reuses an old session). */
export async function startLaunchSession(ctx: AppContext, res: Response, launchId: string): Promise<void> {
  const session = await ctx.sessions.create({ launchId });
  res.cookie(SESSION_COOKIE, session.id, { ...ctx.cookies, signed: true, expires: session.expiresAt });
}

/** Reads the actor set by `loadActor`; throws 401 when there is none. */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new UnauthenticatedError();
  return actor;
}

/** Requires a launched user (401 page otherwise). */
export const requireLaunch: RequestHandler = (_req, res, next) => {
  actorOf(res);
  next();
};

/** Requires an organiser (Instructor-like role or administrator); participants get a 403. */
export const requireOrganiser: RequestHandler = (_req, res, next) => {
  const actor = actorOf(res);
  if (actor.role !== 'organiser') throw new ForbiddenError('Organiser role required');
  next();
};

/** Requires a platform administrator (institution or system Administrator role at launch). */
export const requireAdmin: RequestHandler = (_req, res, next) => {
  const actor = actorOf(res);
  if (!actor.isAdmin) throw new ForbiddenError('Administrator role required');
  next();
};

/** Whether an actor may see data of a given LMS course (our context id): admins see all, others their own. */
export function canSeeContext(actor: Actor, contextRef: string | null): boolean {
  return actor.isAdmin || (contextRef !== null && actor.contextRef === contextRef);
}
