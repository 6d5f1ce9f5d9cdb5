import crypto from 'node:crypto';
import type { Clock } from '../../platform/clock';
import type { Config } from '../../platform/config';
import type { Db } from '../../platform/db/client';
import { AppError, type ErrorCode } from '../../platform/errors';
import { deleteDeployments, recordDeployment } from '../launch.repo';
import type { LtiProvider } from '../ltijs.adapter';
import { OpenIdConfigurationSchema, platformName, RegistrationResponseSchema, toolRegistration, type OpenIdConfiguration } from './openid.schema';
import { fetchPlatformJson, PlatformFetchError } from './platform-fetch';
import * as repo from './registration.repo';

/**
 * Dynamic registration (LTI DR 1.0), guarded (issue 13): Instants fetches nothing unless the
 * openid_configuration URL is on the origin of a one-time link an administrator made, or of a Moodle site
 * in LTI_REGISTRATION_HOSTS. The configuration's issuer and every endpoint must be on that origin. New
 * platforms stay inactive (never framing Instants) until activated and expire after 24 h; a re-registration
 * of a known platform (Moodle's "update") waits for an administrator's confirmation. Undecided
 * registrations are capped. A refused registration stores nothing.
 */

export const PENDING_LIFETIME_MS = 24 * 3600_000;
const LINK_LIFETIME_MS = 7 * 24 * 3600_000;
/** At most this many undecided registrations at once, and per Moodle origin. */
export const MAX_PENDING = 10;
export const MAX_PENDING_PER_ORIGIN = 3;

export interface RegistrationDeps {
  db: Db;
  clock: Clock;
  config: Config;
  provider: LtiProvider;
}

export type RegistrationRefusal = 'bad_url' | 'not_allowed' | 'link_invalid' | 'too_many' | 'unreachable' | 'bad_configuration' | 'issuer_mismatch' | 'endpoint_elsewhere' | 'platform_refused';

const CODE: Record<RegistrationRefusal, ErrorCode> = {
  bad_url: 'bad_request',
  not_allowed: 'forbidden',
  link_invalid: 'forbidden',
  too_many: 'too_many_requests',
  unreachable: 'bad_request',
  bad_configuration: 'bad_request',
  issuer_mismatch: 'bad_request',
  endpoint_elsewhere: 'bad_request',
  platform_refused: 'bad_request',
};

/** A refused registration; `origin` is set once the openid_configuration origin passed the guard. */
export class RegistrationRefused extends AppError {
  constructor(
    readonly reason: RegistrationRefusal,
    readonly origin?: string,
    detail?: string,
  ) {
    super(CODE[reason], `Dynamic registration refused: ${reason}${detail ? ` (${detail})` : ''}`, { messageKey: `registration.refused.${reason}` });
  }
}

export interface RegistrationOutcome {
  kind: 'new' | 'update';
  issuer: string;
  clientId: string;
  name: string;
  active: boolean;
  /** The validated openid_configuration origin: the only one that may frame the answer. */
  origin: string;
}

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

function parseConfigUrl(deps: RegistrationDeps, raw: unknown): URL {
  if (typeof raw !== 'string' || raw.length > 2000) throw new RegistrationRefused('bad_url');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new RegistrationRefused('bad_url');
  }
  const httpAllowed = deps.config.env !== 'production';
  if (u.protocol !== 'https:' && !(httpAllowed && u.protocol === 'http:')) throw new RegistrationRefused('bad_url');
  if (u.username || u.password) throw new RegistrationRefused('bad_url');
  return u;
}

/** Checks the fetched configuration: issuer on the origin of its URL (and a prefix of it), every endpoint there too. */
function checkConfiguration(raw: unknown, url: URL): OpenIdConfiguration {
  const parsed = OpenIdConfigurationSchema.safeParse(raw);
  if (!parsed.success) throw new RegistrationRefused('bad_configuration', url.origin, parsed.error.issues.map((i) => i.path.join('.')).join(', '));
  const c = parsed.data;
  const issuer = c.issuer.replace(/\/+$/, '');
  if (new URL(issuer).origin !== url.origin || !`${url.href}`.startsWith(`${issuer}/`)) throw new RegistrationRefused('issuer_mismatch', url.origin);
  for (const endpoint of [c.authorization_endpoint, c.token_endpoint, c.jwks_uri, c.registration_endpoint])
    if (new URL(endpoint).origin !== url.origin) throw new RegistrationRefused('endpoint_elsewhere', url.origin);
  return { ...c, issuer };
}

