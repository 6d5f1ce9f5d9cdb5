import crypto from 'node:crypto';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { findAward, findAwardByStatusIndex, isUuid, type AwardRow, type BadgeClassRow } from './badges.repo';
import { isPng, unbakePng, unbakeSvg } from './baking';
import { ownDocuments } from './credentials';
import { isPublic } from './manage.service';
import type { DocumentDeps } from './documents.service';
import { jwks } from './issuer';
import { parseTimestamp } from '../platform/input-hygiene';
import { documentLoader } from './jsonld-loader';

/**
 * Verification of a badge given as a URL, a pasted text or an uploaded file (baked PNG or SVG, JSON, JWT).
 * Nothing is fetched from the network: badges of this issuer are checked against its database and keys;
 * others are reported as from an unknown issuer. Each problem is a locale key under `badges.verify.problems`.
 */
export type Problem =
  | 'unreadable'
  | 'not_a_badge'
  | 'unknown_issuer'
  | 'unknown_assertion'
  | 'not_public'
  | 'tampered'
  | 'signature'
  | 'not_yet_valid'
  | 'expired'
  | 'revoked';

export interface Verification {
  valid: boolean;
  format: 'ob2' | 'ob3' | 'ob3-jwt' | null;
  problems: Problem[];
  badge?: { name: string; id: string };
  issuer?: string;
  recipient?: { type: string; hash: string; salt: string };
  issuedOn?: Date;
  revocationReason?: string | null;
  /** Whether the e-mail address given with the request is the recipient's (hash and salt compared). */
  emailMatches?: boolean;
}

export const MAX_UPLOAD_BYTES = 1024 * 1024;
type Json = Record<string, unknown>;
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What the request carries, in order of preference: a file, a pasted text, a URL. */
export async function verifyBadge(deps: DocumentDeps, input: { url?: string; text?: string; file?: Buffer; email?: string }): Promise<Verification> {
  const result = await verifyPayload(deps, payloadOf(input));
  if (input.email && result.recipient) {
    const candidate = crypto.createHash('sha256').update(input.email.trim().toLowerCase() + result.recipient.salt, 'utf8').digest('hex');
    result.emailMatches = result.recipient.hash.toLowerCase() === `sha256$${candidate}`;
  }
  return result;
}

function payloadOf(input: { url?: string; text?: string; file?: Buffer }): string | undefined {
  if (input.file && input.file.length) {
    if (isPng(input.file)) {
      try {
        const baked = unbakePng(input.file);
        return baked.openbadgecredential ?? baked.openbadges ?? '';
      } catch {
        return undefined;
      }
    }
    const text = input.file.toString('utf8');
    if (/<svg[\s>]/.test(text)) {
      const baked = unbakeSvg(text);
      return baked.openbadgecredential ?? baked.openbadges ?? '';
    }
    return text.trim();
  }
  return (input.text?.trim() || input.url?.trim()) ?? '';
}

