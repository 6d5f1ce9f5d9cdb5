import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, importJWK, importSPKI, jwtVerify, type JWTPayload } from 'jose';
import type { Db } from '../platform/db/client';
import { describeProblem, scanValue } from '../platform/input-hygiene';
import type { PlatformKeySets } from './keyset.cache';
import { CLAIM, LaunchClaimsSchema, toLaunchContext, type LaunchContext } from './launch.schema';
import { consumeLoginRequest, deploymentExists, recordDeployment, type LoginRequest } from './launch.repo';
import { LtiLaunchError } from './lti.errors';
import type { PlatformInfo } from './platform.types';

/** What the checks ltijs skips need. */
export interface LaunchCheckDeps {
  db: Db;
  keySets: PlatformKeySets;
  leewaySeconds: number;
  unknownDeployment: 'accept' | 'reject';
  findPlatform(issuer: string, clientId: string): Promise<PlatformInfo | undefined>;
  /** Current time in ms for token times (real time: the platform signs with its clock, ltijs checks with Date.now()). */
  now(): number;
  /** The app's clock, for our own rows (login requests). */
  clock(): Date;
}

function decode(idToken: string): { header: ReturnType<typeof decodeProtectedHeader>; payload: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(idToken), payload: decodeJwt(idToken) };
  } catch (cause) {
    throw new LtiLaunchError('invalid_token', { cause });
  }
}

async function verificationKey(deps: LaunchCheckDeps, platform: PlatformInfo, kid: string) {
  const { method, key } = platform.keys;
  if (method === 'JWK_SET') return createLocalJWKSet({ keys: [(await deps.keySets.get(key, kid)) as never] });
  if (method === 'JWK_KEY') return importJWK(JSON.parse(key) as never, 'RS256');
  return importSPKI(key, 'RS256');
}

/** Picks the platform registration an audience names; several audiences need `azp` and nothing untrusted. */
async function resolvePlatform(deps: LaunchCheckDeps, payload: JWTPayload): Promise<PlatformInfo> {
  const iss = payload.iss;
  if (typeof iss !== 'string' || !iss) throw new LtiLaunchError('missing_claims', { detail: 'iss' });
  const auds = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
  if (auds.length === 0) throw new LtiLaunchError('missing_claims', { detail: 'aud' });
  let platform: PlatformInfo | undefined;
  for (const aud of auds) platform ??= await deps.findPlatform(iss, aud);
  if (!platform) throw new LtiLaunchError('unknown_platform');
  if (auds.length > 1 || payload.azp !== undefined) {
    // Security Framework 5.1.3: with several audiences, azp must be our client id; no untrusted audience.
    if (payload.azp !== platform.clientId) throw new LtiLaunchError('wrong_azp');
    if (auds.some((a) => a !== platform.clientId)) throw new LtiLaunchError('wrong_audience');
  }
  return platform;
}

async function verify(deps: LaunchCheckDeps, idToken: string, key: Awaited<ReturnType<typeof verificationKey>>): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(idToken, key as never, {
      algorithms: ['RS256'],
      clockTolerance: deps.leewaySeconds,
      currentDate: new Date(deps.now()),
    });
    return payload;
  } catch (cause) {
    if (cause instanceof LtiLaunchError) throw cause;
    if (cause instanceof joseErrors.JWTExpired) throw new LtiLaunchError('expired', { cause });
    if (cause instanceof joseErrors.JWSSignatureVerificationFailed) throw new LtiLaunchError('bad_signature', { cause });
    if (cause instanceof joseErrors.JWKSNoMatchingKey) throw new LtiLaunchError('unknown_kid', { cause });
    if (cause instanceof joseErrors.JOSEAlgNotAllowed) throw new LtiLaunchError('bad_algorithm', { cause });
    throw new LtiLaunchError('invalid_token', { cause });
  }
}

