import express, { type Express, type RequestHandler } from 'express';
import type { AppContext } from '../platform/context';
import { setLocale } from '../platform/http';
import { matchLocale } from '../platform/i18n';
import { refuseUncleanInput } from '../platform/input-hygiene';
import { startLaunchSession } from './actor';
import { AUTOSUBMIT_JS, COOKIES_JS } from './browser/resume-scripts';
import { mountDemo } from './demo/demo.routes';
import { checkIdToken } from './launch.checks';
import { askPlatformStorage, newStorageBinding, renderStorageLogin, STORAGE_JS, storageStandIn, storageTargetOf } from './platform-storage';
import { completeLaunch } from './launch.service';
import { runLaunchHooks } from './launch-hooks';
import { launchUrlGate, ltijsBody } from './launch-url';
import type { LaunchContext } from './launch.schema';
import { LtiLaunchError } from './lti.errors';
import { loginLimiter, purgeLoginRates, type LoginLimiter } from './login-rate';
import { purgeExpiredLtiData } from './ltijs.plugin';
import { openLti, type LtiServices } from './registry';
import { stateCookieName, stateCookieStandIn } from './cookieless';
import { registrationRoutes } from './registration/registration.routes';
import { continueToken, resumeRoutes } from './resume.routes';

const slices = new WeakMap<AppContext, LtiServices>();

/** The lti services of an app (tests and the demo use them to manage platforms). */
export function ltiOf(ctx: AppContext): LtiServices {
  const lti = slices.get(ctx);
  if (!lti) throw new Error('mountLti has not run for this app');
  return lti;
}

/** Paths ltijs answers under /lti; everything else under /lti is ours. */
const LTIJS_PATHS = new Set(['/', '/login', '/keys']);
const LOGIN_LIFETIME_MS = 10 * 60_000;

/**
 * Records each OIDC login request ltijs answers (state, nonce, target) so the id_token can be bound to it,
 * counting it against the address's login limit in the same statement; a request refused before ltijs
 * answers is counted on its own.
 */
function recordLogin(lti: LtiServices, limit: LoginLimiter): RequestHandler {
  return async (req, res, next) => {
    const refuse = (err: LtiLaunchError) => limit.count(req.ip).then(() => next(err), next);
    const params = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown> | undefined) ?? {}) };
    const target = params.target_link_uri;
    // An empty iss would reach ltijs's getPlatform, which throws on it.
    if (typeof params.iss !== 'string' || !params.iss || typeof params.login_hint !== 'string' || typeof target !== 'string') return refuse(new LtiLaunchError('bad_login_request'));
    if (!target.startsWith(`${lti.config.http.publicUrl}/`)) return refuse(new LtiLaunchError('bad_login_request', { detail: 'target_link_uri is not Instants' }));
    // ltijs answers unknown and inactive platforms at login with callbacks that cannot reach our error page.
    const platform =
      typeof params.client_id === 'string'
        ? await lti.provider.findPlatform(params.iss, params.client_id)
        : (await lti.provider.listPlatforms()).find((p) => p.issuer === params.iss);
    if (!platform) return refuse(new LtiLaunchError('unknown_platform'));
    if (!platform.active) return refuse(new LtiLaunchError('inactive_platform'));
    const redirect = res.redirect.bind(res) as (url: string) => void;
    const storageTarget = storageTargetOf(params);
    const storage = storageTarget ? newStorageBinding() : undefined;
    (res as unknown as { redirect: (url: string) => void }).redirect = (url: string) => {
      const q = new URL(url).searchParams;
      const now = lti.clock.now();
      limit
        .countAndStore(req.ip, {
          state: q.get('state') ?? '',
          nonce: q.get('nonce') ?? '',
          issuer: params.iss as string,
          clientId: q.get('client_id'),
          targetLinkUri: target,
          loginHint: params.login_hint as string,
          ltiMessageHint: typeof params.lti_message_hint === 'string' ? params.lti_message_hint : null,
          deploymentHint: typeof params.lti_deployment_id === 'string' ? params.lti_deployment_id : null,
          storageTarget: storageTarget ?? null,
          storageBinding: storage?.binding ?? null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + LOGIN_LIFETIME_MS),
        })
        .then(() => (storage ? renderStorageLogin(res, { platform, target: storageTarget!, state: q.get('state') ?? '', value: storage.value, authUrl: url }) : redirect(url)), next);
    };
    next();
  };
}

