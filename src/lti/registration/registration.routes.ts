import type { Express, Response, Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../platform/context';
import { formatParisDateTime, formatParisDay } from '../../platform/dates';
import { NotFoundError, ValidationError } from '../../platform/errors';
import { listPlatformRecords, type LtiServices } from '../registry';
import { listLiveLinks, listPending, type RegisteredConfig } from './registration.repo';
import { createRegistrationLink, decideRegistration, purgeRegistrations, register, RegistrationRefused, type RegistrationDeps } from './registration.service';

/** Replaces the CSP frame-ancestors of this response only: the validated Moodle origin, and nobody else. */
function frameOnlyBy(res: Response, origin: string | undefined): void {
  const csp = res.getHeader('content-security-policy');
  if (typeof csp !== 'string') return;
  res.setHeader('content-security-policy', csp.replace(/frame-ancestors [^;]*/, `frame-ancestors ${origin ?? "'none'"}`));
}

/** A small per-process limit on registration attempts per client address (the guard comes first anyway). */
function attemptLimiter(max: number, windowMs: number) {
  const seen = new Map<string, { n: number; since: number }>();
  return (key: string): boolean => {
    const now = Date.now();
    if (seen.size > 10_000) seen.clear();
    const s = seen.get(key);
    if (!s || now - s.since > windowMs) return seen.set(key, { n: 1, since: now }), true;
    s.n++;
    return s.n <= max;
  };
}

const LinkSchema = z.object({ moodle: z.string().trim().min(1, 'registration.admin.moodle_required').max(300), label: z.string().trim().max(200).optional() });
const DecisionSchema = z.object({ decision: z.enum(['accept', 'reject']) });

/**
 * `GET /lti/register`: Moodle's dynamic registration (framed by Moodle), guarded; `/lti/close-registration.js`
 * tells Moodle to close its window. `/admin/lti`: administrators make one-time registration links and
 * decide pending registrations.
 */
export function registrationRoutes(app: Express, router: Router, ctx: AppContext, lti: LtiServices, onPlatformsChanged: () => void): void {
  const deps = (): RegistrationDeps => ({ db: ctx.db, clock: ctx.clock, config: ctx.config, provider: lti.provider });
  ctx.jobs.register('lti-registrations-purge', 3600_000, () => purgeRegistrations(deps()));
  const allowAttempt = attemptLimiter(20, 10 * 60_000);

  router.get('/register', ctx.allow.anonymous(), async (req, res) => {
    try {
      if (!allowAttempt(req.ip ?? '')) throw new RegistrationRefused('too_many');
      const outcome = await register(deps(), { openidConfiguration: req.query.openid_configuration, registrationToken: req.query.registration_token, link: req.query.link });
      ctx.log.info({ issuer: outcome.issuer, clientId: outcome.clientId, kind: outcome.kind }, 'dynamic registration received');
      frameOnlyBy(res, outcome.origin);
      res.set('Cache-Control', 'no-store');
      res.render('lti/registered', { title: res.locals.t('registration.title'), outcome, update: outcome.kind === 'update', scripts: ['/lti/close-registration.js'] });
    } catch (err) {
      if (!(err instanceof RegistrationRefused)) throw err;
      ctx.log.warn({ reason: err.reason, origin: err.origin, detail: err.message }, 'dynamic registration refused');
      frameOnlyBy(res, err.origin);
      res.status(err.status).render('lti/registered', { title: res.locals.t('registration.failed_title'), failed: true, reason: res.locals.t(`registration.refused.${err.reason}`) });
    }
  });
  router.get('/close-registration.js', ctx.allow.anonymous(), (_req, res) => {
    res.type('application/javascript').send('(window.opener || window.parent).postMessage({ subject: "org.imsglobal.lti.close" }, "*");\n');
  });

  const page = async (res: Response, extra: Record<string, unknown> = {}) => {
    const now = ctx.clock.now();
    const t = res.locals.t as (k: string, v?: Record<string, unknown>) => string;
    const [platforms, pending, links] = await Promise.all([listPlatformRecords(lti), listPending(ctx.db, now), listLiveLinks(ctx.db, now)]);
    res.render('lti/admin-registrations', {
      title: t('registration.admin.title'),
      platforms: platforms.map((p) => ({ name: p.name, issuer: p.issuer, clientId: p.clientId, active: p.active, deployments: p.deployments.join(', ') })),
      pending: pending.map((r) => ({ id: r.id, issuer: r.issuer, clientId: r.clientId, update: r.kind === 'update', name: (r.config as RegisteredConfig).name, expires: formatParisDateTime(r.expiresAt, res.locals.locale as string) })),
      links: links.map((l) => ({ origin: l.moodleOrigin, label: l.label, expires: formatParisDay(l.expiresAt, res.locals.locale as string) })),
      allowList: ctx.config.lti.registrationOrigins.join(', '),
      ...extra,
    });
  };
  app.get('/admin/lti', ctx.allow.admin(), async (_req, res) => page(res));
  app.post('/admin/lti/links', ctx.allow.admin(), async (req, res) => {
    const parsed = LinkSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Invalid link request', [{ path: 'moodle', message: res.locals.t('registration.admin.moodle_required') }], { messageKey: 'registration.admin.moodle_required' });
    const created = await createRegistrationLink(deps(), { moodleUrl: parsed.data.moodle, label: parsed.data.label });
    ctx.log.info({ origin: created.origin }, 'registration link created');
    res.status(201);
    await page(res, { created });
  });
  app.post('/admin/lti/registrations/:id', ctx.allow.admin(), async (req, res) => {
    const id = String(req.params.id);
    const parsed = DecisionSchema.safeParse(req.body);
    if (!parsed.success || !z.uuid().safeParse(id).success) throw new ValidationError('Invalid decision', [{ path: 'decision', message: 'accept or reject' }]);
    const row = await decideRegistration(deps(), id, parsed.data.decision === 'accept');
    if (!row) throw new NotFoundError('No such pending registration');
    onPlatformsChanged();
    ctx.log.info({ issuer: row.issuer, clientId: row.clientId, kind: row.kind, decision: parsed.data.decision }, 'registration decided');
    res.redirect(303, '/admin/lti');
  });
}
