import crypto from 'node:crypto';

/**
 * Pseudonymous identifiers: the learner in statements is `account { homePage: issuer, name: HMAC }`, with a
 * key kept outside the database, so the LRS and forwarding destinations never see an LMS user id.
 */

/** HMAC-SHA256 (hex) of issuer + sub under the pseudonym key; a NUL separates them so no two pairs collide. */
export function pseudonymOf(pseudonymKey: string, issuer: string, sub: string): string {
  return crypto.createHmac('sha256', pseudonymKey).update(`${issuer}\u0000${sub}`).digest('hex');
}

// Fixed namespace for the name-based UUIDs of Instants (a random v4 drawn once for this purpose).
const NAMESPACE = Buffer.from('6b2f3c1e8a4d4f0b9e7a5c3d1f2e4a6b', 'hex');

/** RFC 4122 version 5 UUID of `name` in the Instants namespace. */
export function uuidV5(name: string): string {
  const hash = crypto.createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The xAPI registration of one participant in one session: the same for every statement of that pair,
 * derived from the pseudonym (not the LMS id) so it reveals nothing without the key.
 */
export function registrationOf(pseudonym: string, sessionId: string): string {
  return uuidV5(`registration\u0000${pseudonym}\u0000${sessionId}`);
}
