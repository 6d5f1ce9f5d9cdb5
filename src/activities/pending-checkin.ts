import type { Request, Response } from 'express';
import type { Config } from '../platform/config';
import type { DbOrTx } from '../platform/db/client';
import { parseScan } from './checkin-address';
import { findCheckinLink } from './checkin-links.repo';

/**
 * A check-in scanned in a browser with no launch yet, kept through the platform's login: a signed,
 * first-party cookie (SameSite=Lax, not partitioned) set by the top-level page the camera opened. The
 * launch comes back top-level on phones (Moodle replaces its window), or in the window the cookie help
 * page opens, where first-party cookies are sent; the session page then resumes the check-in.
 */

const NAME = 'instants_checkin';
/** The check-in stays pending at most this long (the code's window is checked again when it resumes). */
const MAX_AGE_MS = 3 * 3600_000;

const cookieName = (config: Config) => (config.http.publicUrl.startsWith('https://') ? `__Host-${NAME}` : NAME);
const options = (config: Config) => ({ httpOnly: true, secure: config.http.publicUrl.startsWith('https://'), sameSite: 'lax' as const, path: '/', signed: true });

/** Keeps a scanned check-in until `until` (the end of the code's window), three hours at most. */
export function keepPendingCheckin(res: Response, config: Config, scan: { key: string; code: string }, until: Date, now: Date): void {
  const maxAge = Math.max(1000, Math.min(MAX_AGE_MS, until.getTime() - now.getTime()));
  res.cookie(cookieName(config), `${scan.key}.${scan.code}`, { ...options(config), maxAge });
}

export function clearPendingCheckin(req: Request, res: Response, config: Config): void {
  if ((req.signedCookies as Record<string, unknown> | undefined)?.[cookieName(config)] !== undefined) res.clearCookie(cookieName(config), options(config));
}

/** The address that resumes the check-in pending in this browser for `sessionId`, or undefined. */
export async function pendingCheckinPath(req: Request, db: DbOrTx, config: Config, sessionId: string): Promise<string | undefined> {
  const value = (req.signedCookies as Record<string, unknown> | undefined)?.[cookieName(config)];
  if (typeof value !== 'string') return undefined;
  const [key = '', code = ''] = value.split('.');
  const scan = parseScan(key, code);
  if (!scan || (await findCheckinLink(db, scan.key))?.sessionId !== sessionId) return undefined;
  return `/c/${scan.key}?c=${scan.code}`;
}
