import crypto from 'node:crypto';
import XAPI from '@xapi/xapi';
import { createCredential, type Scope } from '../../src/lrs/credentials.service';
import { createTestApp, type TestApp } from '../support/app';

/** Helpers of the LRS tests: an app with a credential, the @xapi/xapi client, and raw requests. */

export interface LrsTestApp extends TestApp {
  key: string;
  secret: string;
  auth: string;
  /** A raw request to /xapi with credentials and a version header unless overridden (null removes one). */
  xapi(path: string, init?: { method?: string; headers?: Record<string, string | null>; body?: BodyInit | Uint8Array }): Promise<Response>;
  /** Another credential's Authorization header. */
  credential(scopes: Scope[], name?: string): Promise<string>;
}

export const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

export async function startLrs(env: Record<string, string> = {}): Promise<LrsTestApp> {
  const t = await createTestApp({ env });
  const { key, secret } = await createCredential(t.database.db, { name: 'Tests', scopes: ['all'] });
  const auth = basic(key, secret);
  return Object.assign(t, {
    key,
    secret,
    auth,
    async xapi(path: string, init: { method?: string; headers?: Record<string, string | null>; body?: BodyInit | Uint8Array } = {}) {
      const headers: Record<string, string> = {};
      const given = { authorization: auth, 'x-experience-api-version': '1.0.3', ...Object.fromEntries(Object.entries(init.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])) };
      for (const [k, v] of Object.entries(given)) if (v !== null) headers[k] = v;
      return fetch(`${t.url}/xapi${path}`, { method: init.method ?? 'GET', headers, body: init.body as BodyInit | undefined });
    },
    async credential(scopes: Scope[], name = 'Other') {
      const c = await createCredential(t.database.db, { name, scopes });
      return basic(c.key, c.secret);
    },
  });
}

/** The third-party client, speaking 1.0.3 to our LRS. */
export function client(t: LrsTestApp, auth = t.auth): XAPI {
  return new XAPI({ endpoint: `${t.url}/xapi/`, auth, version: '1.0.3', adapter: 'fetch' });
}

let n = 0;
/** A valid statement; every call gives a new actor unless overridden. */
export function aStatement(over: Record<string, unknown> = {}): Record<string, unknown> {
  n += 1;
  return {
    actor: { objectType: 'Agent', mbox: `mailto:personne${n}-${process.pid}@ac-dijon.fr`, name: `Personne ${n}` },
    verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'fr-FR': 'a participé', 'en-US': 'attended' } },
    object: { objectType: 'Activity', id: 'https://instants.ac-dijon.fr/sessions/osm', definition: { name: { 'fr-FR': 'Instant OpenStreetMap', 'en-US': 'OpenStreetMap instant' } } },
    ...over,
  };
}

export const json = (body: unknown) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The parts of a multipart/mixed answer, split independently of the LRS's own parser (RFC 2046: CRLF before each delimiter). */
export function splitMultipart(body: Buffer, contentType: string): Array<{ headers: Record<string, string>; body: Buffer }> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const text = body.toString('latin1');
  const start = text.indexOf(`--${boundary}\r\n`);
  const end = text.lastIndexOf(`\r\n--${boundary}--`);
  if (start !== 0 || end < 0) throw new Error('not a well-formed multipart body');
  return text
    .slice(start + boundary.length + 4, end)
    .split(`\r\n--${boundary}\r\n`)
    .map((raw) => {
      const split = raw.indexOf('\r\n\r\n');
      const headers = Object.fromEntries(raw.slice(0, split).split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      return { headers, body: Buffer.from(raw.slice(split + 4), 'latin1') };
    });
}

/** SHA-256 in hex, as X-Experience-API-Hash carries it. */
export const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
/** An attachment object declaring `content`. */
export const attachment = (content: Buffer, over: Record<string, unknown> = {}) => ({
  usageType: 'http://id.tincanapi.com/attachment/supporting_media',
  display: { 'fr-FR': 'Support', 'en-US': 'Slides' },
  contentType: 'text/plain',
  length: content.length,
  sha2: sha(content),
  ...over,
});

/** A multipart/mixed statement request with attachment parts (headers overridable per part). */
export function multipart(statement: unknown, parts: Array<{ content: Buffer; headers?: Record<string, string> }>, boundary = 'xapi-test-boundary') {
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statement)}\r\n`)];
  for (const p of parts) {
    const headers = { 'Content-Type': 'text/plain', 'Content-Transfer-Encoding': 'binary', 'X-Experience-API-Hash': sha(p.content), ...p.headers };
    chunks.push(Buffer.from(`--${boundary}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`), p.content, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { headers: { 'content-type': `multipart/mixed; boundary=${boundary}` }, body: Buffer.concat(chunks) };
}
