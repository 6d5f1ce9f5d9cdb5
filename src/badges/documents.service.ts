import crypto from 'node:crypto';
import type { DbOrTx } from '../platform/db/client';
import type { Clock } from '../platform/clock';
import { findAward, findClass, listErasedIndexes, listRevoked, maxStatusIndex, type AwardRow, type BadgeClassRow } from './badges.repo';
import { ob2Assertion, ob2BadgeClass, ob2Issuer, ob2RevocationList, ob3Credential, signDataIntegrity, signJwt, statusListCredential } from './credentials';
import type { IssuerDeps } from './issuer';
import { bakePng, bakeSvg } from './baking';
import { rasterise } from './images';

/** The issuer's published documents and an award's downloads, built from the database on request. */
export interface DocumentDeps {
  db: DbOrTx;
  clock: Clock;
  issuer: IssuerDeps;
}

/**
 * The signed status list, kept while nothing changes (revocations, awards, keys): signing canonicalises
 * the whole credential, so it is not redone for every verifier. A cache only: any instance rebuilds it.
 */
export class StatusListCache {
  private entry: { key: string; doc: Record<string, unknown> } | undefined;
  async get(deps: DocumentDeps): Promise<Record<string, unknown>> {
    const [revoked, erased, max] = await Promise.all([listRevoked(deps.db), listErasedIndexes(deps.db), maxStatusIndex(deps.db)]);
    // Awards erased with their earner keep their bit set (src/badges/personal-data.ts).
    const indexes = [...revoked.map((r) => r.statusIndex), ...erased].sort((a, b) => a - b);
    const key = crypto.createHash('sha256').update(JSON.stringify([deps.issuer.keys.current.id, max, indexes])).digest('hex');
    if (this.entry?.key !== key) this.entry = { key, doc: await statusListCredential(deps.issuer, indexes, max, deps.clock.now()) };
    return this.entry.doc;
  }
}

export async function revocationList(deps: DocumentDeps) {
  return ob2RevocationList(deps.issuer, await listRevoked(deps.db));
}

export function issuerProfile(deps: DocumentDeps) {
  return ob2Issuer(deps.issuer);
}

export async function badgeClassDocument(deps: DocumentDeps, id: string): Promise<{ badge: BadgeClassRow; doc: Record<string, unknown> } | undefined> {
  const badge = await findClass(deps.db, id);
  return badge ? { badge, doc: ob2BadgeClass(deps.issuer, badge) } : undefined;
}

export async function awardOf(deps: DocumentDeps, id: string): Promise<{ award: AwardRow; badge: BadgeClassRow } | undefined> {
  return findAward(deps.db, id);
}

export function assertionDocument(deps: DocumentDeps, award: AwardRow) {
  return ob2Assertion(deps.issuer, award);
}

/** The 3.0 credential with its Data Integrity proof (created at the award's date, so downloads are identical). */
export function signedCredential(deps: DocumentDeps, award: AwardRow, badge: BadgeClassRow) {
  return signDataIntegrity(deps.issuer, ob3Credential(deps.issuer, award, badge), award.issuedOn);
}

export function credentialJwt(deps: DocumentDeps, award: AwardRow, badge: BadgeClassRow) {
  return signJwt(deps.issuer, ob3Credential(deps.issuer, award, badge));
}

/** The class image as PNG (an SVG one rasterised), the base of baked PNGs. */
export function classPng(badge: BadgeClassRow): Buffer {
  return badge.imageType === 'image/png' ? badge.image : rasterise(badge.image);
}

/** Baked downloads: 2.0 PNG and SVG carry the hosted assertion URL; the 3.0 PNG carries the signed credential. */
export async function bakedImage(deps: DocumentDeps, award: AwardRow, badge: BadgeClassRow, form: 'png' | 'svg' | 'credential-png'): Promise<{ type: string; body: Buffer; filename: string }> {
  const slug = badge.name.normalize('NFD').replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').toLowerCase().slice(0, 40) || 'badge';
  if (form === 'svg') {
    const svg = badge.imageType === 'image/svg+xml' ? badge.image.toString('utf8') : `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="256" height="256"><image width="256" height="256" xlink:href="data:image/png;base64,${badge.image.toString('base64')}"/></svg>`;
    return { type: 'image/svg+xml', body: Buffer.from(bakeSvg(svg, 'openbadges', deps.issuer.urls.assertion(award.id))), filename: `${slug}.svg` };
  }
  if (form === 'png') return { type: 'image/png', body: bakePng(classPng(badge), 'openbadges', deps.issuer.urls.assertion(award.id)), filename: `${slug}.png` };
  const credential = await signedCredential(deps, award, badge);
  return { type: 'image/png', body: bakePng(classPng(badge), 'openbadgecredential', JSON.stringify(credential)), filename: `${slug}-ob3.png` };
}
