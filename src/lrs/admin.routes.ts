import express, { type Express, type Request, type Response } from 'express';
import type { AppContext } from '../platform/context';
import { AppError, ValidationError } from '../platform/errors';
import { createCredential, listCredentials, revokeCredential, SCOPES } from './credentials.service';

/** /admin/lrs: LRS credentials for administrators (create, list, revoke). */

type T = (key: string, vars?: Record<string, unknown>) => string;

async function render(ctx: AppContext, res: Response, extra: Record<string, unknown> = {}) {
  const t = res.locals.t as T;
  const credentials = await listCredentials(ctx.db);
  res.render('lrs/admin', {
    title: t('lrs.admin_title'),
    endpoint: `${ctx.config.http.publicUrl}/xapi/`,
    scopes: SCOPES.map((s) => ({ value: s, label: t(`lrs.scope_${s.replace(/\//g, '_')}`), checked: (extra.checked as string[] | undefined)?.includes(s) })),
    credentials: credentials.map((c) => ({
      key: c.key,
      name: c.name,
      scopes: c.scopes.join(', '),
      created: c.createdAt.toISOString().slice(0, 16).replace('T', ' '),
      revoked: c.revokedAt ? c.revokedAt.toISOString().slice(0, 16).replace('T', ' ') : null,
    })),
    ...extra,
  });
}

const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: express.NextFunction) => {
  fn(req, res).catch(next);
};

export function adminRoutes(app: Express, ctx: AppContext): void {
  app.get('/admin/lrs', ctx.allow.admin(), wrap(async (_req, res) => render(ctx, res)));
  app.post(
    '/admin/lrs/credentials',
    ctx.allow.admin(),
    wrap(async (req, res) => {
      const body = req.body as Record<string, unknown>;
      // The form is shown again after this POST: it keeps the token just checked (double-submit cookie).
      if (typeof body._csrf === 'string') res.locals.csrfToken = body._csrf;
      const raw = body.scopes;
      const scopes = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
      const name = typeof body.name === 'string' ? body.name : '';
      try {
        const created = await createCredential(ctx.db, { name, scopes: scopes as never });
        ctx.log.info({ key: created.key }, 'LRS credential created');
        await render(ctx, res.status(201), { created: { key: created.key, secret: created.secret, name: name.trim() } });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const t = res.locals.t as T;
        const errors = Object.fromEntries((error.details ?? []).map((d) => [d.path.split('.')[0], t(`lrs.error_${d.path.split('.')[0]}`)]));
        await render(ctx, res.status(400), { errors, name, checked: scopes });
      }
    }),
  );
  app.post(
    '/admin/lrs/credentials/:key/revoke',
    ctx.allow.admin(),
    wrap(async (req, res) => {
      const key = String(req.params.key);
      if (!/^[0-9a-f]{24}$/.test(key)) throw new AppError('bad_request', 'Invalid key');
      await revokeCredential(ctx.db, key, ctx.clock.now());
      ctx.log.info({ key }, 'LRS credential revoked');
      res.redirect(303, '/admin/lrs');
    }),
  );
}
