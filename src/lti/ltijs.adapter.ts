import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import cookieParser from 'cookie-parser';
import { z } from 'zod';
import type { LaunchContext } from './launch.schema';
import { isDatabaseUnavailable } from '../platform/db/faults';
import { AppError } from '../platform/errors';
import { fromLtijsError, LtiLaunchError } from './lti.errors';
import type { LtijsDatabasePlugin } from './ltijs.plugin';
import type { PlatformInfo, PlatformInput } from './platform.types';

/**
 * The only file that imports ltijs. It builds one ltijs Provider per app (never ltijs's process-wide
 * instance), deploys it serverless, takes its SIGINT handler away (main.ts owns signals), and turns its
 * untyped token into our LaunchContext and its string errors into our typed errors.
 */

interface LtijsPlatform {
  platformName(): Promise<string>;
  platformUrl(): Promise<string>;
  platformClientId(): Promise<string>;
  platformKid(): Promise<string>;
  platformAuthEndpoint(): Promise<string>;
  platformAccessTokenEndpoint(): Promise<string>;
  platformAuthConfig(): Promise<{ method: PlatformInfo['keys']['method']; key: string }>;
  platformActive(active?: boolean): Promise<boolean>;
  platformPrivateKey(): Promise<string>;
  delete(): Promise<boolean>;
}

type Callback = (token: unknown, req: Request, res: Response, next: NextFunction) => unknown;

interface LtijsProvider {
  app: express.Express;
  setup(key: string, database: { plugin: LtijsDatabasePlugin }, options: Record<string, unknown>): LtijsProvider;
  deploy(options: { serverless: boolean; silent: boolean }): Promise<boolean>;
  onConnect(cb: Callback): void;
  onDeepLinking(cb: Callback): void;
  onInvalidToken(cb: (req: Request, res: Response, next: NextFunction) => unknown): void;
  onSessionTimeout(cb: (req: Request, res: Response, next: NextFunction) => unknown): void;
  /** ltijs calls these two without `next` (our login check answers those cases first). */
  onUnregisteredPlatform(cb: (req: Request, res: Response) => unknown): void;
  onInactivePlatform(cb: (req: Request, res: Response) => unknown): void;
  onDynamicRegistration(cb: (req: Request, res: Response, next: NextFunction) => unknown): void;
  registerPlatform(p: Record<string, unknown>): Promise<LtijsPlatform>;
  getPlatform(url: string, clientId?: string): Promise<LtijsPlatform | LtijsPlatform[] | false>;
  getAllPlatforms(): Promise<LtijsPlatform[]>;
}

