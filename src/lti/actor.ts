import type { SQL } from 'drizzle-orm';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Actor } from '../platform/actor';
import type { AppContext } from '../platform/context';
import { UnauthenticatedError } from '../platform/errors';
import { matchLocale } from '../platform/i18n';
import { hostCookieName, LOCALE_COOKIE, setLocale } from '../platform/http';
import { sessionCookieName, type WebSession } from '../platform/session';
import { findLaunchWithIdentity, findSessionWithIdentity } from './actor.repo';

export type { Actor };

/** What a browser session stores after a launch. */
/** What a browser session stores after a launch; `openedFromFrame` when the resume flow opened it from Moodle's frame. */
export const LaunchSessionSchema = z.object({ launchId: z.uuid(), openedFromFrame: z.boolean().optional() });

type Identity = NonNullable<Awaited<ReturnType<typeof findLaunchWithIdentity>>>;

function actorFrom({ launch, user, context, link }: Identity): Actor {
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
    documentTarget: launch.documentTarget,
  };
}

/** Builds the Actor for a launch id, or undefined when the launch no longer exists. */
export async function loadActorForLaunch(ctx: Pick<AppContext, 'db'>, launchId: string): Promise<Actor | undefined> {
  const row = await findLaunchWithIdentity(ctx.db, launchId);
  return row ? actorFrom(row) : undefined;
}

/** The actor read with the session by `loadSessionWithActor`, until `loadActor` applies it. */
const readWithSession = new WeakMap<Response, Actor>();

/**
 * Loads `res.locals.session` from the signed session cookie, when there is a live one, and the actor of
 * its launch in the same query (`loadActor`, after the language is chosen, applies it).
 */
export function loadSessionWithActor(ctx: Pick<AppContext, 'db' | 'clock'>, cookieName: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const id = (req.signedCookies as Record<string, unknown> | undefined)?.[cookieName];
    if (typeof id !== 'string') return next();
    const row = await findSessionWithIdentity(ctx.db, id, ctx.clock.now());
    if (!row) return next();
    res.locals.session = { id: row.session.id, data: row.session.data as Record<string, unknown>, expiresAt: row.session.expiresAt } satisfies WebSession;
    const { launch, user, context, link } = row;
    if (launch && user) readWithSession.set(res, actorFrom({ launch, user, context, link }));
    next();
  };
}

/** Sets `res.locals.actor` from the browser session, and the page language from the launch locale. */
export function loadActor(ctx: AppContext): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const parsed = LaunchSessionSchema.safeParse((res.locals.session as { data?: unknown } | undefined)?.data);
    if (parsed.success) {
      const read = readWithSession.get(res);
      const actor = read?.launchId === parsed.data.launchId ? read : await loadActorForLaunch(ctx, parsed.data.launchId);
      if (actor) {
        res.locals.actor = actor;
        // A window the help page opened from Moodle's frame keeps its `opener` (deep linking hands its answer
        // back to that frame): COOP same-origin would cut it, the frame's top level being Moodle's site.
        if (parsed.data.openedFromFrame) res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
        // Framed mode (views/layouts/main.hbs): inside Moodle's frame there is no second brand or language
        // switch, so the page speaks the launch's language, whatever an earlier visit chose; a window opened
        // from the frame is a page of its own.
        const framed = (actor.documentTarget === 'iframe' || actor.documentTarget === 'frame') && !parsed.data.openedFromFrame;
        res.locals.framed = framed;
        const launchLocale = matchLocale(actor.locale);
        const cookies = req.cookies as Record<string, string> | undefined;
        const chosen = cookies?.[hostCookieName(ctx.config, LOCALE_COOKIE)] !== undefined;
        if (launchLocale && !req.query.lang && (framed || !chosen)) setLocale(res, ctx.catalogues, launchLocale);
      }
    }
    next();
  };
}

/** Starts a browser session for a launch (a fresh id each time, so a launch never reuses an old session); `alongside` is written in the same statement. */
export async function startLaunchSession(ctx: AppContext, res: Response, launchId: string, extra: { openedFromFrame?: boolean } = {}, alongside?: SQL): Promise<void> {
  const session = await ctx.sessions.create({ launchId, ...extra }, alongside);
  res.cookie(sessionCookieName(ctx.config.http.publicUrl), session.id, { ...ctx.cookies, signed: true, expires: session.expiresAt });
}

/** Reads the actor set by `loadActor`; throws 401 when there is none. */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new UnauthenticatedError();
  return actor;
}

/** Whether an actor may see data of a given LMS course (our context id): admins see all, others their own. */
export function canSeeContext(actor: Actor, contextRef: string | null): boolean {
  return actor.isAdmin || (contextRef !== null && actor.contextRef === contextRef);
}
