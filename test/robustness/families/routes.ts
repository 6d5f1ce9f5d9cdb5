import fc from 'fast-check';
import { listRoutes } from '../../../src/platform/access';
import { encodePairs, hostileJson, hostileMultipart, hostilePairs, hostileString, percentEncode } from '../hostile';
import type { Actor, Family, Probe, World } from '../world';

/** Paths whose input another family owns (the LRS validates its own: the xAPI generators go there). */
const OWNED_ELSEWHERE = ['/xapi'];

/** Runs per route and role; anonymous visitors are refused before most input is read, so one run each. */
const RUNS = Number(process.env.ROBUSTNESS_RUNS ?? 2);

type BodyKind = 'none' | 'form' | 'json' | 'multipart' | 'text';

interface Sent {
  method: string;
  url: string;
  contentType?: string;
  body?: string | Buffer;
  csrfHeader?: boolean;
}

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

/** Replaces each `:param` (and `*param`) of an express path with a known id or a hostile segment. */
function fillPath(path: string, known: readonly string[]): fc.Arbitrary<string> {
  const names = [...path.matchAll(/[:*](\w+)/g)].map((m) => m[1]!);
  return fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 2, arbitrary: hostileString() }), { minLength: names.length, maxLength: names.length }).map((values) => {
    let i = 0;
    return path.replace(/[:*](\w+)/g, () => percentEncode(values[i++]!) || 'x');
  });
}

/** Every route of the built app (read from its express router), with hostile query strings and bodies. */
export const routesFamily: Family = {
  name: 'routes',
  // A wrong check-in code is counted by design (the limit of 5 tries).
  writesOnRefusal: ['activity_checkin_failures'],
  cases(world, role) {
    const routes = listRoutes(world.t.instants.app).filter((r) => !OWNED_ELSEWHERE.some((p) => r.path === p || r.path.startsWith(`${p}/`)));
    const unique = [...new Map(routes.map((r) => [`${r.method} ${r.path}`, r])).values()];
    const csrf = world.actors[role].csrf;
    return unique.map((route) => {
      const kinds: BodyKind[] = route.method === 'GET' || route.method === 'HEAD' || route.method === 'DELETE' ? ['none'] : ['form', 'form', 'json', 'multipart', 'text', 'none'];
      const arbitrary = fc
        .record({
          path: fillPath(route.path, world.known),
          query: hostilePairs(world.known),
          kind: fc.constantFrom(...kinds),
          form: hostilePairs(world.known),
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
      return { label: `${route.method} ${route.path}`, arbitrary, runs: role === 'anonymous' ? Math.min(RUNS, 1) : RUNS };
    });
  },
};
