import express, { type Express, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { listLinkableSessions, sessionToLink } from '../catalog';
import { actorOf, bindResourceLink, buildDeepLinkingResponse, checkFormToken, deepLinkingOf, formToken, ltiOf } from '../lti';
import type { AppContext } from '../platform/context';
import { ForbiddenError, NotFoundError, ValidationError } from '../platform/errors';
import { refuseUncleanInput } from '../platform/input-hygiene';
import type { WebSession } from '../platform/session';
import { presentSessionChoices } from './placement.present';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BindSchema = z.object({ sessionId: z.string().regex(UUID, 'expected a session id'), _csrf: z.string().optional() });
const PickSchema = z.object({ sessions: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])), _csrf: z.string().optional() });
const PICKER_SIZE = 50;

const sessionIdOf = (res: Response) => (res.locals.session as WebSession | undefined)?.id;
const queryOf = (q: unknown) => (typeof q === 'string' ? q.slice(0, 200) : '');

/** /lti is outside the app's CSRF middleware (ltijs posts there): our forms carry the lti slice's form token. */
function requireFormToken(ctx: AppContext): RequestHandler {
  return (req, res, next) => {
    if (!checkFormToken(ctx.secrets.cookieSecret, sessionIdOf(res), (req.body as Record<string, unknown>)?._csrf))
      return next(new ForbiddenError('Invalid or missing form token', { messageKey: 'errors.csrf' }));
    next();
  };
}

/**
 * Binding a Moodle activity to a session (/lti/bind) and deep linking (/lti/deep-linking): the pickers offer
 * only what the organiser's course may link (its own sessions, drafts included, and other courses' published
 * ones, marked); a choice outside that set is a 403 and nothing is bound or signed.
 */
export function mountPlacementRoutes(app: Express, ctx: AppContext): void {
  const router = express.Router();
  // /lti is outside the app's body parsers: its forms are read here, then checked like every other form.
  const form = [express.urlencoded({ extended: false, limit: '64kb' }), refuseUncleanInput()];
  const choices = async (res: Response, q: string) => {
    const sessions = await listLinkableSessions(ctx.db, actorOf(res), { q, endsAfter: ctx.clock.now(), limit: PICKER_SIZE });
    return presentSessionChoices(sessions, res.locals.t, res.locals.locale as string);
  };

  router.get('/bind', ctx.allow.organiserOfCourse(), async (req, res) => {
    const actor = actorOf(res);
    if (!actor.resourceLinkRef) throw new NotFoundError('No resource link in this launch');
    const q = queryOf(req.query.q);
    res.render('placement/bind', { title: res.locals.t('placement.bind.title'), q, csrf: formToken(ctx.secrets.cookieSecret, sessionIdOf(res) ?? ''), bound: actor.sessionId, sessions: await choices(res, q) });
  });

  router.post('/bind', ...form, ctx.allow.organiserOfCourse(), requireFormToken(ctx), async (req, res) => {
    const actor = actorOf(res);
    const parsed = BindSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Invalid body', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })), { messageKey: 'errors.validation_failed' });
    if (!actor.resourceLinkRef) throw new NotFoundError('No resource link in this launch');
    const session = await sessionToLink(ctx.db, actor, parsed.data.sessionId);
    await bindResourceLink(ctx.db, actor.resourceLinkRef, session.id, ctx.clock.now());
    res.redirect(303, `/organiser/sessions/${session.id}`);
  });

  router.get('/deep-linking', ctx.allow.organiserOfCourse(), async (req, res) => {
    const { settings } = await deepLinkingOf(ltiOf(ctx), actorOf(res));
    const q = queryOf(req.query.q);
    res.render('placement/deep-linking', {
      title: res.locals.t('placement.dl.title'),
      q,
      multiple: settings.accept_multiple !== false,
      csrf: formToken(ctx.secrets.cookieSecret, sessionIdOf(res) ?? ''),
      sessions: await choices(res, q),
    });
  });

  router.post('/deep-linking', ...form, ctx.allow.organiserOfCourse(), requireFormToken(ctx), async (req, res) => {
    const actor = actorOf(res);
    const lti = ltiOf(ctx);
    // Only a deep-linking launch may answer one (403 otherwise), whatever was posted.
    await deepLinkingOf(lti, actor);
    const parsed = PickSchema.safeParse(req.body);
    const ids = parsed.success ? parsed.data.sessions.filter((id) => UUID.test(id)) : [];
    if (ids.length === 0) throw new ValidationError('No session chosen', [{ path: 'sessions', message: res.locals.t('placement.dl.none_chosen') }], { messageKey: 'placement.dl.none_chosen' });
    // Every choice is checked before anything is signed: one session outside the set refuses the whole answer.
    const picked = [];
    for (const id of ids.slice(0, 20)) {
      const s = await sessionToLink(ctx.db, actor, id);
      picked.push({ id: s.id, title: s.title, text: s.tool ?? '' });
    }
    const { returnUrl, jwt } = await buildDeepLinkingResponse(lti, actor, picked);
    res.render('placement/autosubmit', { title: res.locals.t('placement.dl.title'), action: returnUrl, jwt });
  });

  app.use('/lti', router);
}
