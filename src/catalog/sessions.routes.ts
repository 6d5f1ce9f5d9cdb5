import crypto from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { actorOf, requireOrganiser } from '../lti';
import type { AppContext } from '../platform/context';
import { ConflictError, ValidationError } from '../platform/errors';
import { input, validate } from '../platform/http';
import { SessionFormSchema, SessionListQuerySchema, StatusActionSchema } from './catalog.schema';
import {
  doneMessage,
  organiserNav,
  presentSessionCard,
  presentSessionForm,
  presentSessionList,
  presentStatusActions,
} from './catalog.present';
import { fieldErrors, parseForm, raw } from './forms';
import { listFrameworksWithCompetences } from './frameworks.service';
import { countResources } from './resources.repo';
import { listVisibleSeries } from './series.service';
import {
  changeStatus,
  createSession,
  duplicateSession,
  editSession,
  listOrganiserSessions,
  loadEditableSession,
  type CatalogDeps,
} from './sessions.service';

/** Organiser pages for sessions: the list, the create and edit forms, status changes, duplication. */
export function mountSessionRoutes(app: Express, ctx: AppContext): void {
  const deps: CatalogDeps = { db: ctx.db, clock: ctx.clock };

  app.get('/organiser', requireOrganiser, validate(SessionListQuerySchema, 'query'), async (req, res) => {
    const actor = actorOf(res);
    const filters = input(res, SessionListQuerySchema, 'query');
    const sessions = await listOrganiserSessions(deps, actor, filters);
    const counts = await countResources(ctx.db, sessions.map((s) => s.id));
    const t = res.locals.t;
    res.render('catalog/organiser-home', {
      title: actor.isAdmin ? t('catalog.home.title_admin') : t('catalog.home.title'),
      nav: organiserNav(t, 'sessions'),
      sessions: presentSessionList(sessions, counts, t, res.locals.locale as string),
      count: sessions.length,
      filtered: Boolean(filters.q || filters.status),
      q: filters.q ?? '',
      statuses: (['draft', 'published', 'cancelled', 'archived'] as const).map((s) => ({ value: s, label: t(`catalog.status.${s}`), selected: s === filters.status })),
      noCourse: !actor.isAdmin && !actor.contextRef,
      contextTitle: actor.contextTitle,
      done: doneMessage(t, req.query.done),
    });
  });

  const renderForm = async (res: Response, status: number, options: { sessionId?: string; body?: unknown; errors?: Record<string, string>; fresh?: boolean }) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const session = options.sessionId ? await loadEditableSession(deps, actor, options.sessionId) : undefined;
    const [frameworks, series, counts] = await Promise.all([
      listFrameworksWithCompetences(deps),
      listVisibleSeries(deps, actor),
      session ? countResources(ctx.db, [session.id]) : Promise.resolve(new Map<string, number>()),
    ]);
    const errors = options.errors ?? {};
    res.status(status).render('catalog/session-form', {
      title: session ? `${t('catalog.session.edit_title')} · ${session.title}` : t('catalog.session.new_title'),
      heading: session ? t('catalog.session.edit_title') : t('catalog.session.new_title'),
      nav: organiserNav(t, 'sessions'),
      scripts: ['/assets/js/catalog-session-form.js'],
      action: session ? `/organiser/sessions/${session.id}` : '/organiser/sessions/new',
      submit: session ? t('catalog.session.save') : t('catalog.session.create'),
      fields: presentSessionForm({ session, body: options.body, errors, frameworks, series, t }),
      // After a conflict the form keeps what was typed but carries the current version, so saving again overwrites knowingly.
      creationKey: session ? '' : raw(options.body, 'creationKey') || crypto.randomUUID(),
      version: session ? (options.fresh || options.body === undefined ? session.updatedAt.toISOString() : raw(options.body, 'version')) : '',
      hasErrors: Object.keys(errors).length > 0,
      errorList: Object.entries(errors).map(([id, message]) => ({ id, message })),
      session: session ? presentSessionCard(session, t, res.locals.locale as string, { description: true }) : null,
      statusActions: session ? presentStatusActions(session) : null,
      cancelReason: session?.cancelReason ?? null,
      resourceCount: session ? (counts.get(session.id) ?? 0) : 0,
      done: doneMessage(t, res.req.query.done),
    });
  };

  const handleForm = (save: (req: Request, res: Response) => Promise<string>) => async (req: Request, res: Response) => {
    try {
      const target = await save(req, res);
      res.redirect(303, target);
    } catch (err) {
      const sessionId = typeof req.params.id === 'string' ? req.params.id : undefined;
      if (err instanceof ConflictError && err.messageKey === 'catalog.errors.stale') {
        await renderForm(res, 409, { sessionId, body: req.body, errors: { 'session-form': res.locals.t('catalog.errors.stale') }, fresh: true });
        return;
      }
      if (!(err instanceof ValidationError)) throw err;
      await renderForm(res, 400, { sessionId, body: req.body, errors: fieldErrors(err.details, res.locals.t) });
    }
  };

  app.get('/organiser/sessions/new', requireOrganiser, (_req, res) => renderForm(res, 200, {}));
  app.post(
    '/organiser/sessions/new',
    requireOrganiser,
    handleForm(async (req, res) => {
      const id = await createSession(deps, actorOf(res), parseForm(SessionFormSchema, req.body));
      return `/organiser/sessions/${id}?done=created`;
    }),
  );

  app.get('/organiser/sessions/:id', requireOrganiser, (req, res) => renderForm(res, 200, { sessionId: String(req.params.id) }));
  app.post(
    '/organiser/sessions/:id',
    requireOrganiser,
    handleForm(async (req, res) => {
      const id = req.params.id as string;
      await loadEditableSession(deps, actorOf(res), id);
      await editSession(deps, actorOf(res), id, parseForm(SessionFormSchema, req.body));
      return `/organiser/sessions/${id}?done=saved`;
    }),
  );

  app.post('/organiser/sessions/:id/status', requireOrganiser, async (req, res) => {
    const id = String(req.params.id);
    const change = parseForm(StatusActionSchema, req.body);
    const status = await changeStatus(deps, actorOf(res), id, change);
    res.redirect(303, `/organiser/sessions/${id}?done=${status}`);
  });

  app.post('/organiser/sessions/:id/duplicate', requireOrganiser, async (req, res) => {
    const actor = actorOf(res);
    const original = await loadEditableSession(deps, actor, String(req.params.id));
    const copyId = await duplicateSession(deps, actor, original.id, res.locals.t('catalog.session.copy_of', { title: original.title }));
    res.redirect(303, `/organiser/sessions/${copyId}?done=duplicated`);
  });
}
