import type { LearningEvent, EventSession } from '../../src/xapi/events';
import { statementsOf, type PersonProfile } from '../../src/dashboard/demo-statements';
import { seededRandom } from '../../src/platform/random';

export const BASE = 'https://instants.test/xapi';
export const ISSUER = 'https://moodle.test.ac-dijon.fr';
export const PSEUDONYM_KEY = 'test-pseudonym-key-0123456789abcdef0123456789';

/** Deterministic, so that failing sequences can be replayed. */
export const rng = seededRandom;

export function session(id: string, o: Partial<EventSession> = {}): EventSession {
  return {
    id,
    title: `Session ${id.slice(0, 4)}`,
    tool: 'Tchap',
    seriesId: 'series-1',
    seriesTitle: 'Instants 2026',
    course: { issuer: ISSUER, contextId: 'course-1', title: 'Cours 1' },
    competences: [{ framework: 'crcn', code: '2.1', title: 'Interagir' }],
    ...o,
  };
}

/** A statement for one event of person `sub`, with their service. */
export function st(sub: string, at: string, s: EventSession, e: DistributiveOmit<LearningEvent, 'actor' | 'at' | 'session' | 'language'>, profile: Partial<PersonProfile> = {}) {
  return statementsOf({ ...e, actor: { issuer: ISSUER, sub }, at: new Date(at), session: s, language: 'fr' } as LearningEvent, { service: 'DANE', jobFamily: null, ...profile }, { baseIri: BASE, pseudonymKey: PSEUDONYM_KEY })[0]!;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Random statements over a few people and sessions, exercising every fact kind and merge rule. */
export function randomStatements(seed: number, count: number) {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sessions = ['a1111111-0000-4000-8000-000000000001', 'a1111111-0000-4000-8000-000000000002', 'a1111111-0000-4000-8000-000000000003'].map((id, i) =>
    session(id, { title: pick(['Tchap', 'Pix', 'Nuage']), course: { issuer: ISSUER, contextId: `course-${i % 2}`, title: null } }),
  );
  const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < count; i++) {
    const at = new Date(Date.UTC(2026, 0, 1 + Math.floor(r() * 60), Math.floor(r() * 24))).toISOString();
    const s = pick(sessions);
    const who = pick(people);
    const profile = { service: pick(['DANE', 'DSDEN 21', null]), jobFamily: pick(['admin', 'teacher', null]) };
    const kind = Math.floor(r() * 9);
    const e =
      kind === 0 ? { kind: 'launched' as const }
      : kind === 1 ? { kind: 'attended' as const, method: 'qr' as const }
      : kind === 2 ? { kind: 'resource-opened' as const, resource: { id: 'r1', title: pick(['Guide', 'Vidéo']), type: 'link' as const, url: pick(['https://ex.fr/a', 'https://ex.fr/b']) } }
      : kind === 3 ? { kind: 'question-answered' as const, quiz: { id: 'q', title: 'Quiz' }, question: { id: pick(['1', '2']), text: 'Q', interactionType: 'choice' as const, choices: [], correct: ['a'], competence: null }, response: ['a'], success: r() < 0.5, certainty: pick([null, 1, 4]) }
      : kind === 4 ? { kind: 'self-positioned' as const, competence: { framework: 'crcn', code: '2.1', title: 'Interagir' }, level: 1 + Math.floor(r() * 8), moment: pick(['before', 'after', 'then'] as const) }
      : kind === 5 ? { kind: 'rated' as const, rating: { value: 1 + Math.floor(r() * 5), max: 5 }, comment: null }
      : kind === 6 ? { kind: 'follow-up-completed' as const, usedSince: r() < 0.5, frequency: 'weekly', purposes: [], obstacles: r() < 0.5 ? ['time'] : [] }
      : kind === 7 ? { kind: 'need-expressed' as const, need: pick([{ type: 'tool' as const, id: 'osm', label: 'OpenStreetMap' }, { type: 'free-text' as const, id: null, label: pick(['Tchap', 'tchap ', 'messagerie Tchap']) }]) }
      : { kind: 'session-completed' as const, score: null };
    // Some statements share a timestamp, to exercise the statement-id tie-break.
    out.push(st(who, i % 7 === 0 && out.length ? (out[out.length - 1]!.timestamp as string) : at, s, e, profile));
  }
  return out;
}
