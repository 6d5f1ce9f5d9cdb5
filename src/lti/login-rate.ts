import { isIPv6 } from 'node:net';
import type { RequestHandler } from 'express';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db/client';
import { AppError } from '../platform/errors';
import { countLogin, purgeLoginCounts } from './login-rate.repo';

/** Login initiations are counted in windows of one minute, in the database (every instance shares them). */
const WINDOW_MS = 60_000;

/**
 * The address a limit applies to: the client's IP (behind the configured proxies), an IPv6 address by its
 * /64 network, since one host commonly holds a whole /64.
 */
export function clientKey(ip: string | undefined): string {
  const addr = (ip ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!isIPv6(addr)) return addr;
  const [head = '', tail = ''] = addr.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = addr.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * Refuses a login initiation (429, Retry-After) once a client address has made `perMinute` of them in the
 * current minute; nothing is written for a refused one beyond its count.
 */
export function limitLogins(deps: { db: Db; clock: Clock; perMinute: number }): RequestHandler {
  return async (req, _res, next) => {
    try {
      const now = deps.clock.now().getTime();
      const windowStart = new Date(now - (now % WINDOW_MS));
      const count = await countLogin(deps.db, clientKey(req.ip), windowStart);
      if (count <= deps.perMinute) return next();
      const retryAfter = Math.ceil((windowStart.getTime() + WINDOW_MS - now) / 1000);
      next(new AppError('too_many_requests', 'Too many login initiations from this address', { messageKey: 'lti.error.too_many_logins', headers: { 'Retry-After': String(retryAfter) } }));
    } catch (err) {
      next(err);
    }
  };
}

/** Deletes the counts of past windows (run by the lti purge job). */
export function purgeLoginRates(deps: { db: Db; clock: Clock }): Promise<number> {
  return purgeLoginCounts(deps.db, new Date(deps.clock.now().getTime() - WINDOW_MS));
}
