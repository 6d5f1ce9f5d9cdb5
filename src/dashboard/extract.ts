import { ACTIVITY_TYPE, EXT, LEVEL_MAX, MOMENTS, NEED_TYPES, NEED_VERBS, VERB, type Moment, type NeedType } from './dashboard.vocabulary';

/**
 * Turns one stored xAPI statement into dashboard facts (pure; see migrations/0700_dashboard_rollups.sql).
 * Unknown verbs or shapes give no facts: statements of other tools count where they use our vocabulary.
 */

type Json = Record<string, unknown>;

export interface SessionFact { sessionKey: string; sessionId: string | null; title: string | null; tool: string | null; seriesKey: string | null; seriesTitle: string | null; competences: string[]; at: Date; stmt: string }
export interface CourseFact { courseKey: string; issuer: string | null; contextId: string | null; title: string | null }
export interface PersonFact { actor: string; service: string | null; jobFamily: string | null; at: Date; stmt: string }
export interface ParticipationFact { sessionKey: string; actor: string; courseKey: string | null; launched: boolean; attended: boolean; completed: boolean; at: Date; attendedAt: Date | null }
export interface ResourceFact { sessionKey: string; resourceKey: string; actor: string; title: string | null; at: Date }
export interface AnswerFact { sessionKey: string; questionKey: string; actor: string; questionText: string | null; success: boolean | null; certainty: number | null; at: Date; stmt: string }
export interface PositionFact { sessionKey: string; competence: string; actor: string; moment: Moment; level: number; at: Date; stmt: string }
export interface RatingFact { sessionKey: string; actor: string; scaled: number; at: Date; stmt: string }
export interface FollowupFact { sessionKey: string; actor: string; usedSince: boolean; frequency: string | null; obstacles: string[]; at: Date; stmt: string }
export interface NeedFact { actor: string; needType: NeedType; needKey: string; day: string; label: string; sessionKey: string | null }

export interface Facts {
  sessions: SessionFact[];
  courses: CourseFact[];
  people: PersonFact[];
  participation: ParticipationFact[];
  resources: ResourceFact[];
  answers: AnswerFact[];
  positions: PositionFact[];
  ratings: RatingFact[];
  followups: FollowupFact[];
  needs: NeedFact[];
}

export function emptyFacts(): Facts {
  return { sessions: [], courses: [], people: [], participation: [], resources: [], answers: [], positions: [], ratings: [], followups: [], needs: [] };
}

const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A language map's French value, else English, else the first one. */
function langString(v: unknown): string | null {
  const m = obj(v);
  if (!m) return null;
  return str(m['fr']) ?? str(m['fr-FR']) ?? str(m['en']) ?? str(m['en-US']) ?? str(Object.values(m)[0]);
}

const extIndex = new WeakMap<object, Map<string, unknown>>();

/** An extension value by the last segment of its IRI (each extensions object is indexed once). */
function ext(extensions: unknown, name: string): unknown {
  const m = obj(extensions);
  if (!m) return undefined;
  let index = extIndex.get(m);
  if (!index) {
    index = new Map();
    for (const [k, v] of Object.entries(m)) index.set(k.slice(k.lastIndexOf('/', k.length - 2) + 1).replace(/\/$/, ''), v);
    extIndex.set(m, index);
  }
  return index.get(name);
}

/** The same text whatever its case, accents, spacing or punctuation: "Tchap ", "tchap" → "tchap". */
export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const STOP_WORDS = new Set(['le', 'la', 'les', 'l', 'un', 'une', 'des', 'de', 'du', 'd', 'et', 'ou', 'a', 'au', 'aux', 'en', 'pour', 'sur', 'avec', 'the', 'of', 'and', 'to', 'je', 'voudrais', 'utiliser', 'decouvrir', 'apprendre', 'messagerie', 'outil', 'logiciel', 'application', 'plus']);

/** Free-text wishes grouped by their most telling keyword: "messagerie Tchap" and "tchap " count once. */
export function freeTextKey(text: string): string {
  const words = normaliseKeyword(text).split(' ').filter((w) => w.length > 1 && !STOP_WORDS.has(w));
  return words.length ? [...words].sort((a, b) => b.length - a.length || a.localeCompare(b))[0]! : normaliseKeyword(text);
}

