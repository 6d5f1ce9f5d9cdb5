import crypto from 'node:crypto';
import type { EventSession, LearningEvent, LearningEventKind } from '../../src/xapi';

/** Learning event factories for the xapi tests: one valid event of each kind, with overrides. */

export const ISSUER = 'https://moodle.test.ac-dijon.fr';

export function buildEventSession(o: Partial<EventSession> = {}): EventSession {
  return {
    id: crypto.randomUUID(),
    title: 'OpenStreetMap : cartographier son quartier',
    tool: 'OpenStreetMap',
    seriesId: 'midi-numerique',
    seriesTitle: 'Midis du numérique',
    course: { issuer: ISSUER, contextId: 'course-42', title: 'Instants numériques 2026' },
    competences: [{ framework: 'crcn', code: '1.1', title: "Mener une recherche et une veille d'information" }],
    ...o,
  };
}

const base = (o: { sub?: string; session?: EventSession } = {}) => ({
  id: crypto.randomUUID(),
  actor: { issuer: ISSUER, sub: o.sub ?? '1234' },
  session: o.session ?? buildEventSession(),
  at: new Date('2026-11-20T12:15:00Z'),
  language: 'fr',
});

/** One valid event of a kind. */
export function buildEvent(kind: LearningEventKind, o: { sub?: string; session?: EventSession } = {}): LearningEvent {
  const b = base(o);
  switch (kind) {
    case 'launched':
      return { ...b, kind };
    case 'attended':
      return { ...b, kind, method: 'qr' };
    case 'resource-opened':
      return { ...b, kind, resource: { id: 'res-1', title: 'Guide de démarrage', type: 'slides', url: 'https://www.openstreetmap.org/welcome' } };
    case 'question-answered':
      return {
        ...b,
        kind,
        quiz: { id: 'quiz-1', title: 'Quiz OpenStreetMap' },
        question: {
          id: 'q-1',
          text: 'Qui peut modifier la carte ?',
          interactionType: 'choice',
          choices: [
            { id: 'a', text: 'Tout le monde' },
            { id: 'b', text: 'Seulement les géomètres' },
          ],
          correct: ['a'],
          competence: '1.1',
        },
        response: ['a'],
        success: true,
        certainty: 3,
      };
    case 'quiz-completed':
      return { ...b, kind, quiz: { id: 'quiz-1', title: 'Quiz OpenStreetMap', masteryScore: 0.6 }, score: { raw: 4, max: 5 }, passed: true, durationSeconds: 95.5 };
    case 'self-positioned':
      return { ...b, kind, competence: { framework: 'crcn', code: '1.1', title: "Mener une recherche et une veille d'information" }, level: 3, moment: 'then' };
    case 'need-expressed':
      return { ...b, kind, need: { type: 'free-text', id: null, label: 'Tchap pour les réunions de service' } };
    case 'rated':
      return { ...b, kind, rating: { value: 4, max: 5 }, comment: 'Très concret, merci !' };
    case 'follow-up-completed':
      return { ...b, kind, usedSince: true, frequency: 'weekly', purposes: ['cartes de sorties scolaires'], obstacles: [] };
    case 'session-completed':
      return { ...b, kind, score: { scaled: 1 } };
    case 'session-presented':
      return { ...b, kind };
  }
}

export const ALL_KINDS: LearningEventKind[] = [
  'launched',
  'attended',
  'resource-opened',
  'question-answered',
  'quiz-completed',
  'self-positioned',
  'need-expressed',
  'rated',
  'follow-up-completed',
  'session-completed',
  'session-presented',
];
