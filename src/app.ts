import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import express, { type Express } from 'express';
import helmet from 'helmet';
import path from 'node:path';
import { pinoHttp } from 'pino-http';
import { mountActivities } from './activities';
import { mountBadges } from './badges';
import { mountCatalog } from './catalog';
import { mountPlacement } from './placement';
import { mountDashboard } from './dashboard';
import { mountFabrique } from './fabrique';
import { mountHome } from './home';
import { mountXapi } from './xapi';
import { mountGrades } from './grades';
import { mountLrs } from './lrs';
import { loadActor, loadSessionWithActor, mountLti } from './lti';
import { mountPeople } from './people';
import { mountPrivacy } from './privacy';
import { checkRouteDeclarations, createAllow } from './platform/access';
import type { AppContext, AppDeps, MountSlice } from './platform/context';
import { readinessCheck } from './platform/db/readiness';
import { errorHandler, notFound } from './platform/error-handler';
import { chooseLocale, cookieOptions, requestId } from './platform/http';
import { loadCatalogues } from './platform/i18n';
import { serializeError } from './platform/logger';
import { refuseUncleanInput } from './platform/input-hygiene';
import { JobRunner } from './platform/jobs';
import { NODE_MODULES_DIR, PUBLIC_DIR } from './platform/paths';
import { sessionCookieName, SessionStore } from './platform/session';
import { setupViews } from './platform/views';

/** The slices of Instants, mounted in this order. */
const SLICES: MountSlice[] = [mountHome, mountCatalog, mountPlacement, mountLti, mountPeople, mountActivities, mountPrivacy, mountLrs, mountXapi, mountGrades, mountDashboard, mountFabrique, mountBadges];

/** A built application: the express app, its background jobs and a way to release what it holds. */
export interface Instants {
  app: Express;
  ctx: AppContext;
  jobs: JobRunner;
  close(): Promise<void>;
}

const SESSION_TTL_SECONDS = 12 * 3600;

/** The composition root: builds every service from `deps` and mounts every slice. Opens nothing itself. */
/** The LRS API (`/xapi` and below, as mounted by src/lrs), which needs none of the pages' middleware. */
const isLrsApi = (path: string) => path === '/xapi' || path.startsWith('/xapi/') || path.startsWith('/xapi?');

/** Runs a middleware for every request but the LRS API's. */
const pagesOnly =
  (mw: express.RequestHandler): express.RequestHandler =>
  (req, res, next) =>
    isLrsApi(req.path) ? next() : mw(req, res, next);

