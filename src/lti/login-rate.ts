import { isIPv6 } from 'node:net';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db/client';
import { AppError } from '../platform/errors';
import { countLogin, countLoginAndStore, purgeLoginCounts } from './login-rate.repo';

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

/** What the login limit needs: where counts are kept, the clock, and the limit per address and minute. */
export interface LoginLimitDeps {
  db: Db;
  clock: Clock;
  perMinute: number;
}

/**
 * Counts login initiations per client address and refuses them (429, Retry-After) once an address has made
 * `perMinute` in the current minute; nothing is written for a refused one beyond its count. A login that
 * goes on to the platform is counted in the statement that stores its login request (`countAndStore`), one
 * that stops earlier (a bad or unknown request) on its own (`count`).
 */
export function loginLimiter(deps: LoginLimitDeps) {
  const windowOf = () => {
    const now = deps.clock.now().getTime();
    return { now, windowStart: new Date(now - (now % WINDOW_MS)) };
  };
  const refuseOver = (count: number, w: { now: number; windowStart: Date }) => {
    if (count <= deps.perMinute) return;
    const retryAfter = Math.ceil((w.windowStart.getTime() + WINDOW_MS - w.now) / 1000);
    throw new AppError('too_many_requests', 'Too many login initiations from this address', { messageKey: 'lti.error.too_many_logins', headers: { 'Retry-After': String(retryAfter) } });
  };
  return {
    async count(ip: string | undefined): Promise<void> {
      const w = windowOf();
      refuseOver(await countLogin(deps.db, clientKey(ip), w.windowStart), w);
    },
    async countAndStore(ip: string | undefined, request: Parameters<typeof countLoginAndStore>[4]): Promise<void> {
      const w = windowOf();
      refuseOver(await countLoginAndStore(deps.db, clientKey(ip), w.windowStart, deps.perMinute, request), w);
    },
  };
}
export type LoginLimiter = ReturnType<typeof loginLimiter>;

/** Deletes the counts of past windows (run by the lti purge job). */
export function purgeLoginRates(deps: { db: Db; clock: Clock }): Promise<number> {
  return purgeLoginCounts(deps.db, new Date(deps.clock.now().getTime() - WINDOW_MS));
}
