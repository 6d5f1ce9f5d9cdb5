import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { autoSubmitPage, PlatformCore, platformRouter, type LaunchSpec } from '../../../src/lti';
import { moodlePages, type MoodlePages } from './moodle-pages';

/** The issuer the simulator plays (registered once in the template database by test/support/lti.ts). */
export const SIMULATOR_ISSUER = 'https://moodle.test.ac-dijon.fr';
export const SIMULATOR_CLIENT_ID = 'instants-test-client';
export const SIMULATOR_DEPLOYMENT_ID = '1';

/** A running LTI platform simulator on loopback (plays Moodle for tests, benches and browser tests). */
export interface Simulator {
  /** Base URL of the simulator's HTTP server. */
  url: string;
  core: PlatformCore;
  /** URLs to give Instants when registering the platform. */
  endpoints: { authEndpoint: string; tokenEndpoint: string; keySetUrl: string };
  /** A top-level page that starts a launch (auto-submitted login initiation): for Playwright's page.goto. */
  startUrl(spec?: LaunchSpec): string;
  /** A "course page" of the simulator embedding the launch in an iframe (another origin than Instants). */
  coursePageUrl(spec?: LaunchSpec): string;
  /**
   * What Moodle does on every save of an activity using the tool, or of the tool's settings: a plain GET
   * of the tool URL, with no cookies and no body (`lti_is_cartridge()` in `mod/lti/locallib.php`).
   */
  probeToolUrl(): Promise<{ status: number; setCookie: string[]; body: string }>;
  /** Moodle's login page and activity pages (`/mod/lti/view.php?l=`): add activities and people to them. */
  moodle: Omit<MoodlePages, 'router'>;
  close(): Promise<void>;
}

/** Starts the simulator for a tool at `toolUrl` (e.g. a TestApp's url). */
/** The name of the course page's platform-storage frame (for `LaunchSpec.storageTarget`). */
export const STORAGE_FRAME = 'post_message_forwarding';

/** Moodle 4.5.11+ sets its session cookie SameSite=Lax; the simulator's course pages do the same. */
const SESSION = 'MoodleSession';

/**
 * Starts the simulator for a tool at `toolUrl` (e.g. a TestApp's url). `hostname` (default 127.0.0.1):
 * `localhost` makes the simulator another site than a tool on 127.0.0.1, so that a browser treats
 * Instants' cookies in its frame as third-party, as Safari does with a Moodle on another domain.
 */
