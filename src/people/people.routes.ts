import type { Express, Request, Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { Actor } from '../platform/actor';
import type { AppContext } from '../platform/context';
import { AppError, NotFoundError, ValidationError, type FieldIssue } from '../platform/errors';
import { assertCleanInput } from '../platform/input-hygiene';
import { presentAdmin, presentProfile } from './people.present';
import * as repo from './people.repo';
import { importPeople } from './import.service';
import { ProfileFormSchema, profileView, saveProfile, type PeopleDeps } from './profile.service';

const localPath = (to: unknown): string | undefined => (typeof to === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(to) ? to : undefined);
const ChoiceSchema = z.object({ kind: z.enum(['service', 'job_family']), label: z.string().trim().min(1).max(200) });
type T = (key: string, vars?: Record<string, unknown>) => string;

/** Import problems as sentences with their line numbers. */
function importMessages(issues: FieldIssue[] | undefined, t: T): string[] {
  return (issues ?? []).map((i) => {
    try {
      const { key, vars } = JSON.parse(i.message) as { key: string; vars: Record<string, unknown> };
      return t(key, vars);
    } catch {
      return i.message;
    }
  });
}

/** `/me/profile`: a person's service and job family; `/admin/people`: the lists and the CSV import. */
export function peopleRoutes(app: Express, ctx: AppContext): void {
  const deps = (): PeopleDeps => ({ db: ctx.db, clock: ctx.clock, pseudonymKey: ctx.secrets.pseudonymKey });
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 2 * 1024 * 1024, files: 1, fields: 5, parts: 8 } }).single('file');

  const profilePage = async (res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const actor = res.locals.actor as Actor;
    const t = res.locals.t as T;
    res.status(status).render('people/profile', { title: t('people.profile.title'), ...presentProfile(await profileView(deps(), actor), t), next: localPath(res.req.query.next) ?? localPath((res.req.body as Record<string, unknown> | undefined)?.next), ...extra });
  };
  app.get('/me/profile', ctx.allow.launched(), async (req, res) => profilePage(res, 200, { saved: req.query.saved === '1' }));
  app.post('/me/profile', ctx.allow.launched(), async (req, res) => {
    const parsed = ProfileFormSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Invalid profile form', [{ path: 'service', message: 'people.profile.unknown_choice' }], { messageKey: 'people.profile.unknown_choice' });
    try {
      await saveProfile(deps(), res.locals.actor as Actor, parsed.data);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return profilePage(res, 400, { error: (res.locals.t as T)('people.profile.unknown_choice') });
    }
    const next = localPath(parsed.data.next);
    res.redirect(303, next ?? '/me/profile?saved=1');
  });

  const adminPage = async (res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const t = res.locals.t as T;
    const [choices, counts] = await Promise.all([repo.listChoices(ctx.db), repo.countWithoutService(ctx.db)]);
    res.status(status).render('people/admin', { title: t('people.admin.title'), ...presentAdmin(choices, counts, t), importAction: `/admin/people/import?_csrf=${encodeURIComponent(String(res.locals.csrfToken ?? ''))}`, ...extra });
  };
  app.get('/admin/people', ctx.allow.admin(), async (req, res) => adminPage(res, 200, { imported: typeof req.query.imported === 'string' && /^\d{1,6}$/.test(req.query.imported) ? req.query.imported : null }));
  app.post('/admin/people/choices', ctx.allow.admin(), async (req, res) => {
    const parsed = ChoiceSchema.safeParse(req.body);
    if (!parsed.success) return adminPage(res, 400, { choiceError: (res.locals.t as T)('people.admin.choice_invalid') });
    await repo.addChoice(ctx.db, parsed.data.kind, parsed.data.label);
    res.redirect(303, '/admin/people');
  });
  app.post('/admin/people/choices/:id/archive', ctx.allow.admin(), async (req, res) => {
    const id = String(req.params.id);
    if (!z.uuid().safeParse(id).success || !(await repo.archiveChoice(ctx.db, id, ctx.clock.now()))) throw new NotFoundError('No such choice');
    res.redirect(303, '/admin/people');
  });
  app.post('/admin/people/import', ctx.allow.admin(), async (req: Request, res: Response) => {
    const t = res.locals.t as T;
    try {
      const file = await new Promise<Buffer | undefined>((resolve, reject) =>
        upload(req, res, (err: unknown) => {
          if ((err as { code?: string } | undefined)?.code === 'LIMIT_FILE_SIZE') return reject(new ValidationError('File too large', [{ path: 'file', message: JSON.stringify({ key: 'people.import.too_large', vars: {} }) }]));
          if (err) return reject(new AppError('bad_request', 'Malformed upload', { messageKey: 'errors.bad_request', cause: err }));
          try {
            assertCleanInput({ ...(req.body as Record<string, unknown> | undefined), ...(req.file ? { file: req.file.originalname } : {}) });
          } catch (e) {
            return reject(e);
          }
          resolve(req.file && req.file.size > 0 ? req.file.buffer : undefined);
        }),
      );
      if (!file) throw new ValidationError('No file', [{ path: 'file', message: JSON.stringify({ key: 'people.import.no_file', vars: {} }) }]);
      const result = await importPeople(deps(), file);
      ctx.log.info({ rows: result.rows, matched: result.matched }, 'people imported');
      res.redirect(303, `/admin/people?imported=${result.rows}`);
    } catch (err) {
      if (!(err instanceof ValidationError) || !err.details?.every((d) => d.path === 'file')) throw err;
      await adminPage(res, 400, { importErrors: importMessages(err.details, t) });
    }
  });
}
