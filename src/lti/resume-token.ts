import crypto from 'node:crypto';
import type { Db } from '../platform/db/client';
import type { SQL } from 'drizzle-orm';
import { consumeResumeToken, insertResumeToken, resumeTokenInsert, type ResumeKind } from './resume.repo';

/**
 * Tokens that carry a verified launch to a browser session, stored hashed, single-use and short-lived
 * (issue 11: the former signed token could be replayed for 2 minutes in any browser).
 *
 * - `continue`: put in the redirect that follows the launch (`/lti/continue?t=`), consumed by the first
 *   request that shows it, i.e. the frame's own redirect a few milliseconds later. When the browser keeps
 *   cookies, that request also carries the session cookie the launch set, and the session is only used
 *   when it is the one of this launch: the token is bound to the browser that did the login.
 * - `resume`: when the browser refused our cookies in Moodle's frame there is no cookie to bind to. The
 *   token is then written only in the body of the help page (never in a URL), lives 2 minutes, and is
 *   accepted only from a form posted by a page of Instants' own origin (the help page in the frame):
 *   a third-party page cannot post it for someone else (login CSRF), and a leaked URL carries nothing.
 */
const LIFETIME_MS: Record<ResumeKind, number> = { continue: 60_000, resume: 2 * 60_000 };

const hash = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

const rowOf = (token: string, kind: ResumeKind, launchId: string, destination: string, now: Date) => ({ tokenHash: hash(token), kind, launchId, destination, createdAt: now, expiresAt: new Date(now.getTime() + LIFETIME_MS[kind]) });

/** Issues a token of `kind` for a launch and where it lands; returns the token (shown once). */
export async function issueResumeToken(db: Db, kind: ResumeKind, launchId: string, destination: string, now: Date): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  await insertResumeToken(db, rowOf(token, kind, launchId, destination, now));
  return token;
}

/** A new token of `kind` and the statement that stores it, for the caller to run with its own write. */
export function newResumeToken(db: Db, kind: ResumeKind, launchId: string, destination: string, now: Date): { token: string; insert: SQL } {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, insert: resumeTokenInsert(db, rowOf(token, kind, launchId, destination, now)) };
}

/** Uses a token: its launch and destination, `fresh` when this call used it; undefined when unknown or expired. */
export async function useResumeToken(db: Db, kind: ResumeKind, token: unknown, now: Date) {
  if (typeof token !== 'string' || !/^[\w-]{43}$/.test(token)) return undefined;
  return consumeResumeToken(db, hash(token), kind, now);
}

/** A CSRF token for our /lti forms (the /lti prefix is outside the app's CSRF middleware). */
export function formToken(secret: string, sessionId: string): string {
  return crypto.createHmac('sha256', secret).update(`lti-form:${sessionId}`).digest('base64url');
}

export function checkFormToken(secret: string, sessionId: string | undefined, token: unknown): boolean {
  if (!sessionId || typeof token !== 'string') return false;
  const a = Buffer.from(formToken(secret, sessionId));
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