interface Activity { id: string; type: string | null; name: string | null; extensions: unknown }

function activity(v: unknown): Activity | null {
  const a = obj(v);
  const id = str(a?.['id']);
  if (!a || !id || (a['objectType'] !== undefined && a['objectType'] !== 'Activity')) return null;
  const def = obj(a['definition']);
  return { id, type: str(def?.['type']), name: langString(def?.['name']), extensions: def?.['extensions'] };
}

const isCourse = (a: Activity) => a.type === ACTIVITY_TYPE.course || /\/courses?\//.test(a.id) || /[#/]course[-/=]/.test(a.id);
const isSession = (a: Activity) => a.type === ACTIVITY_TYPE.meeting || /\/sessions\/[^/]+$/.test(a.id);

/** The actor as stored by the LRS (its IFI text), computed the same way when only JSON is at hand. */
export function actorKey(actor: unknown): string | null {
  const a = obj(actor);
  if (!a) return null;
  const account = obj(a['account']);
  if (account && str(account['homePage']) && str(account['name'])) return `account:${String(account['homePage'])} ${String(account['name'])}`;
  if (str(a['mbox'])) return `mbox:${String(a['mbox'])}`;
  if (str(a['mbox_sha1sum'])) return `mbox_sha1sum:${String(a['mbox_sha1sum'])}`;
  if (str(a['openid'])) return `openid:${String(a['openid'])}`;
  return null;
}

