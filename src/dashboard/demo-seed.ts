import { storeStatements } from '../lrs';
import type { Db } from '../platform/db/client';
import type { EventSession, LearningEvent } from '../xapi/events';
import { CRCN } from './crcn';
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
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

const SERVICES = ['DANE', 'DSI', 'DRH', 'DAFPIC', 'DSDEN 21', 'DSDEN 58', 'DSDEN 71', 'DSDEN 89', 'DRAJES', 'DRAIO', 'Cabinet', 'DEC'];
const FAMILIES = ['administratif', 'encadrement', 'technique', 'enseignant'];
const TOOLS: Array<{ tool: string; competences: string[]; resources: string[] }> = [
  { tool: 'Tchap', competences: ['2.1', '2.3'], resources: ['Guide de démarrage Tchap', 'Créer un salon'] },
  { tool: 'Nuage (apps.education.fr)', competences: ['1.2', '2.2'], resources: ['Partager un dossier', 'Synchroniser son poste'] },
  { tool: 'Pix', competences: ['5.2', '1.1'], resources: ['Parcours de rentrée', 'Certification Pix'] },
  { tool: 'OpenStreetMap', competences: ['1.3', '2.2'], resources: ['Contribuer à OSM', 'uMap en 10 minutes'] },
  { tool: 'LibreOffice Calc', competences: ['1.3', '3.1'], resources: ['Tableaux croisés dynamiques'] },
  { tool: 'Digipad', competences: ['2.3', '3.2'], resources: ['Créer un mur collaboratif'] },
  { tool: 'PeerTube', competences: ['3.2', '2.2'], resources: ['Publier une vidéo', 'Sous-titrer'] },
  { tool: 'Zotero', competences: ['1.1', '1.2'], resources: ['Constituer une bibliographie'] },
  { tool: 'Mots de passe et double authentification', competences: ['4.1', '4.2'], resources: ['Gestionnaire KeePassXC'] },
  { tool: 'Visio-agents', competences: ['2.1', '5.1'], resources: ['Organiser une visio'] },
  { tool: 'Sobriété numérique', competences: ['4.3', '5.2'], resources: ['Mesurer son empreinte'] },
  { tool: 'Wikipédia', competences: ['1.1', '3.1'], resources: ['Première contribution'] },
];
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
  const sessionCount = o.sessions ?? 36;
  const people = Array.from({ length: peopleCount }, (_, i) => ({
    sub: `demo-${i + 1}`,
    profile: { service: SERVICES[Math.floor(Math.pow(r(), 1.6) * SERVICES.length)]!, jobFamily: pick(FAMILIES) } as PersonProfile,
    skill: 1 + r() * 4,
  }));
  const start = new Date(o.end.getTime() - 365 * 86_400_000);
  const course = { issuer: o.issuer, contextId: o.contextId, title: o.contextTitle };
  let written = 0;
  for (let k = 0; k < sessionCount; k++) {
    const spec = TOOLS[k % TOOLS.length]!;
    const at = new Date(start.getTime() + Math.floor(((k + 0.5) / sessionCount) * 350) * 86_400_000 + 10.5 * 3600_000);
    const session: EventSession = {
      id: `d${String(k).padStart(7, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}`,
      title: `Instant numérique : ${spec.tool}`,
      tool: spec.tool,
      seriesId: 'instants-2025-2026',
      seriesTitle: 'Instants numériques 2025-2026',
      course,
      competences: spec.competences.map((code) => ({ framework: 'crcn', code, title: CRCN.find((c) => c.code === code)?.title ?? code })),
    };
    const size = 15 + Math.floor(r() * 30);
    const chosen = new Set<number>();
    while (chosen.size < size) chosen.add(Math.floor(r() * peopleCount));
    const events: Array<{ e: LearningEvent; profile: PersonProfile }> = [];
    const questions = [1, 2, 3, 4].map((q) => ({ id: `q${q}`, text: `${spec.tool} — question ${q}`, difficulty: 0.35 + 0.15 * q + (r() - 0.5) * 0.2 }));
    for (const idx of chosen) {
      const p = people[idx]!;
      const base = { actor: { issuer: o.issuer, sub: p.sub }, session, language: 'fr' };
      const ev = (minutes: number, e: Record<string, unknown>) => events.push({ e: { ...base, at: new Date(at.getTime() + minutes * 60_000), ...e } as LearningEvent, profile: p.profile });
      ev(-60 * 24 * (1 + Math.floor(r() * 6)), { kind: 'launched' });
      if (r() > 0.85) continue; // registered but did not come
      ev(Math.floor(r() * 10), { kind: 'attended', method: pick(['qr', 'code', 'manual']) });
      for (const c of session.competences) {
        const before = clamp(p.skill + (r() - 0.3) * 2);
        const then = clamp(before - (r() < 0.4 ? 1 : 0));
        const after = clamp(then + (8 - then) * (0.15 + r() * 0.5));
        ev(-5, { kind: 'self-positioned', competence: c, level: before, moment: 'before' });
        ev(55, { kind: 'self-positioned', competence: c, level: then, moment: 'then' });
        ev(56, { kind: 'self-positioned', competence: c, level: after, moment: 'after' });
      }
      for (const res of spec.resources) if (r() < 0.7) ev(20 + Math.floor(r() * 30), { kind: 'resource-opened', resource: { id: res, title: res, type: 'link', url: `https://ressources.ac-dijon.fr/${encodeURIComponent(res)}` } });
      let score = 0;
      for (const q of questions) {
        const success = r() > q.difficulty - p.skill * 0.05;
        score += success ? 1 : 0;
        ev(45, { kind: 'question-answered', quiz: { id: `quiz-${k}`, title: 'Quiz' }, question: { id: q.id, text: q.text, interactionType: 'choice', choices: [], correct: ['a'], competence: null }, response: [success ? 'a' : 'b'], success, certainty: 1 + Math.floor(r() * 4) });
      }
      ev(46, { kind: 'quiz-completed', quiz: { id: `quiz-${k}`, title: 'Quiz', masteryScore: 0.75 }, score: { raw: score, max: 4 }, passed: score >= 3, durationSeconds: 120 });
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
