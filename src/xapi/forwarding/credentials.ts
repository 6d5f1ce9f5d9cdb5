import crypto from 'node:crypto';

/**
 * Destination credentials at rest: AES-256-GCM under a key derived (HKDF) from the LTI key, which lives
 * outside the database, so a database dump alone does not reveal an external LRS's secret.
 */

function keyOf(ltiKey: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', ltiKey, 'instants', 'xapi-destination-credentials', 32));
}

/** Encrypts an Authorization header value; the result is `iv.tag.ciphertext` in base64url. */
export function encryptAuth(ltiKey: string, authorization: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyOf(ltiKey), iv);
  const data = Buffer.concat([cipher.update(authorization, 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

/** Decrypts what `encryptAuth` produced; throws when the key changed or the value was tampered with. */
export function decryptAuth(ltiKey: string, stored: string): string {
  const [iv, tag, data] = stored.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !data) throw new Error('malformed encrypted credentials');
  const decipher = crypto.createDecipheriv('aes-256-gcm', keyOf(ltiKey), iv);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
}

/** The HTTP Basic Authorization header for an LRS key and secret. */
export function basicAuth(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`, 'utf8').toString('base64')}`;
}
