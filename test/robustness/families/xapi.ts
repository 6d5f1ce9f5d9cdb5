import crypto from 'node:crypto';
import fc from 'fast-check';
import { createCredential, type Scope } from '../../../src/lrs/credentials.service';
import { encodePairs, hostileJson, hostileKey, hostilePairs, hostileString, NASTY_STRINGS, percentEncode } from '../hostile';
import type { Family, Probe, ProbeCase, Role, World } from '../world';

/**
 * The LRS's own input (/xapi): statements (JSON, batches, multipart, the 1.0.3 alternate syntax) with one
 * hostile value or key spliced into a valid statement, statement queries, document requests, /activities
 * and /agents. Every answer a success or a 4xx, and a refused one changes no table (the suite checks).
 * Each role stands for a credential: none for anonymous visitors, narrow scopes for participants and
 * organisers, `all` for administrators (created by the first case, which answers 200).
 */

const RUNS = Number(process.env.ROBUSTNESS_XAPI_RUNS ?? 20);
const SCOPES: Record<Role, Scope[] | null> = {
  anonymous: null,
  participant: ['statements/write', 'statements/read/mine'],
  organiser: ['state', 'profile', 'define'],
  administrator: ['all'],
};
const credentials = new WeakMap<World, Map<Role, string>>();
const show = (s: string) => JSON.stringify(s).slice(1, -1).slice(0, 400);

interface Sent {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

function probe(role: Role, sent: Sent): Probe {
  const url = `/xapi${sent.path}${sent.query ? `?${sent.query}` : ''}`;
  return {
    describe: () => `${sent.method} ${show(url)} ${JSON.stringify(sent.headers ?? {})}${sent.body !== undefined ? ` body=${show(sent.body.toString())}` : ''}`,
    send: (world: World) => {
      const headers: Record<string, string> = { ...sent.headers };
      const auth = credentials.get(world)?.get(role);
      if (auth && headers.authorization === undefined) headers.authorization = auth;
      const body = sent.body === undefined || sent.method === 'GET' || sent.method === 'HEAD' ? undefined : new Uint8Array(Buffer.from(sent.body));
      return fetch(`${world.t.url}${url}`, { method: sent.method, headers, body });
    },
  };
}

/** The first case: this role's credential (the only write a refusal could not explain), then /about (200). */
function setup(role: Role): ProbeCase {
  const create: Probe = {
    describe: () => `create a credential for ${role}, then GET /xapi/about`,
    send: async (world: World) => {
      const scopes = SCOPES[role];
      const known = credentials.get(world) ?? new Map<Role, string>();
      credentials.set(world, known);
      if (scopes && !known.has(role)) {
        const c = await createCredential(world.t.database.db, { name: `robustness ${role}`, scopes });
        known.set(role, `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}`);
      }
      return fetch(`${world.t.url}/xapi/about`);
    },
  };
  return { label: 'setup: credential', arbitrary: fc.constant(create), runs: 1 };
}

/** Header values fetch can send (visible ASCII): versions, preconditions, content types. */
const version = fc.constantFrom('1.0.3', '1.0.3', '2.0.0', '2.0.0', '2.0', '1.0', '1.1.0', '3.0.0', '', 'abc');
const precondition = fc.option(fc.constantFrom('*', '"abc"', 'W/"x"', '', 'garbage', '"0000000000000000000000000000000000000000"'), { nil: undefined });

/**
 * Identifiers past what a b-tree index holds (2,704 bytes once compressed): long, valid-looking IRIs, mboxes
 * and ids of varied CJK text, which does not compress (a repeated character would).
 */
const cjk = fc
  .integer({ min: 250, max: 1500 })
  .chain((n) => fc.array(fc.integer({ min: 0x4e00, max: 0x9fff }), { minLength: n, maxLength: n }))
  .map((units) => String.fromCharCode(...units));
const longText = fc.tuple(cjk, fc.constantFrom('http://a.fr/', 'mailto:', '')).map(([text, prefix]) => (prefix === 'mailto:' ? `mailto:${text}@ac-dijon.fr` : `${prefix}${text}`));

const HOLE = '@@hostile@@';
/** Where a hostile JSON value or key goes in an otherwise valid statement. */
const SPOTS: Array<(v: string) => Record<string, unknown>> = [
  (v) => ({ actor: { mbox: 'mailto:a@ac-dijon.fr', name: v } }),
  (v) => ({ actor: v }),
  (v) => ({ verb: { id: v } }),
  (v) => ({ verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { [v]: 'x' } } }),
  (v) => ({ object: { id: 'https://instants.ac-dijon.fr/s', definition: { name: { 'fr-FR': v } } } }),
  (v) => ({ object: { id: 'https://instants.ac-dijon.fr/s', definition: { extensions: { [v]: 1 } } } }),
  (v) => ({ object: v }),
  (v) => ({ result: { response: v, duration: 'PT1M' } }),
  (v) => ({ result: { duration: v } }),
  (v) => ({ result: { score: { raw: v, min: 0, max: 10 } } }),
  (v) => ({ result: { extensions: { 'https://instants.ac-dijon.fr/x/e': v } } }),
  (v) => ({ context: { registration: v } }),
  (v) => ({ context: { contextActivities: { parent: v } } }),
  (v) => ({ context: { extensions: { [v]: v } } }),
  (v) => ({ timestamp: v }),
  (v) => ({ authority: v }),
  (v) => ({ attachments: v }),
  (v) => ({ id: v }),
  (v) => ({ version: v }),
];