export async function startSimulator(options: { toolUrl: string; /** `'self'`: the simulator's own URL, as Moodle's issuer is its wwwroot. */ issuer?: string; clientId?: string; deploymentId?: string; keySetMaxAge?: number; hostname?: string }): Promise<Simulator> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://${options.hostname ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const core = await PlatformCore.create({
    issuer: options.issuer === 'self' ? url : (options.issuer ?? SIMULATOR_ISSUER),
    clientId: options.clientId ?? SIMULATOR_CLIENT_ID,
    deploymentId: options.deploymentId ?? SIMULATOR_DEPLOYMENT_ID,
    tool: { loginUrl: `${options.toolUrl}/lti/login`, launchUrl: `${options.toolUrl}/lti`, keySetUrl: `${options.toolUrl}/lti/keys` },
    deepLinkReturnUrl: `${url}/deep-linking/return`,
    keySetMaxAge: options.keySetMaxAge,
  });
  const starts = new Map<string, LaunchSpec>();
  const remember = (spec: LaunchSpec) => {
    const key = crypto.randomBytes(8).toString('hex');
    starts.set(key, spec);
    return key;
  };
  // Like Moodle's $SESSION->lti_message_hint: a hint given to a browser is only honoured with that
  // browser's (SameSite=Lax) session cookie, so the authentication request must be a GET that carries it.
  const hintSessions = new Map<string, string>();
  const sessionOf = (req: express.Request) => /(?:^|;\s*)MoodleSession=([\w-]+)/.exec(req.get('cookie') ?? '')?.[1];
  app.get('/start/:key', (req, res) => {
    const spec = starts.get(req.params.key);
    if (!spec) return void res.status(404).send('unknown launch');
    starts.delete(req.params.key);
    let session = sessionOf(req);
    if (!session) {
      session = crypto.randomBytes(12).toString('hex');
      res.cookie(SESSION, session, { sameSite: 'lax', httpOnly: true, path: '/' });
    }
    const initiation = core.loginInitiation(spec);
    // A platform offering storage plays another LMS than Moodle: its authorisation does not need the Lax
    // session (the tool's page goes there by script after `lti.put_data`, which carries no Lax cookie).
    if (!spec.storageTarget) hintSessions.set(initiation.fields.lti_message_hint!, session);
    res.type('html').send(autoSubmitPage(initiation, `${url}/autosubmit.js`));
  });
  app.use('/auth', express.urlencoded({ extended: false }), (req, res, next) => {
    const hint = String(req.query.lti_message_hint ?? (req.body as Record<string, unknown> | undefined)?.lti_message_hint ?? '');
    const wanted = hintSessions.get(hint);
    if (wanted === undefined) return next();
    if (req.method !== 'GET' || sessionOf(req) !== wanted) return void res.status(400).type('text/plain').send('invalid_request: no Moodle session (cookie SameSite=Lax)');
    hintSessions.delete(hint);
    next();
  });
  app.get('/course/:key', (req, res) => {
    if (!sessionOf(req)) res.cookie(SESSION, crypto.randomBytes(12).toString('hex'), { sameSite: 'lax', httpOnly: true, path: '/' });
    res
      .type('html')
      .send(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Cours Moodle (simulateur)</title></head><body>` +
          `<h1>Instants numériques</h1><iframe id="tool" title="Instants" src="/start/${encodeURIComponent(req.params.key)}" style="width:100%;height:800px;border:0" allow="fullscreen"></iframe>` +
          // The platform-storage frame some platforms offer (LTI Client Side postMessages); Moodle 4.5 has none.
          `<iframe name="${STORAGE_FRAME}" title="stockage" src="/storage-frame" hidden></iframe></body></html>`,
      );
  });
  app.get('/storage-frame', (_req, res) => {
    res.type('html').send('<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>stockage</title><script src="/storage-frame.js"></script></head><body></body></html>');
  });
  app.get('/storage-frame.js', (_req, res) => {
    res.type('application/javascript').send(`var store = {};
window.addEventListener('message', function (e) {
  var m = e.data;
  if (!m || typeof m.subject !== 'string') return;
  var origin = e.origin;
  if (m.subject === 'lti.put_data') { store[origin + ' ' + m.key] = m.value; e.source.postMessage({ subject: 'lti.put_data.response', message_id: m.message_id, key: m.key, value: m.value }, origin); }
  if (m.subject === 'lti.get_data') { var k = origin + ' ' + m.key; e.source.postMessage(k in store ? { subject: 'lti.get_data.response', message_id: m.message_id, key: m.key, value: store[k] } : { subject: 'lti.get_data.response', message_id: m.message_id, key: m.key, error: { code: 'bad_request', message: 'no such key' } }, origin); }
});
`);
  });
  const moodle = moodlePages({
    core,
    url,
    sessionOf,
    newSession: (res) => {
      const session = crypto.randomBytes(12).toString('hex');
      res.cookie(SESSION, session, { sameSite: 'lax', httpOnly: true, path: '/' });
      return session;
    },
    bindHint: (hint, session) => hintSessions.set(hint, session),
    remember,
  });
  app.use('/', moodle.router);
  app.use('/', platformRouter(core, url));
  return {
    url,
    core,
    endpoints: { authEndpoint: `${url}/auth`, tokenEndpoint: `${url}/token`, keySetUrl: `${url}/jwks` },
    startUrl: (spec = {}) => `${url}/start/${remember(spec)}`,
    coursePageUrl: (spec = {}) => `${url}/course/${remember(spec)}`,
    moodle: { addActivity: moodle.addActivity, addUser: moodle.addUser },
    async probeToolUrl() {
      const res = await fetch(`${options.toolUrl}/lti`, { redirect: 'manual' });
      return { status: res.status, setCookie: res.headers.getSetCookie(), body: await res.text() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads the first form of an HTML page (action and fields), as a browser would submit it. */
export function formFrom(html: string): { action: string; fields: Record<string, string> } {
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`No form in page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[decode(m[1]!)] = decode(m[2]!);
  return { action: decode(action), fields };
}