async function verifyPayload(deps: DocumentDeps, payload: string | undefined): Promise<Verification> {
  if (payload === undefined) return fail(null, 'unreadable');
  if (payload === '') return fail(null, 'not_a_badge');
  if (JWT.test(payload)) return verifyJwt(deps, payload);
  if (payload.startsWith('{')) {
    let doc: Json;
    try {
      doc = JSON.parse(payload) as Json;
    } catch {
      return fail(null, 'unreadable');
    }
    const types = ([] as unknown[]).concat(doc.type ?? []);
    if (types.includes('VerifiableCredential')) return verifyDataIntegrity(deps, doc);
    if (types.includes('Assertion')) return verifyHosted(deps, String(doc.id ?? ''), doc);
    return fail(null, 'not_a_badge');
  }
  if (/^https?:\/\//i.test(payload)) return verifyHosted(deps, payload, undefined);
  return fail(null, 'not_a_badge');
}

const fail = (format: Verification['format'], ...problems: Problem[]): Verification => ({ valid: false, format, problems });

function describe(format: Verification['format'], deps: DocumentDeps, award: AwardRow, badge: BadgeClassRow, problems: Problem[]): Verification {
  if (award.revokedAt) problems.push('revoked');
  return {
    valid: problems.length === 0,
    format,
    problems,
    badge: { name: badge.name, id: deps.issuer.urls.badgeClass(badge.id) },
    issuer: deps.issuer.profile.issuerName,
    recipient: { type: award.recipientType, hash: award.recipientHash, salt: award.recipientSalt },
    issuedOn: award.issuedOn,
    revocationReason: award.revokedAt ? award.revocationReason : undefined,
  };
}

/** The award id of one of our assertion URLs (or a download beside it), if it is one. */
function awardIdOf(deps: DocumentDeps, url: string): string | undefined {
  const prefix = deps.issuer.urls.assertion('');
  if (!url.startsWith(prefix)) return undefined;
  const id = url.slice(prefix.length).split(/[/?#]/)[0] ?? '';
  return isUuid(id) ? id.toLowerCase() : undefined;
}

/** 2.0 hosted verification: the assertion must be ours and, when given whole, match the hosted one. */
async function verifyHosted(deps: DocumentDeps, url: string, given: Json | undefined): Promise<Verification> {
  const id = awardIdOf(deps, url);
  if (!id) return fail('ob2', 'unknown_issuer');
  const found = await findAward(deps.db, id);
  if (!found) return fail('ob2', 'unknown_assertion');
  // Hosted verification reads what the issuer publishes: nothing of a badge its earner keeps private.
  if (!found.award.revokedAt && !(await isPublic(deps, found.award))) return fail('ob2', 'not_public');
  const problems: Problem[] = [];
  if (given) {
    const r = given.recipient as Json | undefined;
    if (r?.identity !== found.award.recipientHash || r?.salt !== found.award.recipientSalt || given.badge !== deps.issuer.urls.badgeClass(found.badge.id)) problems.push('tampered');
  }
  return describe('ob2', deps, found.award, found.badge, problems);
}

const instant = (v: unknown) => (typeof v === 'string' ? parseTimestamp(v, { requireOffset: true })?.date : undefined);

function datesOf(doc: Json, now: Date): Problem[] {
  const problems: Problem[] = [];
  const from = instant(doc.validFrom);
  if (!from || from > now) problems.push(from ? 'not_yet_valid' : 'tampered');
  const until = doc.validUntil === undefined ? undefined : instant(doc.validUntil);
  if (doc.validUntil !== undefined && (!until || until <= now)) problems.push(until ? 'expired' : 'tampered');
  return problems;
}

/** The award behind a 3.0 credential of ours: by its status list index, and it must be the same award. */
async function awardOfCredential(deps: DocumentDeps, doc: Json) {
  const index = Number((doc.credentialStatus as Json | undefined)?.statusListIndex);
  const found = Number.isInteger(index) ? await findAwardByStatusIndex(deps.db, index) : undefined;
  return found && doc.id === `urn:uuid:${found.award.id}` ? found : undefined;
}

/** 3.0 with a Data Integrity proof: our issuer, valid dates, proof verified with our published keys, not revoked. */
async function verifyDataIntegrity(deps: DocumentDeps, doc: Json): Promise<Verification> {
  const issuerId = typeof doc.issuer === 'string' ? doc.issuer : (doc.issuer as Json | undefined)?.id;
  if (issuerId !== deps.issuer.keys.did) return fail('ob3', 'unknown_issuer');
  const now = deps.clock.now();
  const problems = datesOf(doc, now);
  // Dates are reported apart: the proof is checked as of the credential's own start, so both are told.
  const at = problems.length ? (instant(doc.validFrom) ?? now) : now;
  let verified: boolean;
  try {
    // Revocation is read from our own records below (the status list is built from them).
    const r = await vc.verifyCredential({ credential: doc, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: documentLoader(ownDocuments(deps.issuer)), now: at, checkStatus: async () => ({ verified: true }) });
    verified = r.verified;
  } catch {
    verified = false;
  }
  if (!verified) problems.push('signature');
  const found = await awardOfCredential(deps, doc);
  if (!found) return { ...fail('ob3', ...problems, ...(verified ? ['unknown_assertion' as const] : [])) };
  return describe('ob3', deps, found.award, found.badge, problems);
}

/** 3.0 as VC-JWT: EdDSA signature by one of our keys, `iss`/`jti`/`nbf` matching the credential, not revoked. */
async function verifyJwt(deps: DocumentDeps, token: string): Promise<Verification> {
  let payload: Json;
  const problems: Problem[] = [];
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(jwks(deps.issuer) as never), { algorithms: ['EdDSA'], currentDate: deps.clock.now() }));
  } catch (err) {
    if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'nbf') return fail('ob3-jwt', 'not_yet_valid');
    if (err instanceof joseErrors.JWTExpired) return fail('ob3-jwt', 'expired');
    if (err instanceof joseErrors.JWKSNoMatchingKey) return fail('ob3-jwt', 'unknown_issuer');
    if (err instanceof joseErrors.JOSEError && !(err instanceof joseErrors.JWSInvalid) && !(err instanceof joseErrors.JWTInvalid)) return fail('ob3-jwt', 'signature');
    return fail('ob3-jwt', 'unreadable');
  }
  const credential = payload.vc as Json | undefined;
  if (!credential || typeof credential !== 'object') return fail('ob3-jwt', 'not_a_badge');
  const issuerId = typeof credential.issuer === 'string' ? credential.issuer : (credential.issuer as Json | undefined)?.id;
  if (payload.iss !== deps.issuer.keys.did || issuerId !== payload.iss || payload.jti !== credential.id) problems.push('tampered');
  problems.push(...datesOf(credential, deps.clock.now()));
  const found = await awardOfCredential(deps, credential);
  if (!found) return fail('ob3-jwt', ...problems, 'unknown_assertion');
  return describe('ob3-jwt', deps, found.award, found.badge, problems);
}
