import type { Express, Request, Response } from 'express';
import multer from 'multer';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { AppError, ValidationError, type FieldIssue } from '../platform/errors';
import type { Translate } from '../platform/i18n';
import { FrameworkFormSchema } from './catalog.schema';
import { doneMessage } from './catalog.present';
import { field, fieldErrors, parseForm, raw, resolveClean } from './forms';
import { importFramework, listFrameworksWithCompetences } from './frameworks.service';
import type { Upload } from './resources.service';
import type { CatalogDeps } from './sessions.service';

/** Import messages carry a key and variables (line numbers…), encoded by the service as JSON. */
function importMessages(issues: FieldIssue[] | undefined, t: Translate): string[] {
  return (issues ?? []).map((i) => {
    try {
      const { key, vars } = JSON.parse(i.message) as { key: string; vars: Record<string, unknown> };
      return t(key, vars);
    } catch {
      return i.message.startsWith('catalog.') ? t(i.message) : t('catalog.errors.invalid');
    }
  });
}

/** The frameworks page (every organiser reads it) and the import form (administrators only). */
export function mountFrameworkRoutes(app: Express, ctx: AppContext): void {
  const deps: CatalogDeps = { db: ctx.db, clock: ctx.clock };
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1024 * 1024, files: 1, fields: 10, parts: 15 }, defParamCharset: 'utf8' }).single('file');

  const render = async (res: Response, status: number, o: { body?: unknown; errors?: Record<string, string>; fileErrors?: string[] } = {}) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const errors = o.errors ?? {};
    const frameworks = await listFrameworksWithCompetences(deps);
    const fileErrors = o.fileErrors ?? [];
    if (fileErrors.length) errors.file = fileErrors.join(' ');
    res.status(status).render('catalog/frameworks', {
      title: t('catalog.frameworks.title'),
      frameworks: frameworks.map((f) => ({
        id: f.id,
        title: f.title,
        source: f.source,
        isDefault: f.isDefault,
        count: t('catalog.frameworks.count', { count: f.competences.length }),
        competences: f.competences.map((c) => ({ code: c.code, domain: c.domain, title: c.title })),
      })),
      isAdmin: actor.isAdmin,
      action: `/organiser/frameworks?_csrf=${encodeURIComponent(String(res.locals.csrfToken ?? ''))}`,
      fields: [
        field({ kind: 'text', id: 'framework-id', name: 'id', label: t('catalog.frameworks.fields.id'), help: t('catalog.frameworks.fields.id_help'), required: true, value: raw(o.body, 'id') }, errors),
        field({ kind: 'text', id: 'framework-title', name: 'title', label: t('catalog.frameworks.fields.title'), required: true, value: raw(o.body, 'title') }, errors),
        field({ kind: 'file', id: 'framework-file', name: 'file', label: t('catalog.frameworks.fields.file'), help: t('catalog.frameworks.import_help'), required: true, accept: '.csv,.json' }, errors),
      ],
      hasErrors: Object.values(errors).some(Boolean),
      fileErrors,
      errorList: Object.entries(errors)
        .filter(([, m]) => m)
        .map(([id, message]) => ({ id: `framework-${id}`, message })),
      done: doneMessage(t, res.req.query.done),
      importedCount: typeof res.req.query.count === 'string' && /^\d{1,4}$/.test(res.req.query.count) ? t('catalog.frameworks.imported_count', { count: res.req.query.count }) : null,
    });
  };

  app.get('/organiser/frameworks', ctx.allow.organiserOfCourse(), (_req, res) => render(res, 200));

  app.post('/organiser/frameworks', ctx.allow.admin(), async (req: Request, res: Response) => {
    try {
      const file = await new Promise<Upload | undefined>((resolve, reject) =>
        upload(req, res, (err: unknown) => {
          if ((err as { code?: string } | undefined)?.code === 'LIMIT_FILE_SIZE') reject(new ValidationError('File too large', [{ path: 'file', message: 'catalog.errors.file_too_large' }]));
          else if (err) reject(new AppError('bad_request', 'Malformed upload', { messageKey: 'errors.bad_request', cause: err }));
          else resolveClean(req, resolve, reject);
        }),
      );
      const form = parseForm(FrameworkFormSchema, req.body);
      const count = await importFramework(deps, actorOf(res), form, file);
      res.redirect(303, `/organiser/frameworks?done=framework_imported&count=${count}`);
    } catch (err) {
      const t = res.locals.t;
      if (err instanceof ValidationError) {
        const fileIssues = (err.details ?? []).filter((d) => d.path === 'file' && d.message.startsWith('{'));
        const others = (err.details ?? []).filter((d) => !fileIssues.includes(d));
        const errors = fieldErrors(others, t);
        if (errors.file) errors.file = errors.file.replace('{max}', '1 Mo');
        await render(res, 400, { body: req.body, errors, fileErrors: importMessages(fileIssues, t) });
      } else if (err instanceof AppError && err.code === 'conflict') {
        await render(res, 409, { body: req.body, fileErrors: [t('catalog.import.codes_in_use', { codes: err.details?.[0]?.message ?? '' })] });
      } else throw err;
    }
  });
}
