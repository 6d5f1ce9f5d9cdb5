import fc from 'fast-check';
import { listRoutes, type RouteDeclaration } from '../../../src/platform/access';
import { encodePairs, hostileJson, hostileMultipart, hostilePairs, hostileString, percentEncode, SWEEP_VALUES } from '../hostile';
import type { Actor, Family, Probe, World } from '../world';

/** Paths whose input another family owns (the LRS validates its own: the xAPI generators go there). */
const OWNED_ELSEWHERE = ['/xapi'];

/** Random runs per route and role; anonymous visitors are refused before most input is read, so one. */
const RUNS = Number(process.env.ROBUSTNESS_RUNS ?? 2);

type BodyKind = 'none' | 'form' | 'json' | 'multipart' | 'text';

interface Sent {
  method: string;
  url: string;
  contentType?: string;
  body?: string | Buffer;
  csrfHeader?: boolean;
}

/** Field names each route's pages show: GET forms by path, POST forms by concrete action path. */
interface Fields {
  get: Map<string, string[]>;
  post: Map<string, { names: string[]; multipart: boolean }>;
}
const fieldsOf = new WeakMap<World, Fields>();

const show = (s: string) => JSON.stringify(s).slice(1, -1).slice(0, 400);

function probe(sent: Sent): Probe {
  return {
    describe: () => `${sent.method} ${show(sent.url)}${sent.contentType ? ` [${sent.contentType}]` : ''}${sent.body !== undefined ? ` body=${show(sent.body.toString())}` : ''}`,
    send: (_world: World, actor: Actor) => {
      const headers: Record<string, string> = {};
      if (sent.contentType) headers['content-type'] = sent.contentType;
      if (sent.csrfHeader && actor.csrf) headers['x-csrf-token'] = actor.csrf;
      return actor.browser.request(sent.url, { method: sent.method, headers, body: sent.body === undefined ? undefined : new Uint8Array(Buffer.from(sent.body)) });
    },
  };
}

function routesOf(world: World): RouteDeclaration[] {
  const routes = listRoutes(world.t.instants.app).filter((r) => !OWNED_ELSEWHERE.some((p) => r.path === p || r.path.startsWith(`${p}/`)));
  return [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
}

/** An express path with each parameter replaced by an id that exists (resources by the resource's). */
function fillKnown(path: string, world: World): string {
  return path.replace(/[:*](\w+)/g, (_m, name: string) => (/^r(esource)?id$/i.test(name) ? world.ids.resource : name === 'id' ? world.ids.session : world.ids.other));
}

/** Replaces each `:param` (and `*param`) of an express path with a known id or a hostile segment. */
function fillPath(path: string, known: readonly string[]): fc.Arbitrary<string> {
  const names = [...path.matchAll(/[:*](\w+)/g)].map((m) => m[1]!);
  return fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 2, arbitrary: hostileString() }), { minLength: names.length, maxLength: names.length }).map((values) => {
    let i = 0;
    return path.replace(/[:*](\w+)/g, () => percentEncode(values[i++]!) || 'x');
  });
}

/** Reads the forms of a page: GET forms' fields for the page's path, POST forms' fields by action path. */
function readForms(html: string, pagePath: string, into: Fields): void {
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!;
    const names = [...new Set([...m[2]!.matchAll(/\bname="([^"]+)"/g)].map((n) => n[1]!.replace(/&#x5B;|&#91;/g, '[').replace(/&#x5D;|&#93;/g, ']')))].filter((n) => n !== '_csrf');
    const method = /\bmethod="post"/i.test(attrs) ? 'post' : 'get';
    const action = /\baction="([^"]*)"/.exec(attrs)?.[1]?.replace(/&amp;/g, '&').split('?')[0] || pagePath;
    if (method === 'get') into.get.set(action, [...new Set([...(into.get.get(action) ?? []), ...names])]);
    else into.post.set(action, { names: [...new Set([...(into.post.get(action)?.names ?? []), ...names])], multipart: /multipart\/form-data/.test(attrs) });
  }
}

