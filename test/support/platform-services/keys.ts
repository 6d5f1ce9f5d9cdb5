import crypto from 'node:crypto';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';

/** A tool key pair as the lti slice would hold it: kid, PKCS#8 PEM and the public JWKS. */
export interface ToolKey {
  kid: string;
  privateKey: string;
  jwks: { keys: Array<Record<string, unknown>> };
}

/** Generates an RSA key for a tool (2048 bits: enough for tests, faster than ltijs's 4096). */
export async function makeToolKey(): Promise<ToolKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = crypto.randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey: await exportPKCS8(privateKey), jwks: { keys: [jwk] } };
}
