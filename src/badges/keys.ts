import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { Ed25519KeyPair } from '@digitalbazaar/ed25519-multikey';
import { z } from 'zod';
import type { Config } from '../platform/config';

/**
 * The issuer's Ed25519 signing keys. Each key is the base64url of its 32-byte seed; the first signs, the
 * others stay published (did:web document and JWKS) so that badges signed before a rotation still verify.
 * In production they come from BADGE_SIGNING_KEYS; otherwise they are generated on first start into
 * DATA_DIR/badge-keys.json (mode 0600), like the other secrets.
 */
export interface SigningKey {
  /** The verification method id: `<issuer DID>#<publicKeyMultibase>`. */
  id: string;
  publicKeyMultibase: string;
  /** For the Data Integrity proof (eddsa-rdfc-2022). */
  keyPair: Ed25519KeyPair;
  /** For VC-JWT (EdDSA) and the JWKS. */
  privateKey: crypto.KeyObject;
  publicJwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' };
}

export interface IssuerKeys {
  did: string;
  /** Newest first: `current` is `all[0]`. */
  current: SigningKey;
  all: SigningKey[];
}

const FILE = 'badge-keys.json';
const KeysFileSchema = z.object({ keys: z.array(z.string().regex(/^[A-Za-z0-9_-]{43}$/)).min(1) });
// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The did:web identifier of the issuer for a public URL: its host (port escaped) and path, then `badges`. */
export function issuerDid(publicUrl: string): string {
  const u = new URL(publicUrl);
  const parts = [encodeURIComponent(u.host), ...u.pathname.split('/').filter(Boolean).map(encodeURIComponent), 'badges'];
  return `did:web:${parts.join(':')}`;
}

/** A fresh seed, as BADGE_SIGNING_KEYS and badge-keys.json hold it. */
export function newSeed(): string {
  return crypto.randomBytes(32).toString('base64url');
}

async function keyOf(did: string, seed: string): Promise<SigningKey> {
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, Buffer.from(seed, 'base64url')]), format: 'der', type: 'pkcs8' });
  const jwk = privateKey.export({ format: 'jwk' }) as { x: string; d: string };
  const probe = await Ed25519Multikey.fromJwk({ jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, controller: did });
  const id = `${did}#${probe.publicKeyMultibase}`;
  const keyPair = await Ed25519Multikey.fromJwk({ jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, secretKey: true, id, controller: did });
  return { id, publicKeyMultibase: keyPair.publicKeyMultibase, keyPair, privateKey, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: id, alg: 'EdDSA', use: 'sig' } };
}

/** Seeds from the configuration, or from the data directory (created with one fresh key when absent). */
export function loadSeeds(config: Config): string[] {
  if (config.badges.signingKeys.length) return config.badges.signingKeys;
  const file = path.join(config.dataDir, FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    try {
      // `wx`: when two processes start together, one creates the file and the other reads it.
      fs.writeFileSync(file, JSON.stringify({ keys: [newSeed()] }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const parsed = KeysFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a valid badge keys file; restore it from a backup (removing it makes every badge issued so far unverifiable)`);
  return parsed.data.keys;
}

/** Builds the issuer's keys from seeds (newest first). */
export async function issuerKeys(publicUrl: string, seeds: string[]): Promise<IssuerKeys> {
  const did = issuerDid(publicUrl);
  const all = await Promise.all(seeds.map((s) => keyOf(did, s)));
  return { did, current: all[0]!, all };
}
