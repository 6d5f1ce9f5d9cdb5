import { BitstringStatusList } from '@digitalbazaar/vc-bitstring-status-list';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { SignJWT } from 'jose';
import type { AwardRow, BadgeClassRow, Competence } from './badges.repo';
import { didDocument, ob2Issuer, ob3Issuer, verificationMethod, type IssuerDeps } from './issuer';
import { documentLoader } from './jsonld-loader';

/** The JSON-LD documents of an award: Open Badges 2.0 (hosted) and Open Badges 3.0 (signed credential). */

export const OB2_CONTEXT = 'https://w3id.org/openbadges/v2';
export const VC2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB3_SCHEMA = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
/** The spec's minimum list length (W3C Bitstring Status List: 16 KB), so one revocation reveals nobody. */
const STATUS_LIST_MIN = 131072;

const seconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const competencesOf = (b: BadgeClassRow) => (Array.isArray(b.competences) ? (b.competences as Competence[]) : []);
const competenceIri = (d: IssuerDeps, c: Competence) => `${d.baseIri}/competences/${encodeURIComponent(c.framework)}/${encodeURIComponent(c.code)}`;

/** The 2.0 BadgeClass. */
export function ob2BadgeClass(d: IssuerDeps, b: BadgeClassRow): Record<string, unknown> {
  return {
    '@context': OB2_CONTEXT,
    type: 'BadgeClass',
    id: d.urls.badgeClass(b.id),
    name: b.name,
    description: b.description,
    image: d.urls.classImage(b.id),
    criteria: { narrative: b.criteria },
    issuer: d.urls.issuer,
    alignment: competencesOf(b).map((c) => ({ targetName: `${c.code} ${c.title}`, targetUrl: competenceIri(d, c), targetFramework: c.framework.toUpperCase(), targetCode: c.code })),
  };
}

/** The 2.0 Assertion (hosted verification), or the short revoked form served with 410. */
export function ob2Assertion(d: IssuerDeps, a: AwardRow): Record<string, unknown> {
  if (a.revokedAt) return { '@context': OB2_CONTEXT, id: d.urls.assertion(a.id), type: 'Assertion', revoked: true, revocationReason: a.revocationReason ?? '' };
  return {
    '@context': OB2_CONTEXT,
    type: 'Assertion',
    id: d.urls.assertion(a.id),
    recipient: { type: a.recipientType, hashed: true, salt: a.recipientSalt, identity: a.recipientHash },
    badge: d.urls.badgeClass(a.badgeClassId),
    verification: { type: 'HostedBadge' },
    issuedOn: seconds(a.issuedOn),
    image: d.urls.bakedPng(a.id),
    ...(a.reason ? { narrative: a.reason } : {}),
  };
}

/** The 2.0 revocation list of the issuer. */
export function ob2RevocationList(d: IssuerDeps, revoked: Array<{ id: string; reason: string | null }>): Record<string, unknown> {
  return {
    '@context': OB2_CONTEXT,
    id: d.urls.revocations,
    type: 'RevocationList',
    issuer: d.urls.issuer,
    revokedAssertions: revoked.map((r) => ({ id: d.urls.assertion(r.id), revocationReason: r.reason ?? '' })),
  };
}

export { ob2Issuer };

/** The unsigned 3.0 OpenBadgeCredential (VC Data Model 2.0) of an award. */
export function ob3Credential(d: IssuerDeps, a: AwardRow, b: BadgeClassRow): Record<string, unknown> {
  return {
    '@context': [VC2_CONTEXT, OB3_CONTEXT],
    id: `urn:uuid:${a.id}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    issuer: ob3Issuer(d),
    validFrom: seconds(a.issuedOn),
    name: b.name,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [{ type: 'IdentityObject', identityHash: a.recipientHash, identityType: a.recipientType === 'email' ? 'emailAddress' : 'ext:url', hashed: true, salt: a.recipientSalt }],
      achievement: {
        id: d.urls.badgeClass(b.id),
        type: ['Achievement'],
        name: b.name,
        description: b.description,
        criteria: { narrative: b.criteria },
        image: { id: d.urls.classImage(b.id), type: 'Image' },
        ...(competencesOf(b).length
          ? { alignment: competencesOf(b).map((c) => ({ type: ['Alignment'], targetName: `${c.code} ${c.title}`, targetUrl: competenceIri(d, c), targetFramework: c.framework.toUpperCase(), targetCode: c.code })) }
          : {}),
      },
    },
    credentialStatus: {
      id: `${d.urls.statusList}#${a.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(a.statusIndex),
      statusListCredential: d.urls.statusList,
    },
    // 'JsonSchema' (VC Data Model 2.0): the spec examples' '1EdTechJsonSchemaValidator2019' is defined by no context, so JSON-LD safe mode refuses it.
    credentialSchema: [{ id: OB3_SCHEMA, type: 'JsonSchema' }],
  };
}

/** Our own documents for the loader: the did:web document and its verification methods. */
export function ownDocuments(d: IssuerDeps, extra: (url: string) => Promise<object | undefined> = async () => undefined) {
  return async (url: string): Promise<object | undefined> => {
    if (url === d.keys.did) return didDocument(d);
    if (url.startsWith(`${d.keys.did}#`)) return verificationMethod(d, url, true);
    return extra(url);
  };
}

/** Signs a credential with the current key: a Data Integrity proof, cryptosuite eddsa-rdfc-2022. */
export async function signDataIntegrity(d: IssuerDeps, credential: Record<string, unknown>, created?: Date): Promise<Record<string, unknown>> {
  const suite = new DataIntegrityProof({ signer: d.keys.current.keyPair.signer(), cryptosuite, ...(created ? { date: created } : {}) });
  return vc.issue({ credential, suite, documentLoader: documentLoader(ownDocuments(d)) });
}

/**
 * The VC-JWT form (compact JWS, EdDSA): `vc` is the credential, `iss` its issuer, `jti` its id, `nbf` its
 * validFrom, `sub` the recipient's hashed identity (the subject has no id of its own).
 */
export async function signJwt(d: IssuerDeps, credential: Record<string, unknown>): Promise<string> {
  const subject = credential.credentialSubject as { identifier: Array<{ identityHash: string }> };
  return new SignJWT({ vc: credential })
    .setProtectedHeader({ alg: 'EdDSA', kid: d.keys.current.id, typ: 'JWT' })
    .setIssuer(d.keys.did)
    .setJti(String(credential.id))
    .setNotBefore(Math.floor(Date.parse(String(credential.validFrom)) / 1000))
    .setIssuedAt(Math.floor(Date.parse(String(credential.validFrom)) / 1000))
    .setSubject(subject.identifier[0]!.identityHash)
    .sign(d.keys.current.privateKey);
}

/** The signed BitstringStatusListCredential: one bit per award, set when revoked. */
export async function statusListCredential(d: IssuerDeps, revokedIndexes: number[], maxIndex: number, now: Date): Promise<Record<string, unknown>> {
  const length = Math.max(STATUS_LIST_MIN, Math.ceil((maxIndex + 1) / 8) * 8);
  const list = new BitstringStatusList({ length });
  for (const i of revokedIndexes) list.setStatus(i, true);
  const credential = {
    '@context': [VC2_CONTEXT],
    id: d.urls.statusList,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: d.keys.did,
    validFrom: seconds(now),
    credentialSubject: { id: `${d.urls.statusList}#list`, type: 'BitstringStatusList', statusPurpose: 'revocation', encodedList: await list.encode() },
  };
  return signDataIntegrity(d, credential, now);
}