/** U+0000, lone surrogates, deep nesting or `__proto__` in the token or the state: 400 naming the claim. */
function refuseUncleanClaims(parts: { header: unknown; payload: unknown; state: unknown }): void {
  const issue = scanValue(parts);
  if (issue) throw new LtiLaunchError('invalid_claims', { detail: issue.path, details: [{ path: issue.path, message: describeProblem(issue.problem) }] });
}

/**
 * The checks ltijs skips (reference/lti.md), run on the posted id_token before ltijs sees it: RS256 only,
 * key from the cached key set, audience and azp, exp and iat with a small leeway, state and nonce bound to
 * our login request and single-use, target_link_uri equal to the login request's, deployment policy, and
 * the claims Instants needs. Returns the LaunchContext.
 */
export async function checkIdToken(deps: LaunchCheckDeps, idToken: unknown, state: unknown): Promise<{ launch: LaunchContext; login: LoginRequest }> {
  if (typeof idToken !== 'string' || !idToken) throw new LtiLaunchError('invalid_token');
  const { header, payload } = decode(idToken);
  // Before any claim reaches a query (iss, aud, state are looked up before the signature is checked).
  refuseUncleanClaims({ header, payload, state });
  if (header.alg !== 'RS256') throw new LtiLaunchError('bad_algorithm', { detail: String(header.alg) });
  if (typeof state !== 'string' || !state) throw new LtiLaunchError('state_missing');
  // The deployment the (not yet verified) token names is looked up in the same statement; it is used only
  // once the signature is verified, and only when the verified claim and the registration are the same.
  const named = payload[CLAIM.deploymentId];
  const login = await consumeLoginRequest(deps.db, state, deps.clock(), typeof named === 'string' ? named : undefined);
  if (!login) throw new LtiLaunchError('state_missing');
  if (login.replayed) throw new LtiLaunchError('nonce_replayed');
  const platform = await resolvePlatform(deps, payload);
  if (payload.iss !== login.request.issuer) throw new LtiLaunchError('invalid_token', { detail: 'issuer differs from the login request' });
  if (!platform.active) throw new LtiLaunchError('inactive_platform');
  if (!header.kid) throw new LtiLaunchError('missing_kid');
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw new LtiLaunchError('missing_claims', { detail: 'exp/iat' });
  if (payload.iat > deps.now() / 1000 + deps.leewaySeconds) throw new LtiLaunchError('issued_in_future');
  const verified = await verify(deps, idToken, await verificationKey(deps, platform, header.kid));
  if (typeof verified.nonce !== 'string' || verified.nonce !== login.request.nonce) throw new LtiLaunchError('nonce_unknown');
  const raw = verified as Record<string, unknown>;
  if (raw[CLAIM.version] !== '1.3.0') throw new LtiLaunchError('wrong_version');
  if (raw[CLAIM.messageType] !== 'LtiResourceLinkRequest' && raw[CLAIM.messageType] !== 'LtiDeepLinkingRequest') throw new LtiLaunchError('wrong_message_type');
  const parsed = LaunchClaimsSchema.safeParse(raw);
  if (!parsed.success) throw new LtiLaunchError('missing_claims', { detail: parsed.error.issues.map((i) => i.path.join('.')).join(', ') });
  if (parsed.data[CLAIM.targetLinkUri] !== login.request.targetLinkUri) throw new LtiLaunchError('target_link_mismatch');
  const deploymentId = parsed.data[CLAIM.deploymentId];
  const probed = login.deploymentKnown !== undefined && named === deploymentId && login.request.clientId === platform.clientId ? login.deploymentKnown : undefined;
  if (!(probed ?? (await deploymentExists(deps.db, platform.issuer, platform.clientId, deploymentId)))) {
    if (deps.unknownDeployment === 'reject') throw new LtiLaunchError('unknown_deployment');
    await recordDeployment(deps.db, { issuer: platform.issuer, clientId: platform.clientId, deploymentId, source: 'launch' });
  }
  return { launch: toLaunchContext(parsed.data, platform.clientId), login: login.request };
}