/** The part of ltijs's token we check at the boundary: it must describe the launch our checks verified. */
const LtijsTokenSchema = z.object({
  iss: z.string(),
  user: z.string(),
  clientId: z.string(),
  deploymentId: z.string(),
  platformContext: z.object({ messageType: z.enum(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest']) }).loose(),
});

export interface LtiProviderOptions {
  plugin: LtijsDatabasePlugin;
  ltiKey: string;
  cookies: { secure: boolean; sameSite: 'None' | 'Lax' };
  /** Called with our LaunchContext once ltijs and our checks both accepted the id_token. */
  onLaunch(launch: LaunchContext, req: Request, res: Response): Promise<void>;
}

/** Our view of ltijs: the express app to mount at `/lti` and platform management. */
export interface LtiProvider {
  /** ltijs's own express app (login, launch, JWKS). */
  app: express.Express;
  registerPlatform(p: PlatformInput): Promise<PlatformInfo>;
  findPlatform(issuer: string, clientId: string): Promise<PlatformInfo | undefined>;
  listPlatforms(): Promise<PlatformInfo[]>;
  setActive(issuer: string, clientId: string, active: boolean): Promise<boolean>;
  removePlatform(issuer: string, clientId: string): Promise<boolean>;
  /** Our private signing key for a platform (deep-linking responses, service tokens). */
  signingKey(issuer: string, clientId: string): Promise<{ kid: string; pem: string } | undefined>;
}

async function describe(p: LtijsPlatform): Promise<PlatformInfo> {
  const auth = await p.platformAuthConfig();
  return {
    issuer: await p.platformUrl(),
    clientId: await p.platformClientId(),
    name: await p.platformName(),
    authEndpoint: await p.platformAuthEndpoint(),
    tokenEndpoint: await p.platformAccessTokenEndpoint(),
    keys: { method: auth.method, key: auth.key },
    kid: await p.platformKid(),
    active: await p.platformActive(),
  };
}

interface Express4Layer {
  handle: (...args: unknown[]) => unknown;
  route?: { stack: Express4Layer[] };
}

/**
 * ltijs's inner app is express 4, whose router ignores the promise an async middleware returns: a
 * rejection there (a bad body, a database fault) would be unhandled. Each handler that is not an error
 * handler (express 4 tells those by their arity of 4) is wrapped so that a rejection goes to `next(err)`.
 */
export function forwardAsyncErrors(app: unknown): number {
  const stack = (app as { _router?: { stack: Express4Layer[] } })._router?.stack ?? [];
  let wrapped = 0;
  const wrap = (layers: Express4Layer[]) => {
    for (const layer of layers) {
      if (layer.route) wrap(layer.route.stack);
      const handle = layer.handle;
      if (handle.length > 3) continue;
      layer.handle = function (this: unknown, req: unknown, res: unknown, next: unknown) {
        const out = handle.call(this, req, res, next) as Promise<unknown> | undefined;
        if (out && typeof out.then === 'function') out.then(undefined, (err: unknown) => (next as (e: unknown) => void)(err ?? new Error('ltijs middleware rejected')));
        return out;
      };
      wrapped++;
    }
  };
  wrap(stack);
  return wrapped;
}

/**
 * ltijs's refusal of a token as our error: an error of ours (a key set we could not fetch) or a lost
 * database goes on as it is (so the latter is a 503); anything else is a refusal named by ltijs's code,
 * never by its raw message, which may be a failed query's text with the token's claims in it.
 */
function refusalOf(localsErr: unknown): Error {
  const details = (localsErr as { details?: { message?: string; cause?: unknown } } | undefined)?.details;
  const cause = details?.cause;
  if (cause instanceof AppError || (cause instanceof Error && isDatabaseUnavailable(cause))) return cause;
  return fromLtijsError(details?.message);
}

/** Builds, sets up and deploys (serverless) one ltijs provider. */
export async function createLtiProvider(o: LtiProviderOptions): Promise<LtiProvider> {
  const { Provider } = require('ltijs') as { Provider: { constructor: new () => LtijsProvider } };
  const lti = new Provider.constructor();
  lti.setup(o.ltiKey, { plugin: o.plugin }, {
    appRoute: '/',
    loginRoute: '/login',
    keysetRoute: '/keys',
    dynRegRoute: '/register',
    // ltijs reflects any origin with credentials: off; /lti/keys gets its own open CORS, nothing else needs it.
    cors: false,
    // One hop: ltijs hands the verified launch to us instead of redirecting with an `ltik`; we start our session.
    ltiaas: true,
    // Age is checked by us with the configured leeway (ltijs's 10 s default refuses slow Moodle posts).
    tokenMaxAge: false,
    cookies: o.cookies,
    // No `dynReg`: dynamic registration is ours (src/lti/registration), guarded; ltijs's would fetch any URL.
  });
  const before = new Set(process.listeners('SIGINT'));
  await lti.deploy({ serverless: true, silent: true });
  for (const l of process.listeners('SIGINT')) if (!before.has(l)) process.removeListener('SIGINT', l);

  const connect: Callback = async (token, req, res, next) => {
    try {
      const launch = res.locals.ltiLaunch as LaunchContext | undefined;
      const parsed = LtijsTokenSchema.safeParse(token);
      if (!launch || !parsed.success) throw new LtiLaunchError('invalid_token', { detail: 'ltijs token' });
      const t = parsed.data;
      if (t.iss !== launch.issuer || t.user !== launch.sub || t.clientId !== launch.clientId || t.deploymentId !== launch.deploymentId || t.platformContext.messageType !== launch.messageType)
        throw new LtiLaunchError('invalid_token', { detail: 'ltijs and Instants disagree on the launch' });
      await o.onLaunch(launch, req, res);
    } catch (err) {
      next(err);
    }
  };
  lti.onConnect(connect);
  lti.onDeepLinking(connect);
  lti.onInvalidToken((_req, res, next) => next(refusalOf(res.locals.err)));
  lti.onSessionTimeout((_req, _res, next) => next(new LtiLaunchError('session_expired')));
  lti.onUnregisteredPlatform((_req, res) => res.status(400).type('text/plain').send(new LtiLaunchError('unknown_platform').message));
  lti.onInactivePlatform((_req, res) => res.status(401).type('text/plain').send(new LtiLaunchError('inactive_platform').message));

  // Our cookie-parser ran first, so ltijs's skips: its state cookie is signed with our cookie secret and
  // already in req.signedCookies; cookies signed with ltijs's own secret are added.
  const ltijsApp = lti.app;
  forwardAsyncErrors(ltijsApp);
  const reparse: RequestHandler = (req, _res, next) => {
    const own = cookieParser.signedCookies({ ...(req.cookies as Record<string, string>) }, [o.ltiKey]) as Record<string, string>;
    req.signedCookies = { ...own, ...(req.signedCookies as Record<string, string>) };
    next();
  };
  const app = express();
  // Neither express app (ours here, ltijs's express 4 one) inherits the parent's X-Powered-By setting.
  app.disable('x-powered-by');
  (ltijsApp as { disable(setting: string): unknown }).disable('x-powered-by');
  app.use(reparse, ltijsApp);

  const find = async (issuer: string, clientId: string) => {
    const p = await lti.getPlatform(issuer, clientId);
    return p && !Array.isArray(p) ? p : undefined;
  };
  return {
    app,
    async registerPlatform(p) {
      const registered = await lti.registerPlatform({
        url: p.issuer,
        clientId: p.clientId,
        name: p.name,
        authenticationEndpoint: p.authEndpoint,
        accesstokenEndpoint: p.tokenEndpoint,
        authConfig: p.keys,
      });
      return describe(registered);
    },
    async findPlatform(issuer, clientId) {
      const p = await find(issuer, clientId);
      return p ? describe(p) : undefined;
    },
    async listPlatforms() {
      return Promise.all((await lti.getAllPlatforms()).map(describe));
    },
    async setActive(issuer, clientId, active) {
      const p = await find(issuer, clientId);
      if (!p) return false;
      await p.platformActive(active);
      return true;
    },
    async removePlatform(issuer, clientId) {
      const p = await find(issuer, clientId);
      if (!p) return false;
      await p.delete();
      return true;
    },
    async signingKey(issuer, clientId) {
      const p = await find(issuer, clientId);
      return p ? { kid: await p.platformKid(), pem: await p.platformPrivateKey() } : undefined;
    },
  };
}
