import crypto from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db/client';
import { gradesServiceTokens } from './grades.tables';
import { PlatformAnswerError } from './platform-http';

/** What Instants needs to ask a platform for a service token: our key for it and its token endpoint. */
export interface ServiceCredentials {
  issuer: string;
  clientId: string;
  tokenUrl: string;
  /** Our key id for this platform, published in our JWKS. */
  kid: string;
  /** Our RS256 private key for this platform (PEM, PKCS#1 or PKCS#8). */
  privateKey: string;
}

/** Finds the credentials of a platform registration (the lti slice's key store in the app). */
export type CredentialsSource = (issuer: string, clientId: string) => Promise<ServiceCredentials | undefined>;

export const SCOPES = {
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineitemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  memberships: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;

const TokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((v) => v.toLowerCase() === 'bearer', 'expected a bearer token'),
  expires_in: z.coerce.number().int().positive().optional(),
  scope: z.string().optional(),
});

export interface ServiceTokenDeps {
  db: Db;
  clock: Clock;
  /** Secret (outside the database) from which the key encrypting cached tokens is derived (the LTI key). */
  tokenSecret: string;
  fetch?: typeof fetch;
}

/** Tokens are renewed this long before the platform says they expire. */
const RENEW_MARGIN_MS = 60_000;
/** How long a refresh may take before another caller may try (covers the token request's own timeout). */
const LEASE_MS = 20_000;
const WAIT_STEP_MS = 50;
const MAX_WAIT_MS = 25_000;

/**
 * A bearer token for these scopes from the platform's client-credentials endpoint, signed with our key
 * (1EdTech Security Framework §4.1: iss = sub = client id, aud = token endpoint, unique jti; plus the LTI
 * deployment_id claim). Cached in the database until shortly before expiry. One refresh at a time across
 * instances: a caller claims a short lease on the cache row; the others wait for its token. No transaction is
 * held during the HTTP call (the platform may fetch our key set meanwhile, which needs the database).
 */
export async function getServiceToken(deps: ServiceTokenDeps, creds: ServiceCredentials, deploymentId: string | null, scopes: string[]): Promise<string> {
  const sorted = [...new Set(scopes)].sort();
  const key = cacheKey(creds, sorted);
  for (let waited = 0; waited <= MAX_WAIT_MS; waited += WAIT_STEP_MS) {
    const cached = await readValid(deps, key);
    if (cached) return cached;
    if (await claimRefresh(deps, creds, key, sorted)) {
      try {
        const answer = await requestToken(deps, creds, deploymentId, sorted);
        const expiresAt = new Date(deps.clock.now().getTime() + (answer.expires_in ?? 3600) * 1000);
        await deps.db
          .update(gradesServiceTokens)
          .set({ accessToken: sealToken(deps.tokenSecret, answer.access_token), expiresAt, createdAt: deps.clock.now(), refreshingUntil: null })
          .where(eq(gradesServiceTokens.cacheKey, key));
        return answer.access_token;
      } catch (err) {
        await deps.db.update(gradesServiceTokens).set({ refreshingUntil: null }).where(eq(gradesServiceTokens.cacheKey, key));
        throw err;
      }
    }
    await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
  }
  throw new Error('timed out waiting for another refresh of the service token');
}

/** Takes the refresh lease when the cached token is missing or stale and nobody holds a live lease. */
async function claimRefresh(deps: ServiceTokenDeps, creds: ServiceCredentials, key: string, scopes: string[]): Promise<boolean> {
  const now = deps.clock.now();
  const stale = new Date(now.getTime() + RENEW_MARGIN_MS).toISOString();
  const leaseEnd = new Date(now.getTime() + LEASE_MS);
  const claimed = await deps.db
    .insert(gradesServiceTokens)
    .values({ cacheKey: key, issuer: creds.issuer, clientId: creds.clientId, scopes, accessToken: '', expiresAt: new Date(0), refreshingUntil: leaseEnd })
    .onConflictDoUpdate({
      target: gradesServiceTokens.cacheKey,
      set: { refreshingUntil: leaseEnd },
      setWhere: sql`${gradesServiceTokens.expiresAt} <= ${stale}::timestamptz and (${gradesServiceTokens.refreshingUntil} is null or ${gradesServiceTokens.refreshingUntil} <= ${now.toISOString()}::timestamptz)`,
    })
    .returning({ key: gradesServiceTokens.cacheKey });
  return claimed.length > 0;
}

