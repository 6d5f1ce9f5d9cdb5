import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger';
import { isDatabaseUnavailable } from './db/faults';
import { AppError, NotFoundError } from './errors';
import { wantsJson } from './http';

/** Seconds a client is told to wait after a lost database connection (the pool reconnects at once). */
const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * Turns a thrown value into an AppError: a lost database connection is a 503 with `Retry-After`; body-parser,
 * multer and CSRF errors keep their meaning.
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; code?: string; message?: string };
  const status = e?.status ?? e?.statusCode;
  if (isDatabaseUnavailable(err)) return new AppError('unavailable', 'The database is unavailable', { messageKey: 'errors.unavailable', expose: true, headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) }, cause: err });
  if (e?.code === 'EBADCSRFTOKEN') return new AppError('forbidden', 'Invalid or missing CSRF token', { messageKey: 'errors.csrf', cause: err });
  if (e?.code === 'LIMIT_FILE_SIZE' || status === 413) return new AppError('payload_too_large', 'Payload too large', { messageKey: 'errors.payload_too_large', cause: err });
  if (e?.type === 'entity.parse.failed') return new AppError('bad_request', 'Malformed request body', { messageKey: 'errors.bad_request', cause: err });
  if (status === 415) return new AppError('unsupported_media_type', 'Unsupported media type', { messageKey: 'errors.unsupported_media_type', cause: err });
  if (status && status >= 400 && status < 500) return new AppError('bad_request', e.message ?? 'Bad request', { messageKey: 'errors.bad_request', cause: err });
  return new AppError('internal', 'Internal error', { cause: err, expose: false });
}

/** 404 for any route nothing else answered. */
export const notFound: RequestHandler = (req, _res, next) => next(new NotFoundError(`No route for ${req.method} ${req.path}`));

/**
 * The one error middleware: JSON `{ error: { code, message, details, requestId } }` for APIs, an error page
 * in the user's language for pages (chosen by `localise` when the error came before the language was);
 * unknown errors are logged and answered 500 without detail.
 */
export function errorHandler(log: Logger, localise?: RequestHandler): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const error = toAppError(err);
    // An error raised before the language was chosen (a database fault while loading the session).
    if (!res.locals.t && localise) localise(req, res, () => undefined);
    const requestId = res.locals.requestId as string | undefined;
    if (error.status >= 500) log.error({ err: err instanceof AppError ? (err.cause ?? err) : err, requestId, path: req.path }, 'request failed');
    if (res.headersSent) {
      res.end();
      return;
    }
    for (const [k, v] of Object.entries(error.headers ?? {})) res.setHeader(k, v);
    res.status(error.status);
    const message = error.expose ? error.message : 'Internal error';
    if (wantsJson(req)) {
      res.json({ error: { code: error.code, message, ...(error.details ? { details: error.details } : {}), requestId } });
      return;
    }
    const t = res.locals.t as ((k: string, v?: Record<string, unknown>) => string) | undefined;
    const key = error.messageKey ?? `errors.${error.code}`;
    res.render('errors/error', {
      title: t ? t('errors.status', { status: error.status }) : `Error ${error.status}`,
      status: error.status,
      message: t ? t(key) : message,
      details: error.details,
      requestId,
    });
  };
}
