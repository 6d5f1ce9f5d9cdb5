import type { Express, Response } from 'express';
import type { AppContext } from '../platform/context';
import { AppError, ValidationError } from '../platform/errors';
import type { Translate } from '../platform/i18n';
import { presentCredential, presentCredentialsPage } from './admin.present';
import { createCredential, findActiveCredential, listCredentials, revokeCredential } from './credentials.service';

/** /admin/lrs: LRS credentials for administrators (create, list, revoke after a confirmation). */

async function render(ctx: AppContext, res: Response, extra: Record<string, unknown> = {}) {
  const credentials = await listCredentials(ctx.db);
  const page = presentCredentialsPage({
    credentials,
    revokedKey: extra.revokedKey as string | undefined,
    endpoint: `${ctx.config.http.publicUrl}/xapi/`,
    checked: extra.checked as string[] | undefined,
    t: res.locals.t as Translate,
    locale: res.locals.locale as string,
  });
  res.render('lrs/admin', { ...page, ...extra });
}

const validKey = (raw: unknown): string => {
  const key = String(raw);
  if (!/^[0-9a-f]{24}$/.test(key)) throw new AppError('bad_request', 'Invalid key');
  return key;
};

export function adminRoutes(app: Express, ctx: AppContext): void {
  app.get('/admin/lrs', ctx.allow.admin(), async (req, res) => render(ctx, res, { revokedKey: typeof req.query.revoked === 'string' ? req.query.revoked : undefined }));
  app.post('/admin/lrs/credentials', ctx.allow.admin(), async (req, res) => {
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
      const t = res.locals.t as Translate;
      const errors = Object.fromEntries((error.details ?? []).map((d) => [d.path.split('.')[0], t(`lrs.error_${d.path.split('.')[0]}`)]));
      await render(ctx, res.status(400), { errors, name, checked: scopes });
    }
  });
  // Without `confirm=yes` the button only asks: what revoking does, then a second button that does it.
  app.post('/admin/lrs/credentials/:key/revoke', ctx.allow.admin(), async (req, res) => {
    const key = validKey(req.params.key);
    const credential = await findActiveCredential(ctx.db, key);
    if ((req.body as Record<string, unknown>).confirm !== 'yes') {
      const t = res.locals.t as Translate;
      if (typeof req.body._csrf === 'string') res.locals.csrfToken = req.body._csrf;
      return res.render('lrs/revoke', { title: t('lrs.revoke_title', { name: credential.name }), credential: presentCredential(credential, res.locals.locale as string) });
    }
    await revokeCredential(ctx.db, key, ctx.clock.now());
    ctx.log.info({ key }, 'LRS credential revoked');
    res.redirect(303, `/admin/lrs?revoked=${key}`);
  });
}