export async function createApp(deps: AppDeps): Promise<Instants> {
  const app = express();
  const jobs = new JobRunner(deps.log);
  const ctx: AppContext = {
    ...deps,
    db: deps.database.db,
    sessions: new SessionStore({ db: deps.database.db, clock: deps.clock, ttlSeconds: SESSION_TTL_SECONDS }),
    catalogues: loadCatalogues(),
    cookies: cookieOptions(deps.config),
    jobs,
    frameAncestors: [],
    csrfExempt: ['/lti', '/xapi', '/api/'],
    afterStatementsStored: [],
    alongsideStatementsStored: [],
    afterEventsRecorded: [],
    onClose: [],
    allow: createAllow(() => ctx.sessionAccess),
    launchSessions: { linkable: async () => false, upcoming: async () => [] },
  };
  jobs.register('purge-web-sessions', 3600_000, () => ctx.sessions.purgeExpired());

  app.set('trust proxy', deps.config.http.trustProxy);
  app.disable('x-powered-by');
  setupViews(app);
  app.use(requestId());
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (_req, res) => (res as express.Response).locals.requestId as string,
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        // pino-http would put pino's standard one back, which keeps a failed query's parameters.
        err: serializeError,
      },
      autoLogging: { ignore: (req) => ['/healthz', '/readyz'].includes(req.url ?? '') || (req.url ?? '').startsWith('/assets/') },
      // The LRS API's successful requests are its hot path: logged at debug (not built at all at info);
      // its refusals and failures, and every other request, at info as before.
      // (`originalUrl`: inside the mounted LRS router, express has taken /xapi off `url`.)
      customLogLevel: (req, res, err) => (!err && res.statusCode < 400 && isLrsApi((req as express.Request).originalUrl ?? req.url ?? '') ? (deps.log.isLevelEnabled('debug') ? 'debug' : 'silent') : 'info'),
    }),
  );
  // Pages only: the LRS API answers JSON to its own clients, never framed (no CSP frame-ancestors to build).
  app.use(pagesOnly(async (_req, res, next) => {
    const lists = await Promise.all(ctx.frameAncestors.map((f) => f().catch(() => [] as string[])));
    res.locals.frameAncestors = [...new Set(lists.flat())];
    next();
  }));
  const headers = {
    // Moodle shows tools in an iframe: framing is governed by CSP frame-ancestors, not X-Frame-Options.
    frameguard: false,
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: deps.config.http.publicUrl.startsWith('https://'),
  } as const;
  // The LRS API gets the same headers but no Content-Security-Policy (JSON and attachments, never a page).
  const apiHeaders = helmet({ ...headers, contentSecurityPolicy: false });
  const pageHeaders = helmet({
      ...headers,
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'", 'https:', 'http:'],
          'frame-ancestors': ["'self'", (_req, res) => ((res as express.Response).locals.frameAncestors as string[]).join(' ')],
          'upgrade-insecure-requests': deps.config.http.publicUrl.startsWith('https://') ? [] : null,
        },
      },
    });
  app.use((req, res, next) => (isLrsApi(req.path) ? apiHeaders : pageHeaders)(req, res, next));
  const assets = { immutable: deps.config.env === 'production', maxAge: deps.config.env === 'production' ? '7d' : 0 };
  app.use('/assets/vendor/bootstrap', express.static(path.join(NODE_MODULES_DIR, 'bootstrap', 'dist'), assets));
  app.use('/assets/vendor/chart.js', express.static(path.join(NODE_MODULES_DIR, 'chart.js', 'dist'), assets));
  app.use('/assets', express.static(PUBLIC_DIR, assets));

  app.get('/healthz', ctx.allow.anonymous(), (_req, res) => {
    res.json({ status: 'ok' });
  });
  const readiness = readinessCheck(deps.database);
  app.get('/readyz', ctx.allow.anonymous(), async (_req, res) => {
    const { ready, reason, busy } = await readiness();
    if (!ready) deps.log.warn({ reason }, 'readiness check failed');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', database: deps.database.kind, ...(reason ? { reason } : {}), ...(busy ? { busy } : {}) });
  });

  // The LRS API authenticates each request itself (Basic): no cookies, browser session, page language or actor.
  app.use(pagesOnly(cookieParser(deps.secrets.cookieSecret)));
  const sessionCookie = sessionCookieName(deps.config.http.publicUrl);
  // The session and the actor of its launch in one query; the actor is applied after the language is chosen.
  app.use(pagesOnly(loadSessionWithActor(ctx, sessionCookie)));
  app.use(pagesOnly(chooseLocale(deps.config, ctx.catalogues)));
  app.use(pagesOnly(loadActor(ctx)));
  const isExempt = (p: string) => ctx.csrfExempt.some((prefix) => p === prefix || p.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
  app.use((req, res, next) => (isExempt(req.path) ? next() : express.urlencoded({ extended: false, limit: '1mb' })(req, res, next)));
  app.use((req, res, next) => (isExempt(req.path) ? next() : express.json({ limit: '1mb' })(req, res, next)));
  // The LRS checks its own input (statements, documents, xAPI parameters) with the same primitives.
  app.use(refuseUncleanInput({ skip: isLrsApi }));
  const csrf = doubleCsrf({
    getSecret: () => deps.secrets.cookieSecret,
    getSessionIdentifier: (req) => String((req.signedCookies as Record<string, unknown>)?.[sessionCookie] ?? ''),
    cookieName: deps.config.http.publicUrl.startsWith('https://') ? '__Host-instants.csrf' : 'instants.csrf',
    cookieOptions: { ...ctx.cookies, httpOnly: true },
    getCsrfTokenFromRequest: (req) =>
      (req.body as Record<string, string> | undefined)?._csrf ??
      req.get('x-csrf-token') ??
      // Multipart forms (uploads) are parsed after this check, by their route: their token rides in the action URL.
      (req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined),
    skipCsrfProtection: (req) => isExempt(req.path),
  });
  app.use(csrf.doubleCsrfProtection);
  // Every page gets a token for its forms, including a form shown again with errors after a checked POST
  // (the browser's existing token is kept, so other open tabs stay valid).
  app.use((req, res, next) => {
    if (!isExempt(req.path)) res.locals.csrfToken = csrf.generateCsrfToken(req, res, { overwrite: false, validateOnReuse: false });
    next();
  });

  for (const mount of SLICES) await mount(app, ctx);
  // Every route declares who may use it (AGENTS.md, "Access policy"): a forgotten one stops development and
  // tests at start-up; production only logs it (the route still answers through its own checks).
  checkRouteDeclarations(app, { strict: deps.config.env !== 'production', log: deps.log });

  app.use(notFound);
  app.use(errorHandler(deps.log, chooseLocale(deps.config, ctx.catalogues)));

  return {
    app,
    ctx,
    jobs,
    async close() {
      await jobs.stop();
      for (const fn of ctx.onClose.reverse()) await fn();
    },
  };
}
