import crypto from 'node:crypto';

/**
 * A short-lived signed token naming a launch, so that a browser that refused the session cookie inside
 * Moodle's iframe can open Instants in a new window and start its session there (first-party cookies).
 */
const LIFETIME_MS = 2 * 60_000;

const mac = (secret: string, body: string) => crypto.createHmac('sha256', secret).update(`lti-resume:${body}`).digest('base64url');

export function signResumeToken(secret: string, launchId: string, now: number): string {
  const body = Buffer.from(JSON.stringify({ l: launchId, e: now + LIFETIME_MS })).toString('base64url');
  return `${body}.${mac(secret, body)}`;
}

/** The launch id in a valid, unexpired token, else undefined. */
export function verifyResumeToken(secret: string, token: unknown, now: number): string | undefined {
  if (typeof token !== 'string') return undefined;
  const [body, sig] = token.split('.');
  if (!body || !sig) return undefined;
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return undefined;
  try {
    const { l, e } = JSON.parse(Buffer.from(body, 'base64url').toString()) as { l?: unknown; e?: unknown };
    return typeof l === 'string' && typeof e === 'number' && e > now ? l : undefined;
  } catch {
    return undefined;
  }
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
