import type { Request } from 'express';
import { LtiLaunchError } from './lti.errors';
import type { PlatformInfo } from './platform.types';

/**
 * A launch whose only missing piece is ltijs's state cookie (the browser refused Instants' cookies in
 * Moodle's frame: Safari, iPad, Chrome with third-party cookies blocked). Our own checks have already
 * passed: the state names a login request Instants answered, unused until now and now used, the nonce is
 * the one asked for at that login, the target link is the same. What the cookie added is that the
 * id_token comes back to the browser that started the login; without it, the form must have been posted
 * by the platform's own authorisation page (`Origin` = the platform's origin), so that another site
 * cannot post someone else's id_token into a victim's browser (login CSRF). Browsers send `Origin` on
 * every cross-site form post; a platform sending `Referrer-Policy: no-referrer` makes it `null`, which
 * is refused (lti-config/moodle.md, Dépannage).
 *
 * Returns the cookie value ltijs expects (the issuer), to be put in `req.signedCookies`, or throws.
 */
export function stateCookieStandIn(req: Request, platform: PlatformInfo): string {
  const origin = req.get('origin');
  const allowed = new Set<string>();
  for (const u of [platform.authEndpoint, platform.issuer]) {
    try {
      allowed.add(new URL(u).origin);
    } catch {
      /* an unparsable URL names no origin */
    }
  }
  if (!origin || !allowed.has(origin)) throw new LtiLaunchError('state_missing', { detail: 'no state cookie, and the form was not posted by the platform' });
  return platform.issuer;
}

/** Name of ltijs's state cookie for a state value. */
export const stateCookieName = (state: string) => `state${state}`;
