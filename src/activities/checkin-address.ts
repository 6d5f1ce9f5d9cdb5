import crypto from 'node:crypto';
import type { Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import type { CatalogSession } from './catalog.port';
import { ensureCheckinLink, isLinkOfSession } from './checkin-links.repo';

/** The QR code's short address, `/c/<key>?c=<code>` (about 45 characters with the host: a small QR code; the code rides in the query, which logs leave out). */

const KEY_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const KEY_RE = /^[A-HJ-NP-Z2-9]{8}$/;
const CODE_RE = /^[A-Z0-9]{4,10}$/;

const drawKey = () => Array.from({ length: 8 }, () => KEY_ALPHABET[crypto.randomInt(KEY_ALPHABET.length)]).join('');

/** The path of a session's QR code, for the activity the organiser launched from when it is this session's. */
export async function checkinPath(db: DbOrTx, session: CatalogSession, actor: Actor, code: string): Promise<string> {
  const link = actor.resourceLinkRef && (await isLinkOfSession(db, actor.resourceLinkRef, session.id)) ? actor.resourceLinkRef : null;
  // A key drawn again on the rare collision with another session's key.
  for (let tries = 0; tries < 5; tries++) {
    const key = await ensureCheckinLink(db, session.id, link, drawKey());
    if (key) return `/c/${key}?c=${code}`;
  }
  throw new Error('No free check-in key after 5 draws');
}

/** A scanned address, read case-insensitively (phones may change the case); undefined when malformed. */
export function parseScan(key: string, code: string): { key: string; code: string } | undefined {
  const k = key.toUpperCase();
  const c = code.toUpperCase();
  return KEY_RE.test(k) && CODE_RE.test(c) ? { key: k, code: c } : undefined;
}
