import crypto from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import { sessionAccessOf } from '../platform/access';
import type { AppContext } from '../platform/context';
import { ConflictError, ValidationError } from '../platform/errors';
import { input, validate } from '../platform/http';
import { SessionFormSchema, SessionListQuerySchema, StatusActionSchema } from './catalog.schema';
import {
  doneMessage,
  presentSessionCard,
  presentSessionForm,
  presentSessionList,
  presentStatusActions,
} from './catalog.present';
import { coOrganisersOf } from './co-organisers.service';
import { fieldErrors, parseForm, raw } from './forms';
import { findCourseTitle } from './ownership.repo';
import { presentCoOrganisers } from './ownership.present';
import { listFrameworksWithCompetences } from './frameworks.service';
import { getSession } from './catalog.service';
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

  app.get('/organiser', ctx.allow.organiserOfCourse(), validate(SessionListQuerySchema, 'query'), async (req, res) => {
    const actor = actorOf(res);
    const filters = input(res, SessionListQuerySchema, 'query');
    const sessions = await listOrganiserSessions(deps, actor, filters);
    const counts = await countResources(ctx.db, sessions.map((s) => s.id));
    const t = res.locals.t;
    res.render('catalog/organiser-home', {
      title: actor.isAdmin ? t('catalog.home.title_admin') : t('catalog.home.title'),
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
    const [frameworks, series, coOrganisers, ownerTitle] = await Promise.all([
      listFrameworksWithCompetences(deps),
      listVisibleSeries(deps, actor),
      session ? coOrganisersOf(deps, actor, session.id) : Promise.resolve(undefined),
      session ? findCourseTitle(ctx.db, session.ownerContextRef) : Promise.resolve(null),
    ]);
    const errors = options.errors ?? {};
    res.status(status).render('catalog/session-form', {
      title: session ? `${t('catalog.session.edit_title')} · ${session.title}` : t('catalog.session.new_title'),
      heading: session ? t('catalog.session.edit_title') : t('catalog.session.new_title'),
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
      coOrganisers: session && coOrganisers ? presentCoOrganisers(t, { sessionId: session.id, ownerTitle, ...coOrganisers }) : null,
      done: doneMessage(t, res.req.query.done),
    });
  };

  const renderLinked = async (res: Response, id: string) => {
    const t = res.locals.t;
    const session = (await getSession(ctx.db, id))!;
    const owner = (await findCourseTitle(ctx.db, session.ownerContextRef)) ?? t('catalog.linked.other_course');
    res.render('catalog/linked-session', {
      title: `${t('catalog.linked.title')} · ${session.title}`,
      intro: t('catalog.linked.intro', { course: owner }),
      session: presentSessionCard(session, t, res.locals.locale as string, { description: true }),
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

  app.get('/organiser/sessions/new', ctx.allow.organiserOfCourse(), (req, res) => renderForm(res, 200, { body: prefillFromQuery(req.query) }));
  app.post(
    '/organiser/sessions/new',
    ctx.allow.organiserOfCourse(),
    handleForm(async (req, res) => {
      const id = await createSession(deps, actorOf(res), parseForm(SessionFormSchema, req.body));
      return `/organiser/sessions/${id}?done=created`;
    }),
  );

  // Where an organiser's launch lands: the session's page, or for a course that only links it, what that course may do.
  app.get('/organiser/sessions/:id', ctx.allow.organiserOfSession('id', { linked: true }), async (req, res) => {
    if (sessionAccessOf(res)?.relation === 'linked') return renderLinked(res, String(req.params.id));
    await renderForm(res, 200, { sessionId: String(req.params.id) });
  });
  app.post(
    '/organiser/sessions/:id',
    ctx.allow.organiserOfSession('id'),
    handleForm(async (req, res) => {
      const id = req.params.id as string;
      await loadEditableSession(deps, actorOf(res), id);
      await editSession(deps, actorOf(res), id, parseForm(SessionFormSchema, req.body));
      return `/organiser/sessions/${id}?done=saved`;
    }),
  );

  app.post('/organiser/sessions/:id/status', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const id = String(req.params.id);
    const change = parseForm(StatusActionSchema, req.body);
    const status = await changeStatus(deps, actorOf(res), id, change);
    res.redirect(303, `/organiser/sessions/${id}?done=${status}`);
  });

  app.post('/organiser/sessions/:id/duplicate', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const actor = actorOf(res);
    const original = await loadEditableSession(deps, actor, String(req.params.id));
    const copyId = await duplicateSession(deps, actor, original.id, res.locals.t('catalog.session.copy_of', { title: original.title }));
    res.redirect(303, `/organiser/sessions/${copyId}?done=duplicated`);
  });
}

/**
 * "Create a session" from a need on the dashboards: `?title=&tool=&competence=` prefill the new session form
 * (values are only suggestions; the form's own checks apply on submit). Nothing usable: an empty form.
 */
function prefillFromQuery(query: Request['query']): Record<string, unknown> | undefined {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 200) : '');
  const title = text(query.title);
  const tool = text(query.tool);
  const competence = text(query.competence);
  if (!title && !tool && !competence) return undefined;
  return { title, tool, competences: /^\d\.\d$/.test(competence) ? [`crcn:${competence}`] : [] };
}
