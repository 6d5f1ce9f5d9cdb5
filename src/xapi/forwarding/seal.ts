import crypto from 'node:crypto';

/**
 * The identifier an erasure request carries while it waits in the outbox, sealed (AES-256-GCM, key derived
 * from the LTI key outside the database), so the outbox never holds an erased person's identifier in clear.
 */

const keyOf = (ltiKey: string) => Buffer.from(crypto.hkdfSync('sha256', ltiKey, 'instants', 'xapi-erasure-requests', 32));

export function seal(ltiKey: string, value: unknown): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', keyOf(ltiKey), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.');
}

/** Opens what `seal` produced; throws when the key changed or the value was tampered with. */
export function unseal(ltiKey: string, sealed: string): unknown {
  const [iv, tag, data] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !data) throw new Error('malformed sealed value');
  const decipher = crypto.createDecipheriv('aes-256-gcm', keyOf(ltiKey), iv);
  decipher.setAuthTag(tag);
  return JSON.parse(Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8'));
}
