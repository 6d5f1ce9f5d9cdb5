import express, { type RequestHandler } from 'express';
import { AppError } from '../platform/errors';
import { LtiLaunchError } from './lti.errors';

/** Methods the launch URL answers: GET/HEAD for Moodle's probe, POST for the id_token. */
const ALLOWED = 'GET, HEAD, POST';

/**
 * What answers on the launch URL (`/lti`) before ltijs sees anything:
 * - a plain GET or HEAD gets a small page. Moodle GETs the tool URL, with no cookies, every time an
 *   activity or the tool's settings are saved (`lti_is_cartridge()` in `mod/lti/locallib.php`);
 * - a GET with a query string is 400 (a launch is a form POST from the platform, never a GET);
 * - other methods are 405 with `Allow`;
 * - a POST whose body is not a form is 415, and a form without an id_token 400.
 * Everything else (a form POST carrying an id_token) goes on to our checks and to ltijs.
 */
export function launchUrlGate(): RequestHandler {
  return (req, res, next) => {
    if (req.path !== '/') return next();
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (req.originalUrl.includes('?')) return next(new AppError('bad_request', 'The launch URL takes no query parameters', { messageKey: 'lti.launch_url.query' }));
      res.set('Cache-Control', 'no-store');
      return res.render('lti/launch-url', { title: res.locals.t('lti.launch_url.title') });
    }
    if (req.method !== 'POST') return next(new AppError('method_not_allowed', `Method ${req.method} not allowed on the launch URL`, { messageKey: 'lti.launch_url.method', headers: { Allow: ALLOWED } }));
    if (req.headers['content-type'] !== undefined && !req.is('application/x-www-form-urlencoded')) return next(new AppError('unsupported_media_type', 'A launch is a form post (application/x-www-form-urlencoded)', { messageKey: 'lti.launch_url.not_a_form' }));
    const body = req.body as Record<string, unknown>;
    if (typeof body.id_token !== 'string' || body.id_token === '') return next(new LtiLaunchError('missing_claims', { detail: 'no id_token in the form' }));
    next();
  };
}

/**
 * The form parser of the ltijs part: our express 5 `urlencoded` leaves `req.body` undefined when there is
 * no form, and ltijs reads `req.body.state` unguarded; so a body object always exists afterwards. The
 * `_body` flag makes ltijs's older body-parser skip the body we already read.
 */
export function ltijsBody(): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: '64kb' }),
    (req, _res, next) => {
      req.body ??= {};
      (req as unknown as { _body: boolean })._body = true;
      next();
    },
  ];
}
