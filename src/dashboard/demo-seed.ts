import { storeStatements } from '../lrs';
import type { Db } from '../platform/db/client';
import type { EventSession, LearningEvent } from '../xapi/events';
import { CRCN } from './crcn';
import { planDemoSessions, type DemoQuestion } from './demo-plan';
import { statementsOf, type PersonProfile } from './demo-statements';
import { upsertTarget } from './dashboard.repo';
import { seededRandom } from '../platform/random';

/**
 * A realistic year of Instants for a newcomer: one series of weekly lunchtime sessions on real tools,
 * hundreds of staff across the rectorat and DSDEN services, with check-ins, resources, quizzes with
 * confident errors, self-positioning with plausible gains, ratings, needs (one of them rising) and D+30
 * follow-ups. Deterministic for a given seed. Statements go through the LRS's `storeStatements`.
 */

export interface DemoOptions {
  baseIri: string;
  pseudonymKey: string;
  /** The LMS the demo launches come from, so that the demo organiser sees the data. */
  issuer: string;
  contextId: string;
  contextTitle: string;
  /** Last day of the year of data. */
  end: Date;
  people?: number;
  sessions?: number;
  /** The catalogue's sessions to fill (seed --demo creates them first); otherwise sessions that exist only in the statements. */
  records?: DemoSessionRecord[];
  seed?: number;
  onProgress?: (done: number, total: number) => void;
  /** Each person who came to a session, for the activity tables (attendance, completion). */
  onAttendance?: (a: DemoAttendance) => void;
}

/** One session of the catalogue, with what its statements name: series, competences, resources, quiz. */
export interface DemoSessionRecord {
  id: string;
  title: string;
  tool: string;
  startsAt: Date;
  seriesId: string | null;
  seriesTitle: string | null;
  competences: Array<{ framework: string; code: string; title: string }>;
  resources: Array<{ id: string; title: string; url: string }>;
  quiz: { title: string; masteryPercent: number; questions: DemoQuestion[] };
}

/** Someone who came to a demo session: when, how, and when they completed it. */
export interface DemoAttendance {
  sessionId: string;
  sub: string;
  profile: PersonProfile;
  method: 'qr' | 'code' | 'manual';
  attendedAt: Date;
  completedAt: Date;
}

const SERVICES = ['DANE', 'DSI', 'DRH', 'DAFPIC', 'DSDEN 21', 'DSDEN 58', 'DSDEN 71', 'DSDEN 89', 'DRAJES', 'DRAIO', 'Cabinet', 'DEC'];
const FAMILIES = ['administratif', 'encadrement', 'technique', 'enseignant'];
const WISHES = ['Tchap', 'IA générative', 'Canva', 'Scratch', 'Excel avancé', 'Nuage', 'Framaforms', 'Accessibilité des documents'];
const FREE_TEXT = ['messagerie Tchap', 'tchap ', 'IA générative en classe', 'les IA génératives', 'faire des formulaires', 'RGPD au quotidien'];
const OBSTACLES = ['manque de temps', 'pas d’usage dans mon service', 'outil non installé', 'besoin d’accompagnement'];

const rng = seededRandom;