const valid = (over: Record<string, unknown> = {}) => ({
  actor: { mbox: 'mailto:robustesse@ac-dijon.fr' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attended' },
  object: { id: 'https://instants.ac-dijon.fr/sessions/robustesse' },
  ...over,
});

/** A statement's JSON text with a hostile JSON value (or key, as a string) spliced in at one spot. */
const hostileStatement: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 0, max: SPOTS.length - 1 }), fc.oneof({ weight: 4, arbitrary: hostileJson([], { maxDepth: 6000 }) }, { weight: 1, arbitrary: longText.map((t) => JSON.stringify(t)) }), hostileKey, fc.boolean())
  .map(([spot, value, key, asKey]) => {
    const text = JSON.stringify(valid(SPOTS[spot]!(HOLE)));
    // A key spot holds the hole as a key: put a hostile key there; a value spot gets hostile JSON.
    return asKey ? text.replaceAll(`"${HOLE}"`, JSON.stringify(key)) : text.replace(`"${HOLE}"`, value).replaceAll(`"${HOLE}"`, JSON.stringify(key));
  });

/** Statement writes: one or a batch, as JSON, multipart/mixed (hostile parts) or the alternate syntax. */
function writes(role: Role): ProbeCase {
  const arbitrary = fc
    .record({
      statement: hostileStatement,
      batch: fc.boolean(),
      put: fc.boolean(),
      id: fc.oneof(fc.constant(crypto.randomUUID()), hostileString()),
      kind: fc.constantFrom('json', 'json', 'multipart', 'alternate'),
      version,
      part: hostileString(),
      hash: fc.oneof(hostileString(), fc.constant('')),
      method: fc.constantFrom('PUT', 'POST', 'GET', 'DELETE', 'PATCH'),
      extra: hostilePairs(),
    })
    .map((g): Probe => {
      const body = g.batch ? `[${JSON.stringify(valid())},${g.statement}]` : g.statement;
      const headers = { 'x-experience-api-version': g.version };
      const query = g.put ? `statementId=${percentEncode(g.id)}` : '';
      if (g.kind === 'multipart') {
        const b = 'robustness0xapi';
        const parts = `--${b}\r\nContent-Type: application/json\r\n\r\n${body}\r\n--${b}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${g.hash.replace(/[\r\n]/g, '')}\r\n\r\n${g.part}\r\n--${b}--\r\n`;
        return probe(role, { method: g.put ? 'PUT' : 'POST', path: '/statements', query, headers: { ...headers, 'content-type': `multipart/mixed; boundary=${b}` }, body: parts });
      }
      if (g.kind === 'alternate') {
        const form = encodePairs([['X-Experience-API-Version', g.version], ['content', body], ...(g.put ? [['statementId', g.id] as [string, string]] : []), ...g.extra]);
        return probe(role, { method: 'POST', path: '/statements', query: `method=${g.method}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      }
      return probe(role, { method: g.put ? 'PUT' : 'POST', path: '/statements', query, headers: { ...headers, 'content-type': 'application/json' }, body });
    });
  return { label: 'statement writes', arbitrary, runs: RUNS };
}

/** Indexed identifiers and names at their limit and past it, in statements and document ids (b-tree entries ≤ 2,704 bytes). */
function longIdentifiers(role: Role): ProbeCase {
  const spots: Array<(v: string) => Record<string, unknown>> = [
    (v) => ({ verb: { id: v } }),
    (v) => ({ object: { id: v } }),
    (v) => ({ actor: { mbox: v } }),
    (v) => ({ actor: { mbox: 'mailto:a@ac-dijon.fr', name: v } }),
    (v) => ({ actor: { account: { homePage: 'https://moodle.ac-dijon.fr', name: v } } }),
    (v) => ({ actor: { account: { homePage: v, name: 'x' } } }),
    (v) => ({ context: { contextActivities: { parent: [{ id: v }] } } }),
    (v) => ({ object: { objectType: 'Group', mbox: v } }),
  ];
  const arbitrary = fc
    .record({ spot: fc.integer({ min: 0, max: spots.length - 1 }), value: longText, document: fc.boolean(), version: fc.constantFrom('1.0.3', '2.0.0') })
    .map((g) => {
      const headers = { 'x-experience-api-version': g.version, 'content-type': 'application/json' };
      if (!g.document) return probe(role, { method: 'POST', path: '/statements', headers, body: JSON.stringify(valid(spots[g.spot]!(g.value))) });
      // In the form of the alternate syntax, so that the id is not cut short by the URL length limit.
      const form = encodePairs([['X-Experience-API-Version', '1.0.3'], ['activityId', `https://instants.ac-dijon.fr/${'é'.repeat(300)}`], ['agent', JSON.stringify({ mbox: `mailto:${'é'.repeat(150)}@ac-dijon.fr` })], ['stateId', g.value], ['content', '{}']]);
      return probe(role, { method: 'POST', path: '/activities/state', query: 'method=PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    });
  return { label: 'long identifiers', arbitrary, runs: RUNS };
}

const GET_PARAMS = ['statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents', 'since', 'until', 'limit', 'format', 'attachments', 'ascending', 'more', 'Agent', 'method'];
const paramValue = fc.oneof(
  hostileString(['true', 'false', 'ids', 'exact', 'canonical', '0', '10', crypto.randomUUID(), 'http://adlnet.gov/expapi/verbs/attended']),
  hostileJson(['mailto:a@ac-dijon.fr', 'Agent', 'Group'], { maxDepth: 6000 }),
  fc.constantFrom('{"mbox":"mailto:a@ac-dijon.fr"}', '{"objectType":"Group","member":[]}', 'eyJwIjp7fSwicyI6IngiLCJxIjoxfQ', 'eyJwIjp7fX0.AAAA'),
  longText,
);

/** Statement queries: a few known parameter names (and near misses) with hostile values. */
function queries(role: Role): ProbeCase {
  const arbitrary = fc
    .record({ pairs: fc.array(fc.tuple(fc.constantFrom(...GET_PARAMS), paramValue), { maxLength: 4 }), version, head: fc.boolean() })
    .map((g) => probe(role, { method: g.head ? 'HEAD' : 'GET', path: '/statements', query: encodePairs(g.pairs), headers: { 'x-experience-api-version': g.version } }));
  return { label: 'statement queries', arbitrary, runs: RUNS };
}

const RESOURCES = [
  { path: '/activities/state', params: ['activityId', 'agent', 'stateId', 'registration', 'since'] },
  { path: '/activities/profile', params: ['activityId', 'profileId', 'since'] },
  { path: '/agents/profile', params: ['agent', 'profileId', 'since'] },
];
const GOOD: Record<string, string> = {
  activityId: 'https://instants.ac-dijon.fr/s',
  agent: '{"mbox":"mailto:doc@ac-dijon.fr"}',
  stateId: 'etat',
  profileId: 'profil',
  registration: '5b1d2a3c-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  since: '2026-01-01T00:00:00Z',
};

/** Document requests: valid parameters with some replaced or added by hostile ones, hostile bodies and preconditions. */
function documents(role: Role): ProbeCase {
  const arbitrary = fc
    .record({
      resource: fc.constantFrom(...RESOURCES),
      method: fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE'),
      keep: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      swap: fc.array(fc.tuple(fc.constantFrom(...Object.keys(GOOD)), paramValue), { maxLength: 2 }),
      extra: hostilePairs(),
      body: hostileJson([], { maxDepth: 6000 }),
      json: fc.boolean(),
      ifMatch: precondition,
      ifNoneMatch: precondition,
      version,
    })
    .map((g) => {
      const pairs: Array<[string, string]> = g.resource.params.filter((_, i) => g.keep[i] !== false).map((p) => [p, GOOD[p]!]);
      const headers: Record<string, string> = { 'x-experience-api-version': g.version, 'content-type': g.json ? 'application/json' : 'text/plain' };
      if (g.ifMatch !== undefined) headers['if-match'] = g.ifMatch;
      if (g.ifNoneMatch !== undefined) headers['if-none-match'] = g.ifNoneMatch;
      return probe(role, { method: g.method, path: g.resource.path, query: encodePairs([...pairs, ...g.swap, ...g.extra]), headers, body: g.body });
    });
  return { label: 'document requests', arbitrary, runs: RUNS };
}

/** /activities and /agents with hostile parameters. */
function lookups(role: Role): ProbeCase {
  const arbitrary = fc
    .record({ path: fc.constantFrom('/activities', '/agents', '/about', '/nothing', `/${NASTY_STRINGS[1]}`), pairs: fc.array(fc.tuple(fc.constantFrom('activityId', 'agent', 'x'), paramValue), { maxLength: 2 }), version })
    .map((g) => probe(role, { method: 'GET', path: percentEncode(g.path).replace(/%2F/g, '/'), query: encodePairs(g.pairs), headers: { 'x-experience-api-version': g.version } }));
  return { label: 'activities, agents and unknown paths', arbitrary, runs: Math.ceil(RUNS / 2) };
}

export const xapiFamily: Family = {
  name: 'xapi',
  cases(_world, role) {
    const all = [setup(role), writes(role), longIdentifiers(role), queries(role), documents(role), lookups(role)];
    // Without credentials everything but /about is a 401 before any input is read: a few runs suffice.
    return role === 'anonymous' ? all.map((c) => ({ ...c, runs: Math.min(c.runs, 3) })) : all;
  },
};