function cacheKey(creds: Pick<ServiceCredentials, 'issuer' | 'clientId'>, sortedScopes: string[]): string {
  return `${creds.issuer} ${creds.clientId} ${sortedScopes.join(' ')}`;
}

/** Forgets a cached token (after the platform refused it with 401). */
export async function dropServiceToken(db: Db, creds: Pick<ServiceCredentials, 'issuer' | 'clientId'>, scopes: string[]): Promise<void> {
  const key = cacheKey(creds, [...new Set(scopes)].sort());
  await db.delete(gradesServiceTokens).where(eq(gradesServiceTokens.cacheKey, key));
}

async function readValid(deps: ServiceTokenDeps, key: string): Promise<string | undefined> {
  const [row] = await deps.db.select().from(gradesServiceTokens).where(eq(gradesServiceTokens.cacheKey, key));
  if (!row || !row.accessToken || row.expiresAt.getTime() - RENEW_MARGIN_MS <= deps.clock.now().getTime()) return undefined;
  const token = openToken(deps.tokenSecret, row.accessToken);
  // Sealed with another secret (rotated LTI key): expire it so that a refresh may be claimed.
  if (token === undefined) await deps.db.update(gradesServiceTokens).set({ expiresAt: new Date(0) }).where(and(eq(gradesServiceTokens.cacheKey, key), eq(gradesServiceTokens.accessToken, row.accessToken)));
  return token;
}

const tokenKey = (secret: string) => crypto.createHash('sha256').update(`instants grades service tokens\0${secret}`).digest();

/** Cached bearer tokens are stored AES-256-GCM encrypted (iv.tag.ciphertext, base64url): a database dump alone cannot call the platform. */
function sealToken(secret: string, token: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', tokenKey(secret), iv);
  const data = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

function openToken(secret: string, sealed: string): string | undefined {
  try {
    const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
    const decipher = crypto.createDecipheriv('aes-256-gcm', tokenKey(secret), iv!);
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** Builds the signed client assertion (exported for tests of the platform simulator). */
export async function signClientAssertion(creds: ServiceCredentials, deploymentId: string | null, now: Date): Promise<string> {
  // ltijs stores PKCS#1 PEM keys; node reads PKCS#1 and PKCS#8 alike.
  const key = crypto.createPrivateKey(creds.privateKey);
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = {};
  if (deploymentId) claims['https://purl.imsglobal.org/spec/lti/claim/deployment_id'] = deploymentId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: creds.kid })
    .setIssuer(creds.clientId)
    .setSubject(creds.clientId)
    .setAudience(creds.tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .setJti(crypto.randomUUID())
    .sign(key);
}

async function requestToken(deps: ServiceTokenDeps, creds: ServiceCredentials, deploymentId: string | null, scopes: string[]) {
  const assertion = await signClientAssertion(creds, deploymentId, deps.clock.now());
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: scopes.join(' '),
  });
  const res = await (deps.fetch ?? fetch)(creds.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new PlatformAnswerError('token', res.status, text, res.headers.get('retry-after'));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PlatformAnswerError('token', res.status, text, null, 'token endpoint answered with something other than JSON');
  }
  const parsed = TokenAnswerSchema.safeParse(json);
  if (!parsed.success) throw new PlatformAnswerError('token', res.status, text, null, 'token endpoint answer lacks access_token or token_type');
  return parsed.data;
}
