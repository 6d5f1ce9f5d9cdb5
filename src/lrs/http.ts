import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../platform/context';
import { AppError, ForbiddenError, ValidationError } from '../platform/errors';
import { describeProblem, scanValue } from '../platform/input-hygiene';
import { CredentialCache, refusal, type Authenticated } from './credential.cache';
import type { LrsCredential, Scope } from './credentials.service';
import type { XapiVersion } from './statement.schema';

/** The xAPI protocol layer: version header, CORS, the alternate request syntax, HTTP Basic, body reading. */

export const bad = (message: string) => new AppError('bad_request', message);

/** What the protocol layer knows about an xAPI request, in `res.locals.lrs`. */
export interface LrsRequest {
  version: XapiVersion;
  credential: LrsCredential;
  /** How the credential was found: from the cache (`version` set), to be confirmed in the request's first query. */
  authenticated: Authenticated;
  body: Buffer;
}

export const lrsOf = (res: Response) => res.locals.lrs as LrsRequest;

/** Reads the whole body (bounded), once. */
async function readBody(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AppError('payload_too_large', `Request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Maps a request header value to the version whose rules apply; 1.0.x → 1.0.3, 2.0.x → 2.0.0. */
export function parseVersion(header: string | undefined): XapiVersion | null {
  if (!header) return null;
  if (/^1\.0(\.\d+)?$/.test(header.trim())) return '1.0.3';
  if (/^2\.0(\.\d+)?$/.test(header.trim())) return '2.0.0';
  return null;
}

const FORM_HEADERS = new Set(['authorization', 'x-experience-api-version', 'content-type', 'content-length', 'if-match', 'if-none-match']);

/**
 * Reads the body and applies the alternate request syntax of xAPI 1.0.3 (Communication §1.3): a POST with
 * `?method=` and a form carrying headers, `content` and parameters. Removed in 2.0.
 */
export function readRequest(maxBytes: number): RequestHandler {
  return async (req, res, next) => {
    try {
      let body = await readBody(req, maxBytes);
      const method = req.query.method;
      if (method !== undefined) {
        if (req.method !== 'POST') throw bad('The method parameter is only allowed on POST (alternate request syntax)');
        if (typeof method !== 'string' || !['GET', 'PUT', 'POST', 'DELETE'].includes(method)) throw bad('method must be GET, PUT, POST or DELETE');
        if (Object.keys(req.query).length !== 1) throw bad('With the alternate request syntax, method is the only query parameter allowed');
        if (!(req.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) throw bad('The alternate request syntax needs a form-encoded body');
        const form = new URLSearchParams(body.toString('utf8'));
        const query: Record<string, string> = {};
        body = Buffer.alloc(0);
        let typed = false;
        for (const [k, v] of form) {
          if (FORM_HEADERS.has(k.toLowerCase())) {
            req.headers[k.toLowerCase()] = v;
            typed ||= k.toLowerCase() === 'content-type';
          } else if (k === 'content') body = Buffer.from(v, 'utf8');
          else query[k] = v;
        }
        // Communication §1.3.s3.b10: the Content-Type form parameter is only SHOULD*, and the LRS MUST support
        // the syntax (§1.3.s3.b15): content without it is read as JSON (statements, JSON documents).
        if (!typed) req.headers['content-type'] = form.has('content') ? 'application/json' : 'application/octet-stream';
        if (parseVersion(req.get('x-experience-api-version')) === '2.0.0') throw bad('xAPI 2.0 has no alternate request syntax');
        req.method = method;
        Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true });
        res.locals.alternate = true;
      }
      res.locals.lrsBody = body;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * Sets the version header on every response and rejects a missing or unsupported request version; a request
 * without a usable one is answered in XAPI_DEFAULT_VERSION (the 1.0.3 conformance requirements expect 1.0.3
 * there, the 2.0 ones 2.0.0: Communication §3.3 and its IEEE 9274.1.1 counterpart).
 */
export const versionHeader = (defaultVersion: XapiVersion): RequestHandler => (req, res, next) => {
  const version = parseVersion(req.get('x-experience-api-version'));
  res.setHeader('X-Experience-API-Version', version ?? defaultVersion);
  if (req.path === '/about' || req.method === 'OPTIONS') return next();
  if (!version) {
    next(bad(`Missing or unsupported X-Experience-API-Version header (supported: 1.0.3, 2.0.0)`));
    return;
  }
  res.locals.lrsVersion = version;
  next();
};

/** CORS for browser clients from the configured origins (CORS_ORIGINS; "*" allows any). */
export function cors(ctx: AppContext): RequestHandler {
  const origins = ctx.config.http.corsOrigins;
  return (req, res, next) => {
    const origin = req.get('origin');
    if (origin && (origins.includes('*') || origins.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader(
        'Access-Control-Expose-Headers',
        'ETag, Last-Modified, Content-Type, X-Experience-API-Version, X-Experience-API-Consistent-Through',
      );
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, PUT, POST, DELETE, OPTIONS');
        res.setHeader(
          'Access-Control-Allow-Headers',
          'Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match, X-Requested-With',
        );
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * HTTP Basic against the LRS credentials: 401 without valid credentials. With `credentials` (the LRS's own
 * routes), a request on /statements may take its credential from the instance's cache: its handler confirms
 * it in its first query (`CredentialCache.confirm`). Every other request reads it from the database.
 */
export function basicAuth(ctx: AppContext, credentials = new CredentialCache()): RequestHandler {
  return async (req, res, next) => {
    if (req.path === '/about') return next();
    try {
      const header = req.get('authorization') ?? '';
      const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
      const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      const [key, secret] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
      const authenticated = colon <= 0 ? null : ((req.path === '/statements' ? credentials.cached(key, secret) : undefined) ?? (await credentials.authenticate(ctx.db, key, secret)));
      if (!authenticated) throw refusal();
      res.locals.lrs = { version: res.locals.lrsVersion as XapiVersion, credential: authenticated.credential, authenticated, body: res.locals.lrsBody as Buffer } satisfies LrsRequest;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** 403 unless the credential holds one of the scopes. */
export function requireScope(credential: LrsCredential, ...scopes: Scope[]): void {
  if (credential.scopes.includes('all')) return;
  if (!scopes.some((s) => credential.scopes.includes(s))) throw new ForbiddenError(`This credential lacks the scope ${scopes.join(' or ')}`);
}

/** Rejects parameters outside `allowed` (names are case-sensitive) and repeated ones. */
export function checkParams(query: Record<string, unknown>, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (!allowed.includes(k)) throw bad(`Unknown parameter ${k} (allowed: ${allowed.join(', ')})`);
    if (typeof v !== 'string') throw bad(`Parameter ${k} must be given once`);
    out[k] = v;
  }
  return out;
}

/** Wraps an async handler so that its errors reach the error middleware. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };

/** Parses a JSON text, or throws a 400 naming what it is. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw bad(`${what} is not valid JSON`);
  }
}

/**
 * Parses a JSON query parameter (agent) and refuses, naming the field, what its JSON escapes can smuggle
 * past the query check: U+0000, lone surrogates, nesting deeper than 64, `__proto__`-like keys.
 */
export function parseParamJson(text: string, name: string): unknown {
  const value = parseJson(text, name);
  const issue = scanValue(value);
  if (issue) {
    const path = issue.path ? `${name}.${issue.path}` : name;
    throw new ValidationError(`Invalid parameter ${path}: ${describeProblem(issue.problem)}`, [{ path, message: describeProblem(issue.problem) }]);
  }
  return value;
}
