import crypto from 'node:crypto';
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';
import type { Config } from './config';
import { ValidationError, type FieldIssue } from './errors';
import { runWithRequestId } from './process-guard';
import { localeFromAcceptLanguage, matchLocale, translator, type Catalogues, type Locale } from './i18n';

/**
 * Cookie settings: inside Moodle's iframe cookies are third-party, so HTTPS deployments use SameSite=None,
 * and `Partitioned` (CHIPS): browsers that block third-party cookies but support CHIPS (Chrome, Edge,
 * Firefox) keep them in the frame, keyed to Moodle's site. Browsers without CHIPS (Safari) drop them there,
 * and the launch continues through the resume flow (src/lti/resume.routes.ts), which needs no cookie.
 */
export function cookieOptions(config: Config): CookieOptions {
  const secure = config.http.publicUrl.startsWith('https://');
  return { httpOnly: true, secure, sameSite: secure ? 'none' : 'lax', path: '/', ...(secure ? { partitioned: true } : {}) };
}

/** Converts zod issues into field issues with dotted paths. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

type Source = 'body' | 'query' | 'params';

/**
 * Validates one part of the request with a zod schema and stores the result in `res.locals.input[source]`;
 * an invalid request becomes a ValidationError listing each field.
 */
export function validate<S extends z.ZodType>(schema: S, source: Source = 'body'): RequestHandler {
  return (req, res, next) => {
    const parsed = schema.safeParse(req[source]);
    if (!parsed.success) {
      next(new ValidationError(`Invalid ${source}`, toFieldIssues(parsed.error), { messageKey: 'errors.validation_failed' }));
      return;
    }
    res.locals.input = { ...(res.locals.input ?? {}), [source]: parsed.data };
    next();
  };
}

/** Reads what `validate` stored, typed by the schema. */
export function input<S extends z.ZodType>(res: Response, _schema: S, source: Source = 'body'): z.infer<S> {
  return (res.locals.input as Record<Source, unknown>)[source] as z.infer<S>;
}

/**
 * Gives each request an id (kept from a trusted `X-Request-Id` when well-formed), echoes it back, and runs
 * the rest of the chain with it in context (for process-level error logs).
 */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id');
    const id = given && /^[\w.-]{8,128}$/.test(given) ? given : crypto.randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    runWithRequestId(id, next);
  };
}

export const LOCALE_COOKIE = 'instants_lang';

/** A cookie's name: with an https public URL, `__Host-` (Secure, Path=/, no Domain, enforced by browsers). */
export function hostCookieName(config: Config, name: string): string {
  return config.http.publicUrl.startsWith('https://') ? `__Host-${name}` : name;
}

/**
 * Chooses the page language: `?lang=` (remembered in a cookie), the cookie, the LTI launch locale set by
 * the launch, then Accept-Language, then the default. Sets `res.locals.locale` and `res.locals.t`.
 */
export function chooseLocale(config: Config, catalogues: Catalogues): RequestHandler {
  const cookieName = hostCookieName(config, LOCALE_COOKIE);
  return (req: Request, res: Response, next: NextFunction) => {
    const fromQuery = matchLocale(typeof req.query.lang === 'string' ? req.query.lang : undefined);
    if (fromQuery) res.cookie(cookieName, fromQuery, { ...cookieOptions(config), maxAge: 365 * 24 * 3600 * 1000 });
    const cookies = req.cookies as Record<string, string> | undefined;
    const locale: Locale =
      fromQuery ??
      matchLocale(cookies?.[cookieName]) ??
      (res.locals.launchLocale as Locale | undefined) ??
      localeFromAcceptLanguage(req.get('accept-language')) ??
      config.i18n.defaultLocale;
    setLocale(res, catalogues, locale);
    next();
  };
}

/** Sets the language of the current response (a launch can override the first choice). */
export function setLocale(res: Response, catalogues: Catalogues, locale: Locale): void {
  res.locals.locale = locale;
  res.locals.otherLocale = locale === 'fr' ? 'en' : 'fr';
  res.locals.t = translator(catalogues, locale);
}

/** True when the client prefers JSON (APIs, fetch calls) over an HTML page. */
export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/xapi') || req.path.startsWith('/api/')) return true;
  const accept = req.get('accept') ?? '';
  return !accept.includes('text/html') && (accept.includes('application/json') || req.is('application/json') === 'application/json');
}
