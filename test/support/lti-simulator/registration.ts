import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

/**
 * Moodle's side of LTI Dynamic Registration, as Moodle 4.5 does it (`mod/lti/startltiadvregistration.php`,
 * `openid-configuration.php`, `openid-registration.php`, `registration_helper.php`): the administrator's
 * tool URL gets `openid_configuration` and a one-hour `registration_token` appended (a token scoped `reg`
 * for a new tool, `reg-update` naming the tool type for Moodle's "update"); the configuration's issuer is
 * the site's wwwroot; a registration creates a pending tool type whose id is the deployment id, and an
 * update keeps the tool's client id. The registration page is shown in an iframe of Moodle's page, which
 * waits for the tool's `org.imsglobal.lti.close` message.
 */
export interface MoodleRegistrar {
  /** The site's wwwroot (= issuer), on `hostname` (use `localhost` to be cross-site from 127.0.0.1). */
  url: string;
  /** Tool types created or updated, newest last. */
  types: Array<{ id: number; clientId: string; registration: Record<string, unknown>; updates: number }>;
  /** Requests received per path (to prove that a refused registration fetched nothing). */
  hits: Map<string, number>;
  /** The URL Moodle redirects the admin's frame to, for a new tool or an update of tool type `updateOf`. */
  startUrl(toolUrl: string, options?: { updateOf?: number }): string;
  /** Moodle's "Manage tools" page framing the registration (`?url=` the tool URL, `&update=` a type id). */
  adminPageUrl(toolUrl: string, options?: { updateOf?: number }): string;
  /** Lets the configuration say something else (issuer, endpoints) for refusal tests. */
  configure(overrides: Record<string, unknown>): void;
  close(): Promise<void>;
}

export async function startMoodleRegistrar(options: { hostname?: string } = {}): Promise<MoodleRegistrar> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://${options.hostname ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, { scope: 'reg' | 'reg-update'; sub: string; exp: number }>();
  const types: MoodleRegistrar['types'] = [];
  const hits = new Map<string, number>();
  let overrides: Record<string, unknown> = {};
  app.use((req, _res, next) => {
    hits.set(req.path, (hits.get(req.path) ?? 0) + 1);
    next();
  });
  app.use(express.json({ limit: '100kb' }));
  const start = (toolUrl: string, updateOf?: number) => {
    const token = crypto.randomBytes(16).toString('hex');
    tokens.set(token, updateOf ? { scope: 'reg-update', sub: String(updateOf), exp: Date.now() + 3600_000 } : { scope: 'reg', sub: crypto.randomBytes(8).toString('hex'), exp: Date.now() + 3600_000 });
    const target = new URL(toolUrl);
    target.searchParams.set('openid_configuration', `${url}/mod/lti/openid-configuration.php`);
    target.searchParams.set('registration_token', token);
    return target.href;
  };
  app.get('/mod/lti/openid-configuration.php', (_req, res) => {
    res.json({
      issuer: url,
      token_endpoint: `${url}/mod/lti/token.php`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      jwks_uri: `${url}/mod/lti/certs.php`,
      authorization_endpoint: `${url}/mod/lti/auth.php`,
      registration_endpoint: `${url}/mod/lti/openid-registration.php`,
      response_types_supported: ['id_token'],
      claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: 'moodle', version: '4.5.4 (Build: 20250414)', messages_supported: ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'] },
      ...overrides,
    });
  });
  app.post('/mod/lti/openid-registration.php', (req, res) => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const claims = token ? tokens.get(token) : undefined;
    if (!claims || claims.exp < Date.now()) return void res.status(401).send('missing_registration_token');
    const body = req.body as Record<string, unknown>;
    const tool = body['https://purl.imsglobal.org/spec/lti-tool-configuration'] as Record<string, unknown> | undefined;
    if (!Array.isArray(body.redirect_uris) || body.token_endpoint_auth_method !== 'private_key_jwt' || !tool?.domain) return void res.status(400).send('invalid registration');
    let type = claims.scope === 'reg-update' ? types.find((t) => String(t.id) === claims.sub) : undefined;
    if (claims.scope === 'reg-update' && !type) return void res.status(400).send('Unknown client');
    if (claims.scope === 'reg' && types.some((t) => t.clientId === claims.sub)) return void res.status(401).send('token_already_used');
    if (type) {
      type.registration = body;
      type.updates++;
    } else {
      type = { id: types.length + 10, clientId: claims.sub, registration: body, updates: 0 };
      types.push(type);
    }
    res.json({ ...body, client_id: type.clientId, 'https://purl.imsglobal.org/spec/lti-tool-configuration': { ...tool, deployment_id: String(type.id) } });
  });
  app.get('/admin/tool', (req, res) => {
    const updateOf = req.query.update ? Number(req.query.update) : undefined;
    const src = start(String(req.query.url), updateOf);
    res
      .type('html')
      .send(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Gérer les outils</title><script src="/admin/tool.js"></script></head><body>` +
          `<h1>Gérer les outils</h1><p id="status">Enregistrement en cours</p><iframe id="registration" title="Enregistrement" src="${src.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}" style="width:100%;height:600px"></iframe></body></html>`,
      );
  });
  app.get('/admin/tool.js', (_req, res) => {
    res.type('application/javascript').send("window.addEventListener('message', function (e) { if (e.data && e.data.subject === 'org.imsglobal.lti.close') document.getElementById('status').textContent = 'Fenêtre fermée par l\\'outil'; });\n");
  });
  return {
    url,
    types,
    hits,
    startUrl: (toolUrl, o = {}) => start(toolUrl, o.updateOf),
    adminPageUrl: (toolUrl, o = {}) => `${url}/admin/tool?url=${encodeURIComponent(toolUrl)}${o.updateOf ? `&update=${o.updateOf}` : ''}`,
    configure(o) {
      overrides = o;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
