import type { DbOrTx } from '../platform/db/client';
import type { Json } from './ifi';
import { storeStatements } from './store.service';
import { seededRandom } from '../platform/random';

/**
 * A deterministic generator of realistic statements for load tests and benchmarks: people attend sessions,
 * answer quizzes, complete and rate them, over two years, each person with one registration per session.
 */

const VERBS = ['launched', 'attended', 'experienced', 'answered', 'completed', 'passed', 'failed', 'rated'].map((v) => `http://adlnet.gov/expapi/verbs/${v}`);
const BASE = 'https://instants.ac-dijon.fr/xapi';

/** The seeded generator of the LRS seeds (kept under this name for its callers). */
export const prng = seededRandom;

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);
/** A deterministic UUID (version 4 layout) from two numbers. */
export const seededUuid = (a: number, b: number) => `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b, 3)}-8${hex(a >>> 4, 3)}-${hex(a * 7919 + b, 12)}`;

/** Shape of the generated population for `count` statements. */
export function population(count: number) {
  return { people: Math.max(10, Math.round(count / 40)), sessions: Math.max(5, Math.round(Math.sqrt(count) / 2)) };
}

/** The person (actor) number `p` of the generated population. */
export const seededActor = (p: number): Json => ({ objectType: 'Agent', account: { homePage: 'https://moodle.ac-dijon.fr', name: `p${p}` } });
export const seededSession = (s: number) => `${BASE}/sessions/${s}`;
export const seededRegistration = (p: number, s: number) => seededUuid(p + 1, s + 1);
export { VERBS as SEEDED_VERBS };

/** Statement number `i` of a data set of `count`; the same (i, count, seed) always give the same statement. */
export function seededStatement(i: number, count: number, random: () => number, salt = 0x5eed): Json {
  const { people, sessions } = population(count);
  const p = Math.floor(random() * people);
  const s = Math.floor(random() * sessions);
  const verb = VERBS[Math.floor(random() * VERBS.length)]!;
  const statement: Json = {
    id: seededUuid(i + 1, salt),
    actor: seededActor(p),
    verb: { id: verb, display: { 'fr-FR': verb.split('/').pop()! } },
    object: { objectType: 'Activity', id: seededSession(s), definition: { name: { 'fr-FR': `Instant numérique ${s}` }, type: 'http://adlnet.gov/expapi/activities/meeting' } },
    context: {
      registration: seededRegistration(p, s),
      platform: 'Instants',
      language: 'fr-FR',
      contextActivities: { grouping: [{ id: `${BASE}/series/${s % 12}` }], category: [{ id: `${BASE}/profile` }] },
    },
  };
  if (verb.endsWith('answered') || verb.endsWith('passed') || verb.endsWith('failed')) {
    statement.result = { score: { raw: Math.floor(random() * 11), min: 0, max: 10 }, success: !verb.endsWith('failed'), duration: `PT${Math.floor(random() * 600)}S` };
  }
  if (random() < 0.2) statement.context.instructor = seededActor(Math.floor(random() * people));
  return statement;
}

/**
 * Stores `count` generated statements through `storeStatements`, `batch` per transaction, with `stored`
 * spread evenly over the two years before `end`; calls `onProgress` after each batch.
 */
export async function seedStatements(
  db: { transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> },
  count: number,
  options: { batch?: number; seed?: number; end?: Date; onProgress?: (n: number) => void } = {},
): Promise<void> {
  const batch = options.batch ?? 1000;
  const random = prng(options.seed ?? 42);
  const end = (options.end ?? new Date()).getTime();
  const span = 2 * 365 * 24 * 3600 * 1000;
  for (let from = 0; from < count; from += batch) {
    const n = Math.min(batch, count - from);
    // Statement ids depend on the seed, so that runs with different seeds add to each other.
    const statements = Array.from({ length: n }, (_, k) => seededStatement(from + k, count, random, 0x5eed ^ (options.seed ?? 42)));
    const stored = new Date(end - span + Math.floor((span * from) / count));
    await db.transaction((tx) => storeStatements(tx, statements, { version: '1.0.3', stored }));
    options.onProgress?.(n);
  }
}
