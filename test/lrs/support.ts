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
