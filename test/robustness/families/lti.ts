import fc from 'fast-check';
import { postLaunch } from '../../support/lti';
import { SIMULATOR_CLIENT_ID, SIMULATOR_DEPLOYMENT_ID, SIMULATOR_ISSUER } from '../../support/lti-simulator';
import { encodePairs, hostileJson, hostilePairs, hostileString } from '../hostile';
import type { Family, Probe, ProbeCase, World } from '../world';

const RUNS = Number(process.env.ROBUSTNESS_LTI_RUNS ?? 12);
const show = (s: string) => JSON.stringify(s).slice(1, -1).slice(0, 400);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

const CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/';
/** Claims a launch carries, each of which gets replaced by a hostile value. */
const CLAIMS = [
  'iss', 'sub', 'aud', 'azp', 'iat', 'exp', 'nonce', 'name', 'given_name', 'family_name', 'email', 'locale',
  `${CLAIM}message_type`, `${CLAIM}version`, `${CLAIM}deployment_id`, `${CLAIM}target_link_uri`, `${CLAIM}resource_link`,
  `${CLAIM}roles`, `${CLAIM}context`, `${CLAIM}custom`, `${CLAIM}launch_presentation`, `${CLAIM}tool_platform`,
  'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint', 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings', 'https://example.org/extra',
];

/** A form post from nobody in particular. */
function formProbe(method: string, path: string, pairs: ReadonlyArray<readonly [string, string]>): Probe {
  const body = encodePairs(pairs);
  return {
    describe: () => `${method} ${path} body=${show(body)}`,
    send: (world: World) => fetch(`${world.t.url}${path}`, { method, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: method === 'GET' || method === 'HEAD' ? undefined : body }),
  };
}

/** An id_token that is not one: random text, or three base64url parts of hostile JSON. */
const malformedJwt = fc.oneof(
  hostileString(),
  fc.tuple(hostileJson(['RS256', 'none', 'HS256']), hostileJson(), hostileString()).map(([h, p, s]) => `${b64(h)}.${b64(p)}.${b64(s)}`),
  fc.tuple(hostileJson(), hostileJson()).map(([h, p]) => `${b64(h)}.${b64(p)}.`),
);

/** A JSON value of the wrong type or shape for a claim, as the platform's signature would cover it. */
const hostileClaimValue = hostileJson(['Learner', 'Instructor', 'LtiResourceLinkRequest', '1.3.0'], { maxDepth: 2000 }).map((text): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
});

/** The launch URL and the login, as an attacker or a confused platform would hit them. */
export const ltiFamily: Family = {
  name: 'lti',
  // Every login initiation is counted (refused ones too) and a login request is written before the launch.
  writesOnRefusal: ['lti_login_rate', 'lti_login_requests'],
  cases(world, role): ProbeCase[] {
    if (role !== 'anonymous') return [];
    const target = `${world.t.url}/lti`;
    const loginParams = fc
      .record({
        iss: fc.oneof(fc.constant(SIMULATOR_ISSUER), hostileString()),
        client_id: fc.oneof(fc.constant(SIMULATOR_CLIENT_ID), hostileString()),
        login_hint: hostileString(),
        target_link_uri: fc.oneof(fc.constant(target), hostileString()),
        lti_message_hint: hostileString(),
        lti_deployment_id: fc.oneof(fc.constant(SIMULATOR_DEPLOYMENT_ID), hostileString()),
        extra: hostilePairs(),
      })
      .map(({ extra, ...p }) => [...Object.entries(p), ...extra] as Array<[string, string]>);
    return [
      {
        label: 'POST /lti with a malformed id_token',
        runs: RUNS * 2,
        arbitrary: fc.tuple(malformedJwt, hostileString(), hostilePairs()).map(([idToken, state, extra]) => formProbe('POST', '/lti', [['id_token', idToken], ['state', state], ...extra])),
      },
      {
        label: 'any method and body on the paths ltijs answers (/lti, /lti/login, /lti/keys)',
        runs: RUNS * 2,
        arbitrary: fc
          .record({
            method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
            path: fc.constantFrom('/lti', '/lti/', '/lti/login', '/lti/keys', '/lti/?x', '/lti//login'),
            query: hostilePairs(),
            contentType: fc.constantFrom(undefined, 'text/plain', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'),
            body: fc.oneof(hostileString(), hostileJson()),
          })
          .map((g): Probe => {
            const url = g.query.length ? `${g.path}${g.path.includes('?') ? '&' : '?'}${encodePairs(g.query)}` : g.path;
            const body = g.method === 'GET' || g.method === 'HEAD' ? undefined : g.body;
            return {
              describe: () => `${g.method} ${show(url)} [${g.contentType ?? 'no type'}] body=${show(body ?? '')}`,
              send: (w: World) => fetch(`${w.t.url}${url}`, { method: g.method, redirect: 'manual', headers: g.contentType ? { 'content-type': g.contentType } : {}, body }),
            };
          }),
      },
      {
        label: 'GET /lti/login with hostile parameters',
        runs: RUNS,
        arbitrary: loginParams.map((pairs) => {
          const path = `/lti/login?${encodePairs(pairs)}`;
          return { describe: () => `GET ${show(path)}`, send: (w: World) => fetch(`${w.t.url}${path}`, { redirect: 'manual', headers: { accept: 'text/html' } }) };
        }),
      },
      { label: 'POST /lti/login with hostile parameters', runs: RUNS, arbitrary: loginParams.map((pairs) => formProbe('POST', '/lti/login', pairs)) },
      {
        label: 'a signed launch whose claim is replaced by a hostile value',
        runs: RUNS,
        arbitrary: fc.tuple(fc.constantFrom(...CLAIMS), hostileClaimValue).map(([claim, value]): Probe => ({
          describe: () => `launch with ${claim} = ${show(JSON.stringify(value) ?? String(value))}`,
          send: async (w: World) => (await postLaunch(w.t, { tamper: (x) => x.sign({ ...x.payload, [claim]: value }) })).response,
        })),
      },
    ];
  },
};
