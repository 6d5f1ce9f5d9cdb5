import type { Json } from './ifi';

/** Statement formats of GET /xapi/statements (xAPI-Communication §2.1.3): exact, ids, canonical. */

export type Format = 'exact' | 'ids' | 'canonical';

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'];
const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : v ? [v as Json] : []);
const mapList = (v: unknown, fn: (x: Json) => Json) => (Array.isArray(v) ? (v as Json[]).map(fn) : fn(v as Json));

function agentIds(a: Json | undefined): Json | undefined {
  if (!a) return a;
  const out: Json = {};
  if (a.objectType) out.objectType = a.objectType;
  for (const k of IFI_KEYS) if (a[k] !== undefined) out[k] = a[k];
  if (a.objectType === 'Group' && Array.isArray(a.member)) out.member = (a.member as Json[]).map((m) => agentIds(m)!);
  return out;
}

// Communication §2.1.3 (format=ids: "only include minimum information necessary"): an Activity keeps its id,
// and its objectType only when the statement had one.
const activityIds = (a: Json): Json => (a.objectType ? { objectType: a.objectType, id: a.id } : { id: a.id });

function objectIds(o: Json, nested: (s: Json) => Json): Json {
  const type = o.objectType ?? 'Activity';
  if (type === 'Activity') return activityIds(o);
  if (type === 'Agent' || type === 'Group') return agentIds(o)!;
  if (type === 'SubStatement') return nested(o);
  return o;
}

function idsOnly(s: Json): Json {
  const out: Json = { ...s, actor: agentIds(s.actor as Json), verb: { id: (s.verb as Json).id }, object: objectIds(s.object as Json, idsOnly) };
  if (s.authority) out.authority = agentIds(s.authority as Json);
  const c = s.context as Json | undefined;
  if (c) {
    const ctx: Json = { ...c };
    if (c.instructor) ctx.instructor = agentIds(c.instructor as Json);
    if (c.team) ctx.team = agentIds(c.team as Json);
    if (c.contextActivities) {
      ctx.contextActivities = Object.fromEntries(
        Object.entries(c.contextActivities as Json).map(([k, v]) => [k, mapList(v, activityIds)]),
      );
    }
    if (c.contextAgents) ctx.contextAgents = asList(c.contextAgents).map((x) => ({ ...x, agent: agentIds(x.agent as Json) }));
    if (c.contextGroups) ctx.contextGroups = asList(c.contextGroups).map((x) => ({ ...x, group: agentIds(x.group as Json) }));
    out.context = ctx;
  }
  return out;
}

/** Keeps one language of a language map, the first of `languages` it has (or its first entry). */
function pick(map: Json | undefined, languages: string[]): Json | undefined {
  if (!map) return map;
  const keys = Object.keys(map);
  if (keys.length <= 1) return map;
  for (const lang of languages) {
    const hit = keys.find((k) => k.toLowerCase() === lang) ?? keys.find((k) => k.toLowerCase().split('-')[0] === lang.split('-')[0]);
    if (hit) return { [hit]: map[hit] };
  }
  return { [keys[0]!]: map[keys[0]!] };
}

function canonicalActivity(a: Json, langs: string[]): Json {
  const d = a.definition as Json | undefined;
  if (!d) return a;
  const def: Json = { ...d, name: pick(d.name as Json, langs), description: pick(d.description as Json, langs) };
  for (const k of ['choices', 'scale', 'source', 'target', 'steps']) {
    if (Array.isArray(d[k])) def[k] = (d[k] as Json[]).map((c) => ({ ...c, description: pick(c.description as Json, langs) }));
  }
  for (const k of Object.keys(def)) if (def[k] === undefined) delete def[k];
  return { ...a, definition: def };
}

function canonical(s: Json, langs: string[]): Json {
  const out: Json = { ...s, verb: { ...(s.verb as Json) } };
  const display = pick((s.verb as Json).display as Json, langs);
  if (display) (out.verb as Json).display = display;
  const o = s.object as Json;
  const type = o.objectType ?? 'Activity';
  out.object = type === 'Activity' ? canonicalActivity(o, langs) : type === 'SubStatement' ? canonical(o, langs) : o;
  const c = s.context as Json | undefined;
  if (c?.contextActivities) {
    out.context = {
      ...c,
      contextActivities: Object.fromEntries(Object.entries(c.contextActivities as Json).map(([k, v]) => [k, mapList(v, (a) => canonicalActivity(a, langs))])),
    };
  }
  if (Array.isArray(s.attachments)) {
    out.attachments = (s.attachments as Json[]).map((a) => {
      const x: Json = { ...a, display: pick(a.display as Json, langs) };
      if (a.description) x.description = pick(a.description as Json, langs);
      return x;
    });
  }
  return out;
}

/** Languages of an Accept-Language header, preferred first, lower-cased. */
export function acceptedLanguages(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { tag: (tag ?? '').toLowerCase(), q: q ? Number(q[1]) : 1 };
    })
    .filter((x) => x.tag && x.tag !== '*' && x.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((x) => x.tag);
}

/** A statement in the requested format. */
export function present(s: Json, format: Format, languages: string[]): Json {
  if (format === 'ids') return idsOnly(s);
  if (format === 'canonical') return canonical(s, languages);
  return s;
}
