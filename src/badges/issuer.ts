import type { Config } from '../platform/config';
import type { IssuerKeys } from './keys';

/** The stable public addresses of the issuer's documents (Open Badges 2.0 hosted verification and 3.0). */
export function badgeUrls(publicUrl: string) {
  const base = `${publicUrl}/badges`;
  return {
    issuer: `${base}/issuer`,
    issuerImage: `${base}/issuer/image`,
    badgeClass: (id: string) => `${base}/classes/${id}`,
    classImage: (id: string) => `${base}/classes/${id}/image`,
    assertion: (id: string) => `${base}/assertions/${id}`,
    bakedPng: (id: string) => `${base}/assertions/${id}/badge.png`,
    bakedSvg: (id: string) => `${base}/assertions/${id}/badge.svg`,
    credential: (id: string) => `${base}/assertions/${id}/credential.json`,
    credentialJwt: (id: string) => `${base}/assertions/${id}/credential.jwt`,
    revocations: `${base}/revocations`,
    statusList: `${base}/status/1`,
    did: `${base}/did.json`,
    jwks: `${base}/jwks.json`,
    verify: `${base}/verify`,
  };
}
export type BadgeUrls = ReturnType<typeof badgeUrls>;

/** What every issuing function needs: addresses, issuer profile, keys. */
export interface IssuerDeps {
  urls: BadgeUrls;
  profile: Config['badges'];
  keys: IssuerKeys;
  /** The xAPI base IRI (competence activity IRIs serve as alignment targets). */
  baseIri: string;
}

/** The did:web document: every key, old ones included, may assert (sign) credentials. */
export function didDocument(d: IssuerDeps): Record<string, unknown> {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: d.keys.did,
    verificationMethod: d.keys.all.map((k) => verificationMethod(d, k.id)),
    assertionMethod: d.keys.all.map((k) => k.id),
  };
}

/** One verification method (Multikey), as the did document lists it and as a document of its own. */
export function verificationMethod(d: IssuerDeps, id: string, withContext = false): Record<string, unknown> | undefined {
  const key = d.keys.all.find((k) => k.id === id);
  if (!key) return undefined;
  return { ...(withContext ? { '@context': 'https://w3id.org/security/multikey/v1' } : {}), id: key.id, type: 'Multikey', controller: d.keys.did, publicKeyMultibase: key.publicKeyMultibase };
}

/** The JWKS: the same keys for VC-JWT verifiers, `kid` being the verification method id. */
export function jwks(d: IssuerDeps): { keys: Array<Record<string, string>> } {
  return { keys: d.keys.all.map((k) => ({ ...k.publicJwk })) };
}

/** The Open Badges 2.0 Issuer (Profile), hosted. */
export function ob2Issuer(d: IssuerDeps): Record<string, unknown> {
  return {
    '@context': 'https://w3id.org/openbadges/v2',
    type: 'Issuer',
    id: d.urls.issuer,
    name: d.profile.issuerName,
    url: d.profile.issuerUrl,
    email: d.profile.issuerEmail,
    image: d.urls.issuerImage,
    revocationList: d.urls.revocations,
  };
}

/** The Open Badges 3.0 issuer Profile embedded in each credential: the DID, so verifiers find the keys. */
export function ob3Issuer(d: IssuerDeps): Record<string, unknown> {
  return { id: d.keys.did, type: ['Profile'], name: d.profile.issuerName, url: d.profile.issuerUrl, email: d.profile.issuerEmail };
}
