import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import type { Actor } from './actor';
import { CLAIM, DeepLinkingSettingsSchema } from './launch.schema';
import { findLaunchExtras } from './launch.repo';
import { LtiLaunchError } from './lti.errors';
import type { LtiServices } from './registry';
import { ForbiddenError } from '../platform/errors';

/** A session chosen in the picker, as it becomes a Moodle activity. */
export interface PickedSession {
  id: string;
  title: string;
  text: string;
}

/** The deep-linking settings of the actor's launch, or a 403 when the launch was not a deep-linking one. */
export async function deepLinkingOf(lti: LtiServices, actor: Actor) {
  const extras = await findLaunchExtras(lti.db, actor.launchId);
  const settings = DeepLinkingSettingsSchema.safeParse(extras?.deepLinking);
  if (!extras || extras.messageType !== 'LtiDeepLinkingRequest' || !extras.clientId || !settings.success) throw new ForbiddenError('Not a deep-linking launch');
  if (actor.role !== 'organiser') throw new ForbiddenError('Organiser role required');
  return { settings: settings.data, clientId: extras.clientId };
}

/**
 * Whether a deep-linking return URL may receive our signed response: https (http only outside production)
 * on the platform's own origin (its issuer's or its login page's), so that neither a forged request nor a
 * `javascript:` address turns the auto-submitting form against the organiser.
 */
export function isPlatformReturnUrl(returnUrl: string, platform: { issuer: string; authEndpoint: string }, production: boolean): boolean {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' && (production || url.protocol !== 'http:')) return false;
  const origins = new Set<string>();
  for (const u of [platform.issuer, platform.authEndpoint]) {
    try {
      origins.add(new URL(u).origin);
    } catch {
      /* an unparsable registration URL names no origin */
    }
  }
  return origins.has(url.origin);
}

/**
 * Builds the signed LtiDeepLinkingResponse (RS256, our kid for that platform): one `ltiResourceLink` per
 * session, each with the custom parameter that binds the Moodle activity to the session and a `lineItem`
 * so Moodle creates a gradebook column; the request's `data` is echoed. Returns where to post it.
 */
export async function buildDeepLinkingResponse(lti: LtiServices, actor: Actor, sessions: PickedSession[]): Promise<{ returnUrl: string; jwt: string }> {
  const { settings, clientId } = await deepLinkingOf(lti, actor);
  const [platform, key] = await Promise.all([lti.provider.findPlatform(actor.issuer, clientId), lti.provider.signingKey(actor.issuer, clientId)]);
  if (!key || !platform) throw new ForbiddenError('Platform no longer registered');
  if (!isPlatformReturnUrl(settings.deep_link_return_url, platform, lti.config.env === 'production')) throw new LtiLaunchError('bad_return_url', { detail: 'deep_link_return_url' });
  const launchUrl = `${lti.config.http.publicUrl}/lti`;
  const items = (settings.accept_multiple === false ? sessions.slice(0, 1) : sessions).map((s) => ({
    type: 'ltiResourceLink',
    title: s.title,
    text: s.text,
    url: launchUrl,
    custom: { instants_session: s.id },
    lineItem: { scoreMaximum: 100, label: s.title, resourceId: s.id, tag: 'instants' },
  }));
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    nonce: crypto.randomBytes(16).toString('hex'),
    [CLAIM.deploymentId]: actor.deploymentId,
    [CLAIM.messageType]: 'LtiDeepLinkingResponse',
    [CLAIM.version]: '1.3.0',
    [CLAIM.contentItems]: items,
  };
  if (settings.data !== undefined) claims[CLAIM.deepLinkingData] = settings.data;
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setAudience(actor.issuer)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(crypto.createPrivateKey(key.pem));
  return { returnUrl: settings.deep_link_return_url, jwt };
}