/** Sends every field of a route the same value, for each sweep value: the deterministic part of a case. */
function sweeps(route: RouteDeclaration, world: World, csrf: string | undefined): Probe[] {
  const fields = fieldsOf.get(world);
  const path = fillKnown(route.path, world);
  if (route.method === 'GET') {
    const names = fields?.get.get(path) ?? [];
    return names.length ? SWEEP_VALUES.map((v) => probe({ method: 'GET', url: `${path}?${encodePairs(names.map((n) => [n, v]))}` })) : [];
  }
  const form = fields?.post.get(path);
  if (!form?.names.length) return [];
  return SWEEP_VALUES.map((v) => {
    const pairs = form.names.map((n): [string, string] => [n, v]);
    if (form.multipart) {
      const boundary = 'robustness0sweep';
      const body = `${pairs.map(([k, x]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${x}\r\n`).join('')}--${boundary}--\r\n`;
      return probe({ method: route.method, url: `${path}?_csrf=${csrf ?? ''}`, contentType: `multipart/form-data; boundary=${boundary}`, body });
    }
    return probe({ method: route.method, url: path, contentType: 'application/x-www-form-urlencoded', body: encodePairs(csrf ? [...pairs, ['_csrf', csrf]] : pairs) });
  });
}

/** Every route of the built app (read from its express router), with hostile query strings and bodies. */
export const routesFamily: Family = {
  name: 'routes',
  // A wrong check-in code is counted by design (the limit of 5 tries).
  writesOnRefusal: ['activity_checkin_failures'],
  async prepare(world) {
    const fields: Fields = { get: new Map(), post: new Map() };
    for (const route of routesOf(world).filter((r) => r.method === 'GET' && !r.path.endsWith('.js'))) {
      const path = fillKnown(route.path, world);
      for (const actor of [world.actors.participant, world.actors.organiser, world.actors.administrator]) {
        const res = await actor.browser.get(path);
        const html = await res.text();
        if (res.status === 200 && (res.headers.get('content-type') ?? '').includes('text/html')) readForms(html, path, fields);
      }
    }
    fieldsOf.set(world, fields);
  },
  cases(world, role) {
    const csrf = world.actors[role].csrf;
    return routesOf(world).map((route) => {
      const filled = fillKnown(route.path, world);
      const names = [...(fieldsOf.get(world)?.get.get(filled) ?? []), ...(fieldsOf.get(world)?.post.get(filled)?.names ?? [])];
      const kinds: BodyKind[] = route.method === 'GET' || route.method === 'HEAD' || route.method === 'DELETE' ? ['none'] : ['form', 'form', 'json', 'multipart', 'text', 'none'];
      const arbitrary = fc
        .record({
          path: fillPath(route.path, world.known),
          query: hostilePairs(world.known, route.method === 'GET' ? names : []),
          kind: fc.constantFrom(...kinds),
          form: hostilePairs(world.known, names),
          json: hostileJson(world.known),
          multipart: hostileMultipart(world.known),
          text: hostileString(),
          validToken: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        })
        .map((g): Probe => {
          const token = csrf && (g.validToken || g.kind !== 'form') ? csrf : undefined;
          const query = g.kind === 'multipart' && token ? [...g.query, ['_csrf', token] as [string, string]] : g.query;
          const url = query.length ? `${g.path}?${encodePairs(query)}` : g.path;
          const method = route.method === 'ALL' ? 'POST' : route.method;
          switch (g.kind) {
            case 'form':
              return probe({ method, url, contentType: 'application/x-www-form-urlencoded', body: encodePairs(token ? [...g.form, ['_csrf', token]] : g.form) });
            case 'json':
              return probe({ method, url, contentType: 'application/json', body: g.json, csrfHeader: true });
            case 'multipart':
              return probe({ method, url, contentType: g.multipart.contentType, body: g.multipart.body });
            case 'text':
              return probe({ method, url, contentType: 'text/plain', body: g.text, csrfHeader: true });
            default:
              return probe({ method, url });
          }
        });
      const anonymous = role === 'anonymous';
      return { label: `${route.method} ${route.path}`, arbitrary, runs: anonymous ? Math.min(RUNS, 1) : RUNS, examples: anonymous ? [] : sweeps(route, world, csrf) };
    });
  },
};