/** Runs our checks on a posted id_token before ltijs, leaving the LaunchContext in res.locals. */
function precheckLaunch(lti: LtiServices): RequestHandler {
  return async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (req.method !== 'POST' || body.id_token === undefined) return next();
    try {
      const stateCookie = (req.signedCookies as Record<string, string> | undefined)?.[stateCookieName(String(body.state))];
      // A platform offering storage (not Moodle): read our login value back in the browser first.
      if (!stateCookie && (await askPlatformStorage(lti.db, req, res, lti.clock.now(), (l) => lti.provider.findPlatform(l.issuer, l.clientId ?? '')))) return;
      const checked = await checkIdToken(
        {
          db: lti.db,
          keySets: lti.keySets,
          leewaySeconds: lti.config.lti.clockLeewaySeconds,
          unknownDeployment: lti.config.lti.unknownDeployment,
          findPlatform: (iss, clientId) => lti.provider.findPlatform(iss, clientId),
          now: Date.now,
          clock: () => lti.clock.now(),
        },
        body.id_token,
        body.state,
      );
      res.locals.ltiLaunch = checked.launch;
      res.locals.ltiLogin = checked.login;
      // Third-party cookies refused in Moodle's frame: our single-use state record stands in for ltijs's cookie.
      const cookies = (req.signedCookies ??= {}) as Record<string, string>;
      const cookie = stateCookieName(String(body.state));
      if (!cookies[cookie]) {
        const platform = await lti.provider.findPlatform(checked.launch.issuer, checked.launch.clientId);
        if (!platform) throw new LtiLaunchError('unknown_platform');
        cookies[cookie] = storageStandIn(req, checked.login, lti.config.http.publicUrl) ?? stateCookieStandIn(req, platform);
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Origins of active platforms (issuer and login page), for CSP frame-ancestors; cached 30 s, cleared when a
 * platform is activated. Pending platforms (dynamic registration) never frame Instants.
 */
function platformOrigins(lti: LtiServices): { list: () => Promise<string[]>; clear: () => void } {
  let cached: { at: number; origins: string[] } | undefined;
  const list = async () => {
    if (cached && Date.now() - cached.at < 30_000) return cached.origins;
    const origins = new Set<string>();
    for (const p of await lti.provider.listPlatforms()) {
      if (!p.active) continue;
      for (const u of [p.issuer, p.authEndpoint]) {
        try {
          origins.add(new URL(u).origin);
        } catch {
          /* an unparsable URL names no origin */
        }
      }
    }
    cached = { at: Date.now(), origins: [...origins] };
    return cached.origins;
  };
  return { list, clear: () => (cached = undefined) };
}

/** Mounts the LTI slice: login, launch, key set, dynamic registration, cookie help, demo (binding and deep linking: src/placement). */
export async function mountLti(app: Express, ctx: AppContext): Promise<void> {
  const lti = await openLti({ db: ctx.db, clock: ctx.clock, config: ctx.config, ltiKey: ctx.secrets.ltiKey }, async (launch, _req, res) => {
    const { launchId, userId, destination } = await completeLaunch(lti, launch, ctx.launchSessions);
    // Other slices may send the browser elsewhere first (people: the one-screen profile at the first launch).
    const next = await runLaunchHooks(ctx, { launch, launchId, userId, destination });
    // The browser session and the continue token in one statement.
    const cont = continueToken(ctx, launchId, next);
    await startLaunchSession(ctx, res, launchId, {}, cont.insert);
    res.redirect(303, cont.url);
  });
  slices.set(ctx, lti);
  ctx.jobs.register('lti-purge', 600_000, async () => (await purgeExpiredLtiData({ db: ctx.db, clock: ctx.clock })) + (await purgeLoginRates({ db: ctx.db, clock: ctx.clock })));
  const framers = platformOrigins(lti);
  ctx.frameAncestors.push(framers.list);

  const router = express.Router();
  router.get('/autosubmit.js', ctx.allow.anonymous(), (_req, res) => {
    res.type('application/javascript').send(AUTOSUBMIT_JS);
  });
  router.get('/storage.js', ctx.allow.anonymous(), (_req, res) => {
    res.type('application/javascript').send(STORAGE_JS);
  });
  router.get('/cookies.js', ctx.allow.anonymous(), (_req, res) => {
    res.type('application/javascript').send(COOKIES_JS);
  });

  resumeRoutes(router, ctx);
  router.get('/cookies', ctx.allow.anonymous(), (_req, res) => res.render('lti/cookies', { title: res.locals.t('lti.cookies.title') }));
  router.get('/not-ready', ctx.allow.launched(), (_req, res) => {
    res.render('lti/not-ready', { title: res.locals.t('lti.not_ready.title') });
  });

  registrationRoutes(app, router, ctx, lti, framers.clear);

  // ltijs: OIDC login, launch (id_token post) and key set.
  // An express app (not a router), so that express restores req/res to ours when ltijs hands back.
  const ltijsPart = express();
  // Each express app sets X-Powered-By unless told not to; sub-apps do not inherit the parent's setting.
  ltijsPart.disable('x-powered-by');
  ltijsPart.use((req, _res, next) => next(LTIJS_PATHS.has(req.path) ? undefined : 'router'));
  ltijsPart.use(ltijsBody(), refuseUncleanInput(), launchUrlGate());
  ltijsPart.use('/keys', (_req, res, next) => {
    res.set('access-control-allow-origin', '*');
    next();
  });
  ltijsPart.use('/login', recordLogin(lti, loginLimiter({ db: ctx.db, clock: ctx.clock, perMinute: ctx.config.lti.loginLimitPerMinute })));
  ltijsPart.post('/', precheckLaunch(lti));
  ltijsPart.use(lti.provider.app);
  ltijsPart.use(((err, _req, res, next) => {
    if (err instanceof LtiLaunchError) {
      ctx.log.warn({ reason: err.reason, detail: err.message }, 'LTI launch refused');
      // Refused after the token was verified: answer in the language the platform asked for.
      const verified = matchLocale((res.locals.ltiLaunch as LaunchContext | undefined)?.locale);
      if (verified) setLocale(res, ctx.catalogues, verified);
    }
    next(err);
  }) as express.ErrorRequestHandler);
  app.use('/lti', router);
  app.use('/lti', ltijsPart);

  if (ctx.config.demo) await mountDemo(app, ctx, lti);
}
