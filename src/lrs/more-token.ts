import crypto from 'node:crypto';
import { bad } from './http';

/**
 * The `more` token of GET /xapi/statements (Data §2.5, StatementResult): the query's parameters and the
 * keyset position after the last statement sent, as base64url JSON followed by an HMAC-SHA256 of it under a
 * key derived from a server secret. A token not signed by us, or signed but not well formed, is a 400: its
 * values never reach SQL unchecked.
 */

export interface MoreToken {
  /** The parameters of the first request (format and attachments included), without `more`. */
  p: Record<string, string>;
  /** `stored` of the last statement sent, as an ISO instant. */
  s: string;
  /** `seq` of the last statement sent. */
  q: number;
}

const keyOf = (secret: string) => Buffer.from(crypto.hkdfSync('sha256', secret, 'instants', 'xapi-more-token', 32));
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Signs a token. */
export function signMore(secret: string, token: MoreToken): string {
  const body = Buffer.from(JSON.stringify(token)).toString('base64url');
  const mac = crypto.createHmac('sha256', keyOf(secret)).update(body).digest('base64url');
  return `${body}.${mac}`;
}

/** Checks a token's signature, then its shape; throws a 400 for anything else. */
export function verifyMore(secret: string, text: string): MoreToken {
  const dot = text.indexOf('.');
  const body = dot > 0 ? text.slice(0, dot) : '';
  const mac = dot > 0 ? Buffer.from(text.slice(dot + 1), 'base64url') : Buffer.alloc(0);
  const expected = crypto.createHmac('sha256', keyOf(secret)).update(body).digest();
  if (mac.length !== expected.length || !crypto.timingSafeEqual(mac, expected)) throw bad('Invalid more token: it was not issued by this LRS');
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw bad('Invalid more token');
  }
  const t = token as Partial<MoreToken> | null;
  const params = t?.p;
  const validParams = typeof params === 'object' && params !== null && !Array.isArray(params) && Object.values(params).every((v) => typeof v === 'string');
  const validPosition = typeof t?.s === 'string' && ISO_INSTANT.test(t.s) && !Number.isNaN(Date.parse(t.s)) && Number.isSafeInteger(t.q) && (t.q as number) > 0;
  if (!validParams || !validPosition) throw bad('Invalid more token');
  return t as MoreToken;
}
