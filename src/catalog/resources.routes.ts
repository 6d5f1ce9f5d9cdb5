import type { Express, Request, Response } from 'express';
import multer from 'multer';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { AppError, ValidationError } from '../platform/errors';
import { MoveSchema, ResourceFormSchema } from './catalog.schema';
import { doneMessage, formatBytes } from './catalog.present';
import { fieldErrors, parseForm, resolveClean } from './forms';
import { presentResourceForm, presentResourceRows } from './resources.present';
import {
  addResource,
  editResource,
  listEditableResources,
  loadEditableResource,
  removeResource,
  reorderResource,
  type Upload,
} from './resources.service';
import { loadEditableSession, type CatalogDeps } from './sessions.service';

/** Organiser pages for a session's resources: list, add (link or upload), edit, delete, reorder. */
export function mountResourceRoutes(app: Express, ctx: AppContext): void {
  const deps: CatalogDeps = { db: ctx.db, clock: ctx.clock };
  const maxBytes = ctx.config.uploads.maxBytes;
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024, parts: 30 },
    defParamCharset: 'utf8',
  }).single('file');

  /** Parses the multipart body after the access check; a too-large file becomes a field error. */
  const readMultipart = (req: Request, res: Response) =>
    new Promise<Upload | undefined>((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if ((err as { code?: string } | undefined)?.code === 'LIMIT_FILE_SIZE') {
          reject(new ValidationError('File too large', [{ path: 'file', message: 'catalog.errors.file_too_large' }]));
        } else if (err) reject(new AppError('bad_request', 'Malformed upload', { messageKey: 'errors.bad_request', cause: err }));
        else resolveClean(req, resolve, reject);
      });
    });

  const base = (sessionId: string) => `/organiser/sessions/${sessionId}/resources`;

  const render = async (res: Response, status: number, o: { sessionId: string; resourceId?: string; body?: unknown; errors?: Record<string, string> }) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const locale = res.locals.locale as string;
    const { session, resources } = await listEditableResources(deps, actor, o.sessionId);
    const editing = o.resourceId ? (await loadEditableResource(deps, actor, o.sessionId, o.resourceId)).resource : undefined;
    const errors = Object.fromEntries(
      Object.entries(o.errors ?? {}).map(([k, v]) => [k, k === 'file' ? v.replace('{max}', formatBytes(maxBytes, locale)) : v]),
    );
    const action = editing ? `${base(session.id)}/${editing.id}` : base(session.id);
    res.status(status).render(editing ? 'catalog/resource-edit' : 'catalog/resources', {
      title: editing ? t('catalog.resources.edit_title') : t('catalog.resources.title', { title: session.title }),
      session: { id: session.id, title: session.title, archived: session.status === 'archived' },
      resources: presentResourceRows(resources, t, locale),
      resource: editing ? { id: editing.id, title: editing.title } : null,
      // Multipart bodies are read after the CSRF check, so the token travels in the action URL.
      action: `${action}?_csrf=${encodeURIComponent(String(res.locals.csrfToken ?? ''))}`,
      fields: presentResourceForm({ resource: editing, body: o.body, errors, maxBytes, t, locale }),
      hasErrors: Object.keys(errors).length > 0,
      errorList: Object.entries(errors).map(([id, message]) => ({ id: id === 'title' ? 'resource-title' : id === 'description' ? 'resource-description' : id, message })),
      done: doneMessage(t, res.req.query.done),
    });
  };

  const submit = (save: (req: Request, res: Response, file: Upload | undefined) => Promise<string>) => async (req: Request, res: Response) => {
    const sessionId = String(req.params.id);
    const resourceId = typeof req.params.rid === 'string' ? req.params.rid : undefined;
    if (resourceId) await loadEditableResource(deps, actorOf(res), sessionId, resourceId);
    else await loadEditableSession(deps, actorOf(res), sessionId);
    try {
      const file = await readMultipart(req, res);
      res.redirect(303, await save(req, res, file));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const tooLarge = err.details?.some((d) => d.message === 'catalog.errors.file_too_large');
      // A refused upload leaves the fields unread: show them again from what was parsed, if anything.
      await render(res, tooLarge ? 413 : 400, { sessionId, resourceId, body: req.body ?? {}, errors: fieldErrors(err.details, res.locals.t) });
    }
  };

  app.get('/organiser/sessions/:id/resources', ctx.allow.organiserOfSession('id'), (req, res) => render(res, 200, { sessionId: String(req.params.id) }));
  app.post(
    '/organiser/sessions/:id/resources',
    ctx.allow.organiserOfSession('id'),
    submit(async (req, res, file) => {
      const sessionId = String(req.params.id);
      await addResource(deps, actorOf(res), sessionId, parseForm(ResourceFormSchema, req.body), file);
      return `${base(sessionId)}?done=resource_added`;
    }),
  );

  app.get('/organiser/sessions/:id/resources/:rid', ctx.allow.organiserOfSession('id'), (req, res) =>
    render(res, 200, { sessionId: String(req.params.id), resourceId: String(req.params.rid) }),
  );
  app.post(
    '/organiser/sessions/:id/resources/:rid',
    ctx.allow.organiserOfSession('id'),
    submit(async (req, res, file) => {
      const sessionId = String(req.params.id);
      await editResource(deps, actorOf(res), sessionId, String(req.params.rid), parseForm(ResourceFormSchema, req.body), file);
      return `${base(sessionId)}?done=resource_saved`;
    }),
  );

  app.post('/organiser/sessions/:id/resources/:rid/delete', ctx.allow.organiserOfSession('id'), async (req, res) => {
    await removeResource(deps, actorOf(res), String(req.params.id), String(req.params.rid));
    res.redirect(303, `${base(String(req.params.id))}?done=resource_deleted`);
  });

  app.post('/organiser/sessions/:id/resources/:rid/move', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const { direction } = parseForm(MoveSchema, req.body);
    await reorderResource(deps, actorOf(res), String(req.params.id), String(req.params.rid), direction);
    res.redirect(303, `${base(String(req.params.id))}?done=resource_moved`);
  });
}

