import { openLti, addPlatform, ltiOf, type LaunchSpec } from '../../src/lti';
import { systemClock } from '../../src/platform/clock';
import type { Database } from '../../src/platform/db/client';
import { TEST_SECRETS, testConfig, type TestApp } from './app';
import { addTemplateSetup } from './db';
import { Browser } from './http';
import { formFrom, SIMULATOR_CLIENT_ID, SIMULATOR_DEPLOYMENT_ID, SIMULATOR_ISSUER, startSimulator, type Simulator } from './lti-simulator';

/**
 * Launches through the real LTI 1.3 flow against the platform simulator. The simulator's platform is
 * registered once in the template database (its 4096-bit tool key takes 1–2 s to make); each TestApp gets
 * its own simulator, whose endpoints are written into that app's registration on first use.
 */

/** Registers the simulator platform (placeholder endpoints) and its deployment "1" in a database. */
export async function registerSimulatorPlatform(database: Database): Promise<void> {
  const lti = await openLti({ db: database.db, clock: systemClock, config: testConfig({ PUBLIC_URL: 'http://127.0.0.1:9' }), ltiKey: TEST_SECRETS.ltiKey });
  await addPlatform(
    lti,
    {
      issuer: SIMULATOR_ISSUER,
      clientId: SIMULATOR_CLIENT_ID,
      name: 'Moodle (simulateur)',
      authEndpoint: 'http://127.0.0.1:9/auth',
      tokenEndpoint: 'http://127.0.0.1:9/token',
      keys: { method: 'JWK_SET', key: 'http://127.0.0.1:9/jwks' },
    },
    [SIMULATOR_DEPLOYMENT_ID],
  );
}
addTemplateSetup(registerSimulatorPlatform);

const simulators = new WeakMap<TestApp, Promise<Simulator>>();

/** The simulator of a TestApp (started on first use, closed with the app). */
export function simulatorFor(t: TestApp): Promise<Simulator> {
  let sim = simulators.get(t);
  if (!sim) {
    sim = (async () => {
      const s = await startSimulator({ toolUrl: t.url });
      t.instants.ctx.onClose.push(() => s.close());
      await addPlatform(
        ltiOf(t.instants.ctx),
        {
          issuer: SIMULATOR_ISSUER,
          clientId: SIMULATOR_CLIENT_ID,
          name: 'Moodle (simulateur)',
          authEndpoint: s.endpoints.authEndpoint,
          tokenEndpoint: s.endpoints.tokenEndpoint,
          keys: { method: 'JWK_SET', key: s.endpoints.keySetUrl },
        },
        [SIMULATOR_DEPLOYMENT_ID],
      );
      return s;
    })();
    simulators.set(t, sim);
  }
  return sim;
}

/** What to launch as; anything left out gets a Moodle-like default. */
export interface LaunchAsOptions extends Omit<LaunchSpec, 'role' | 'custom'> {
  role?: LaunchSpec['role'];
  /** Binds the resource link to this Instants session (custom parameter `instants_session`). */
  sessionId?: string;
  custom?: Record<string, string>;
  /** Continue in an existing browser (keeps its cookies). */
  browser?: Browser;
}

/** The end of a launch's id_token post: the tool's answer, before following its redirects. */
export interface LaunchPost {
  browser: Browser;
  simulator: Simulator;
  /** Instants' answer to the login initiation (a redirect to the simulator). */
  login: Response;
  /** Instants' answer to the id_token post (303 on success, 400/401 error page otherwise). */
  response: Response;
  /** The id_token form the simulator had the browser post (action path and fields), to replay it. */
  form?: { path: string; fields: Record<string, string> };
}

/** Runs the OIDC flow up to and including the id_token post (bad-input tests stop here). */
export async function postLaunch(t: TestApp, opts: LaunchAsOptions = {}): Promise<LaunchPost> {
  const simulator = await simulatorFor(t);
  const { browser: given, sessionId, custom, role, ...spec } = opts;
  const browser = given ?? new Browser(t.url);
  const initiation = simulator.core.loginInitiation({ ...spec, role: role ?? 'participant', custom: { ...(sessionId ? { instants_session: sessionId } : {}), ...custom } });
  const login = await browser.postForm(new URL(initiation.action).pathname, initiation.fields);
  const location = login.headers.get('location');
  if (login.status !== 302 || !location) return { browser, simulator, login, response: login };
  const auth = await fetch(location, { redirect: 'manual' });
  if (auth.status !== 200) throw new Error(`simulator refused the authorisation request: ${auth.status} ${await auth.text()}`);
  const form = formFrom(await auth.text());
  const path = new URL(form.action).pathname;
  const response = await browser.postForm(path, form.fields);
  return { browser, simulator, login, response, form: { path, fields: form.fields } };
}

/**
 * Launches Instants as a participant or organiser through the real OIDC flow and follows Instants'
 * redirects: `response` is the page the launch lands on, `location` its path (e.g. `/sessions/<id>`).
 */
export async function launchAs(t: TestApp, opts: LaunchAsOptions = {}): Promise<{ browser: Browser; response: Response; location: string; simulator: Simulator }> {
  const { browser, response: posted, simulator } = await postLaunch(t, opts);
  let response = posted;
  let location = '/lti';
  for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
    const next = new URL(response.headers.get('location') ?? '/', t.url);
    if (next.origin !== new URL(t.url).origin) break;
    location = next.pathname + next.search;
    response = await browser.get(location);
  }
  if (response.status >= 400 && location === '/lti') throw new Error(`launch refused: ${response.status} ${(await response.text()).slice(0, 500)}`);
  return { browser, response, location: location.split('?')[0]!, simulator };
}