/** Reads the facts of one statement into `out`; `actorIfi` is the LRS's column when known. */
export function extractFacts(statement: unknown, out: Facts, actorIfi?: string): void {
  const s = obj(statement);
  if (!s) return;
  const verb = str(obj(s['verb'])?.['id']);
  const actor = actorIfi ?? actorKey(s['actor']);
  const id = str(s['id']);
  const at = new Date(String(s['timestamp'] ?? s['stored'] ?? ''));
  if (!verb || !actor || !id || Number.isNaN(at.getTime()) || verb === VERB.voided) return;
  const stmt = id;
  const object = activity(s['object']);
  const context = obj(s['context']);
  const ca = obj(context?.['contextActivities']);
  const parents = arr(ca?.['parent']).map(activity).filter((a): a is Activity => a !== null);
  const groupings = arr(ca?.['grouping']).map(activity).filter((a): a is Activity => a !== null);
  const others = arr(ca?.['other']).map(activity).filter((a): a is Activity => a !== null);
  const cext = context?.['extensions'];
  const result = obj(s['result']);
  const rext = result?.['extensions'];

  // The session: the parent that is a session, else the object itself when it is one.
  const session = parents.find(isSession) ?? parents[0] ?? (object && isSession(object) ? object : null);
  const objectIsSession = Boolean(object && session && object.id === session.id);
  const course = groupings.find(isCourse) ?? null;
  const series = groupings.find((g) => g !== course) ?? null;
  const competences = others.filter((o) => o.type === ACTIVITY_TYPE.competency).map((o) => competenceCode(o));

  const service = str(ext(cext, EXT.service));
  const jobFamily = str(ext(cext, EXT.jobFamily));
  if (service || jobFamily) out.people.push({ actor, service, jobFamily, at, stmt });

  if (course) {
    // Instants writes `<base>/courses/<issuer>/<context id>`, each segment URI-encoded.
    const [issuerSeg, contextSeg] = course.id.replace(/\/+$/, '').split('/').slice(-2).map(safeDecode);
    out.courses.push({
      courseKey: course.id,
      issuer: str(ext(course.extensions, 'issuer')) ?? (issuerSeg && /^https?:\/\//.test(issuerSeg) ? issuerSeg : null),
      contextId: str(ext(course.extensions, 'context-id')) ?? contextSeg ?? null,
      title: course.name,
    });
  }
  if (!session) {
    if (NEED_VERBS.has(verb)) pushNeed(out, actor, object, result, cext, at, null);
    return;
  }
  const sessionKey = session.id;
  const sessionId = /\/sessions\/([^/?#]+)/.exec(sessionKey)?.[1] ?? null;
  out.sessions.push({
    sessionKey,
    sessionId,
    title: session.name,
    tool: str(ext(session.extensions, 'tool')) ?? str(ext(cext, 'tool')),
    seriesKey: series?.id ?? null,
    seriesTitle: series?.name ?? null,
    competences,
    at,
    stmt,
  });
  const participation = (p: Partial<ParticipationFact>) =>
    out.participation.push({ sessionKey, actor, courseKey: course?.id ?? null, launched: false, attended: false, completed: false, at, attendedAt: null, ...p });

  if (verb === VERB.launched) participation({ launched: true });
  else if (verb === VERB.attended) participation({ attended: true, attendedAt: at });
  else if (verb === VERB.completed && (objectIsSession || ext(cext, EXT.followUp) !== undefined || ext(rext, EXT.usedSince) !== undefined)) {
    participation({ completed: objectIsSession });
    const used = ext(rext, EXT.usedSince);
    if (typeof used === 'boolean') {
      out.followups.push({
        sessionKey,
        actor,
        usedSince: used,
        frequency: str(ext(rext, EXT.frequency)),
        obstacles: arr(ext(rext, EXT.obstacles)).filter((o): o is string => typeof o === 'string'),
        at,
        stmt,
      });
    }
  } else if (verb === VERB.experienced && object && !objectIsSession) {
    participation({});
    out.resources.push({ sessionKey, resourceKey: object.id, actor, title: object.name, at });
  } else if (verb === VERB.answered && object) {
    participation({});
    const certainty = Number(ext(rext, EXT.certainty) ?? ext(cext, EXT.certainty));
    out.answers.push({
      sessionKey,
      questionKey: object.id,
      actor,
      questionText: object.name ?? langString(obj(obj(s['object'])?.['definition'])?.['description']),
      success: typeof result?.['success'] === 'boolean' ? (result['success'] as boolean) : null,
      certainty: Number.isInteger(certainty) && certainty >= 1 && certainty <= 4 ? certainty : null,
      at,
      stmt,
    });
  } else if (object?.type === ACTIVITY_TYPE.competency) {
    const moment = ext(cext, EXT.moment) ?? ext(rext, EXT.moment);
    const raw = Number(obj(result?.['score'])?.['raw']);
    if (MOMENTS.includes(moment as Moment) && Number.isInteger(raw) && raw >= 1 && raw <= LEVEL_MAX) {
      participation({});
      out.positions.push({ sessionKey, competence: competenceCode(object), actor, moment: moment as Moment, level: raw, at, stmt });
    }
  } else if (verb === VERB.rated && objectIsSession) {
    const score = obj(result?.['score']);
    const raw = Number(score?.['raw']);
    const max = Number(score?.['max']);
    const scaled = Number(score?.['scaled']);
    const value = Number.isFinite(raw) && Number.isFinite(max) && max > 0 ? raw / max : Number.isFinite(scaled) ? scaled : NaN;
    if (value >= 0 && value <= 1) {
      participation({});
      out.ratings.push({ sessionKey, actor, scaled: value, at, stmt });
    }
  } else if (NEED_VERBS.has(verb)) {
    pushNeed(out, actor, object, result, cext, at, sessionKey);
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A competence's code: the definition's `code` extension, else the IRI's last segment (e.g. "2.3"). */
function competenceCode(a: Activity): string {
  return str(ext(a.extensions, 'code')) ?? decodeURIComponent(a.id.replace(/\/+$/, '').split('/').pop() ?? a.id);
}

function pushNeed(out: Facts, actor: string, object: Activity | null, result: Json | undefined, cext: unknown, at: Date, sessionKey: string | null): void {
  const response = str(result?.['response']);
  const declared = ext(object?.extensions, EXT.needType) ?? ext(cext, EXT.needType);
  let needType: NeedType = NEED_TYPES.includes(declared as NeedType) ? (declared as NeedType) : object?.type === ACTIVITY_TYPE.competency ? 'competence' : response ? 'free-text' : 'tool';
  let label = needType === 'free-text' ? (response ?? object?.name) : (object?.name ?? response);
  if (!label) return;
  label = label.trim();
  let needKey: string;
  if (needType === 'free-text') needKey = freeTextKey(label);
  else if (needType === 'competence' && object) needKey = competenceCode(object);
  else needKey = normaliseKeyword(label);
  if (!needKey) {
    needType = 'free-text';
    needKey = normaliseKeyword(label) || label;
  }
  out.needs.push({ actor, needType, needKey, day: at.toISOString().slice(0, 10), label, sessionKey });
}