/** Fills the statement store with the demo year; returns the number of statements written. */
export async function seedDemo(db: Db, o: DemoOptions): Promise<number> {
  const r = rng(o.seed ?? 2026);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const clamp = (v: number) => Math.max(1, Math.min(8, Math.round(v)));
  const peopleCount = o.people ?? 450;
  const records = o.records ?? syntheticRecords(o.end, o.sessions ?? 36);
  const sessionCount = records.length;
  const people = Array.from({ length: peopleCount }, (_, i) => ({
    sub: `demo-${i + 1}`,
    profile: { service: SERVICES[Math.floor(Math.pow(r(), 1.6) * SERVICES.length)]!, jobFamily: pick(FAMILIES) } as PersonProfile,
    skill: 1 + r() * 4,
  }));
  const start = new Date(o.end.getTime() - 365 * 86_400_000);
  const course = { issuer: o.issuer, contextId: o.contextId, title: o.contextTitle };
  let written = 0;
  for (let k = 0; k < sessionCount; k++) {
    const record = records[k]!;
    const at = record.startsAt;
    const session: EventSession = { id: record.id, title: record.title, tool: record.tool, seriesId: record.seriesId, seriesTitle: record.seriesTitle, course, competences: record.competences };
    const quizRef = { id: `quiz-${record.id}`, title: record.quiz.title };
    const size = Math.min(peopleCount, 15 + Math.floor(r() * 30));
    const chosen = new Set<number>();
    while (chosen.size < size) chosen.add(Math.floor(r() * peopleCount));
    const events: Array<{ e: LearningEvent; profile: PersonProfile }> = [];
    const questions = record.quiz.questions.map((q, i) => ({ q, difficulty: 0.35 + 0.15 * (i + 1) + (r() - 0.5) * 0.2 }));
    for (const idx of chosen) {
      const p = people[idx]!;
      const base = { actor: { issuer: o.issuer, sub: p.sub }, session, language: 'fr' };
      const ev = (minutes: number, e: Record<string, unknown>) => events.push({ e: { ...base, at: new Date(at.getTime() + minutes * 60_000), ...e } as LearningEvent, profile: p.profile });
      ev(-60 * 24 * (1 + Math.floor(r() * 6)), { kind: 'launched' });
      if (r() > 0.85) continue; // registered but did not come
      const arrived = Math.floor(r() * 10);
      const method = pick(['qr', 'code', 'manual'] as const);
      ev(arrived, { kind: 'attended', method });
      o.onAttendance?.({ sessionId: record.id, sub: p.sub, profile: p.profile, method, attendedAt: new Date(at.getTime() + arrived * 60_000), completedAt: new Date(at.getTime() + 60 * 60_000) });
      for (const c of session.competences) {
        const before = clamp(p.skill + (r() - 0.3) * 2);
        const then = clamp(before - (r() < 0.4 ? 1 : 0));
        const after = clamp(then + (8 - then) * (0.15 + r() * 0.5));
        ev(-5, { kind: 'self-positioned', competence: c, level: before, moment: 'before' });
        ev(55, { kind: 'self-positioned', competence: c, level: then, moment: 'then' });
        ev(56, { kind: 'self-positioned', competence: c, level: after, moment: 'after' });
      }
      for (const res of record.resources) if (r() < 0.7) ev(20 + Math.floor(r() * 30), { kind: 'resource-opened', resource: { id: res.id, title: res.title, type: 'link', url: res.url } });
      let score = 0;
      for (const { q, difficulty } of questions) {
        const success = r() > difficulty - p.skill * 0.05;
        score += success ? 1 : 0;
        const correct = q.choices.filter((c) => c.correct).map((c) => c.id);
        const response = success ? correct : [q.choices.find((c) => !c.correct)!.id];
        const question = { id: `${quizRef.id}-${q.id}`, text: q.text, interactionType: 'choice' as const, choices: q.choices.map((c) => ({ id: c.id, text: c.text })), correct, competence: q.competence };
        ev(45, { kind: 'question-answered', quiz: quizRef, question, response, success, certainty: 1 + Math.floor(r() * 4) });
      }
      const max = questions.length;
      ev(46, { kind: 'quiz-completed', quiz: { ...quizRef, masteryScore: record.quiz.masteryPercent / 100 }, score: { raw: score, max }, passed: score * 100 >= record.quiz.masteryPercent * max, durationSeconds: 120 });
      if (r() < 0.8) ev(58, { kind: 'rated', rating: { value: Math.min(5, 3 + Math.floor(r() * 3)), max: 5 }, comment: null });
      // Needs: "IA générative" rises through the year.
      const progress = (at.getTime() - start.getTime()) / (365 * 86_400_000);
      if (r() < 0.5) ev(59, { kind: 'need-expressed', need: r() < progress * 0.6 ? { type: 'theme', id: 'ia', label: 'IA générative' } : { type: 'tool', id: null, label: pick(WISHES) } });
      if (r() < 0.25) ev(59, { kind: 'need-expressed', need: { type: 'free-text', id: null, label: pick(FREE_TEXT) } });
      if (r() < 0.2) {
        const wanted = pick([...CRCN]);
        ev(59, { kind: 'need-expressed', need: { type: 'competence', id: wanted.code, label: wanted.title } });
      }
      ev(60, { kind: 'session-completed', score: null });
      if (at.getTime() + 30 * 86_400_000 < o.end.getTime() && r() < 0.6) {
        const used = r() < 0.55;
        ev(30 * 24 * 60, { kind: 'follow-up-completed', usedSince: used, frequency: used ? pick(['chaque semaine', 'chaque mois']) : null, purposes: [], obstacles: used ? [] : [pick(OBSTACLES)] });
      }
    }
    const statements = events.flatMap(({ e, profile }) => statementsOf(e, profile, { baseIri: o.baseIri, pseudonymKey: o.pseudonymKey }));
    await db.transaction(async (tx) => {
      await storeStatements(tx, statements);
    });
    written += statements.length;
    o.onProgress?.(k + 1, sessionCount);
  }
  const targets: Array<[string, string, number]> = [['2.1', 'administratif', 5], ['2.1', 'encadrement', 6], ['4.1', 'administratif', 5], ['4.1', 'technique', 7], ['1.3', 'administratif', 4], ['1.3', 'technique', 6], ['2.3', 'encadrement', 6], ['4.2', 'encadrement', 6], ['5.2', 'enseignant', 5], ['3.2', 'enseignant', 5]];
  for (const [competence, jobFamily, level] of targets) await upsertTarget(db, { competence, jobFamily, level });
  return written;
}

/** Sessions that exist only in the statements (tests and benches of the dashboards): the plan with fixed ids. */
function syntheticRecords(end: Date, count: number): DemoSessionRecord[] {
  return planDemoSessions({ end, past: count, upcoming: 0 }).map((plan, k) => {
    const id = `d${String(k).padStart(7, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}`;
    return {
      id,
      title: plan.title,
      tool: plan.tool,
      startsAt: plan.startsAt,
      seriesId: 'instants-2025-2026',
      seriesTitle: 'Instants numériques 2025-2026',
      competences: plan.competences.map((c) => ({ ...c, title: CRCN.find((x) => x.code === c.code)?.title ?? c.code })),
      resources: plan.resources.map((res, i) => ({ id: `${id}-r${i + 1}`, title: res.title, url: res.url })),
      quiz: { title: 'Quiz', masteryPercent: 75, questions: plan.questions },
    };
  });
}