/**
 * Runs a registration started by Moodle (`GET /lti/register?openid_configuration=…&registration_token=…`,
 * plus our `link=` when the administrator pasted a one-time link). Throws RegistrationRefused.
 */
export async function register(deps: RegistrationDeps, input: { openidConfiguration: unknown; registrationToken?: unknown; link?: unknown }): Promise<RegistrationOutcome> {
  const url = parseConfigUrl(deps, input.openidConfiguration);
  const now = deps.clock.now();
  const origin = url.origin;
  let claimed: string | undefined;
  if (input.link !== undefined) {
    if (typeof input.link !== 'string' || !/^[\w-]{20,100}$/.test(input.link)) throw new RegistrationRefused('link_invalid');
    if (!(await repo.claimLink(deps.db, hashToken(input.link), origin, now))) throw new RegistrationRefused('link_invalid');
    claimed = hashToken(input.link);
  } else if (!deps.config.lti.registrationOrigins.includes(origin)) {
    throw new RegistrationRefused('not_allowed');
  }
  try {
    if ((await repo.countPending(deps.db, now)) >= MAX_PENDING || (await repo.countPending(deps.db, now, origin)) >= MAX_PENDING_PER_ORIGIN) throw new RegistrationRefused('too_many', origin);
    const token = typeof input.registrationToken === 'string' && input.registrationToken.length <= 4000 ? input.registrationToken : undefined;
    const config = checkConfiguration(await fetchPlatformJson(url.href).catch(unreachable(origin)), url);
    const answer = await fetchPlatformJson(config.registration_endpoint, { json: toolRegistration(deps.config.http.publicUrl, config), bearer: token }).catch((err: unknown) => {
      throw err instanceof PlatformFetchError ? new RegistrationRefused('platform_refused', origin, err.message) : err;
    });
    const registered = RegistrationResponseSchema.safeParse(answer);
    if (!registered.success) throw new RegistrationRefused('platform_refused', origin, 'no client_id');
    return await record(deps, config, origin, registered.data.client_id, registered.data['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id);
  } catch (err) {
    if (claimed) await repo.releaseLink(deps.db, claimed);
    throw err;
  }
}

const unreachable = (origin: string) => (err: unknown) => {
  throw err instanceof PlatformFetchError ? new RegistrationRefused('unreachable', origin, err.message) : err;
};

async function record(deps: RegistrationDeps, config: OpenIdConfiguration, origin: string, clientId: string, deploymentId: string | undefined): Promise<RegistrationOutcome> {
  const now = deps.clock.now();
  const name = platformName(config);
  const registered: repo.RegisteredConfig = { name, authEndpoint: config.authorization_endpoint, tokenEndpoint: config.token_endpoint, keySetUrl: config.jwks_uri };
  const base = { issuer: config.issuer, clientId, deploymentId: deploymentId ?? null, config: registered, origin, createdAt: now, expiresAt: new Date(now.getTime() + PENDING_LIFETIME_MS) };
  const existing = await deps.provider.findPlatform(config.issuer, clientId);
  if (existing) {
    // Moodle's "update" of a dynamically registered tool: same issuer and client id. Applied on confirmation.
    await repo.insertRegistration(deps.db, { ...base, kind: 'update' });
    return { kind: 'update', issuer: config.issuer, clientId, name: existing.name, active: existing.active, origin };
  }
  await deps.provider.registerPlatform({ issuer: config.issuer, clientId, name, authEndpoint: registered.authEndpoint, tokenEndpoint: registered.tokenEndpoint, keys: { method: 'JWK_SET', key: registered.keySetUrl } });
  const active = deps.config.lti.autoActivate;
  await deps.provider.setActive(config.issuer, clientId, active);
  if (deploymentId) await recordDeployment(deps.db, { issuer: config.issuer, clientId, deploymentId, source: 'registration' });
  await repo.insertRegistration(deps.db, { ...base, kind: 'new', ...(active ? { decision: 'activated' as const, decidedAt: now } : {}) });
  return { kind: 'new', issuer: config.issuer, clientId, name, active, origin };
}

/** Makes a one-time registration link for the Moodle at `moodleUrl`; returns the link (shown once). */
export async function createRegistrationLink(deps: Pick<RegistrationDeps, 'db' | 'clock' | 'config'>, input: { moodleUrl: string; label?: string }): Promise<{ url: string; origin: string; expiresAt: Date }> {
  let origin: string;
  try {
    const u = new URL(input.moodleUrl.includes('://') ? input.moodleUrl : `https://${input.moodleUrl}`);
    if (u.protocol !== 'https:' && !(deps.config.env !== 'production' && u.protocol === 'http:')) throw new Error('scheme');
    origin = u.origin;
  } catch {
    throw new RegistrationRefused('bad_url');
  }
  const token = crypto.randomBytes(24).toString('base64url');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + LINK_LIFETIME_MS);
  await repo.insertLink(deps.db, { tokenHash: hashToken(token), moodleOrigin: origin, label: input.label?.trim().slice(0, 200) || null, createdAt: now, expiresAt });
  return { url: `${deps.config.http.publicUrl}/lti/register?link=${token}`, origin, expiresAt };
}

/** Activates a platform and closes its pending registration; false when unknown. */
export async function activatePlatform(deps: RegistrationDeps, issuer: string, clientId: string): Promise<boolean> {
  if (!(await deps.provider.setActive(issuer, clientId, true))) return false;
  for (const row of await repo.pendingOf(deps.db, issuer, clientId, deps.clock.now())) if (row.kind === 'new') await repo.decide(deps.db, row.id, 'activated', deps.clock.now());
  return true;
}

/** An administrator's decision on a pending registration: activate a new platform or apply an update, or reject. */
export async function decideRegistration(deps: RegistrationDeps, id: string, accept: boolean): Promise<repo.RegistrationRow | undefined> {
  const now = deps.clock.now();
  const row = await repo.findPending(deps.db, id, now);
  if (!row) return undefined;
  const config = row.config as repo.RegisteredConfig;
  if (!accept) {
    if (row.kind === 'new') await removeInactive(deps, row.issuer, row.clientId);
    await repo.decide(deps.db, row.id, 'rejected', now);
  } else if (row.kind === 'new') {
    await activatePlatform(deps, row.issuer, row.clientId);
  } else {
    const current = await deps.provider.findPlatform(row.issuer, row.clientId);
    await deps.provider.registerPlatform({ issuer: row.issuer, clientId: row.clientId, name: current?.name ?? config.name, authEndpoint: config.authEndpoint, tokenEndpoint: config.tokenEndpoint, keys: { method: 'JWK_SET', key: config.keySetUrl } });
    if (row.deploymentId) await recordDeployment(deps.db, { issuer: row.issuer, clientId: row.clientId, deploymentId: row.deploymentId, source: 'registration' });
    await repo.decide(deps.db, row.id, 'applied', now);
  }
  return row;
}

async function removeInactive(deps: RegistrationDeps, issuer: string, clientId: string): Promise<void> {
  const p = await deps.provider.findPlatform(issuer, clientId);
  if (p && !p.active) {
    await deps.provider.removePlatform(issuer, clientId);
    await deleteDeployments(deps.db, issuer, clientId);
  }
}

/** Removes registrations left undecided for 24 h (an expired new one takes its inactive platform), and old links. */
export async function purgeRegistrations(deps: RegistrationDeps): Promise<number> {
  const now = deps.clock.now();
  const expired = await repo.expiredPending(deps.db, now);
  for (const row of expired) {
    if (row.kind === 'new') await removeInactive(deps, row.issuer, row.clientId);
    await repo.deleteRegistration(deps.db, row.id);
  }
  return expired.length + (await repo.purgeLinks(deps.db, now));
}
