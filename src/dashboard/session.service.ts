import * as repo from './dashboard.repo';
import type { DashboardDeps } from './dashboard.service';
import { protect, releaseMean, type CellInput, type Relation, type Released } from './disclosure';
import { LEVEL_MAX } from './dashboard.vocabulary';
import { pairedEffectFromSummary, type PairedEffect } from './stats';

/**
 * One session's page, every figure through the disclosure layer. Attendance (registered, present,
 * completed) and how many people answered each activity are shown as they are: the session's organisers
 * see them by name on the participants page. Answers are always protected: counts of 1 to min − 1, an
 * answer given by every respondent (they are named), and what would let either be worked out.
 */

const all = { courses: undefined } as repo.Filters;

export interface GainRow {
  competence: string;
  kind: 'prospective' | 'retrospective';
  n: number | null;
  excludedAtMax: number | null;
  averageOfGains: number | null;
  gainOfAverages: number | null;
  bands: { negative: number | null; low: number | null; medium: number | null; high: number | null };
  effect: PairedEffect | null;
}

/** The gains cells of one session: shared with the competences page, which must stay consistent with it. */
export function gainCells(rows: repo.PairSummary[], prefix = 'g'): { cells: CellInput[]; relations: Relation[] } {
  const cells: CellInput[] = [];
  const relations: Relation[] = [];
  for (const r of rows) {
    const id = `${prefix}:${r.competence}:${r.kind}`;
    cells.push({ id: `${id}:pairs`, value: r.pairs + r.excludedAtMax, fixed: 'shown' }, { id: `${id}:n`, value: r.pairs }, { id: `${id}:x`, value: r.excludedAtMax });
    relations.push({ total: `${id}:pairs`, parts: [`${id}:n`, `${id}:x`], named: true });
    const bands = ['negative', 'low', 'medium', 'high'] as const;
    for (const b of bands) cells.push({ id: `${id}:${b}`, value: r[b] });
    relations.push({ total: `${id}:n`, parts: bands.map((b) => `${id}:${b}`), named: true });
  }
  return { cells, relations };
}

/** Whether a session's pair count itself is released (the competences page pools released counts only). */
export const pairCountShown = (rel: Released, competence: string, kind: string, prefix = 'g') => rel.isShown(`${prefix}:${competence}:${kind}:n`);

/**
 * One session: attendance, resources, quiz items, self-positioning bands, gains, D+30 follow-up. `courses`
 * limits every figure to those courses' participants (a linking course's view, `session.access.ts`).
 */
export async function sessionDashboard(deps: DashboardDeps, sessionKey: string, courses: string[] | undefined = undefined) {
  const min = deps.privacy.minGroup;
  const f = { ...all, courses, session: sessionKey };
  const k = await repo.kpis(deps.db, f, undefined);
  if (k.people < min) return { tooFew: true as const, people: k.people };
  const [resources, itemRows, pairs, bands, fu] = await Promise.all([
    repo.resourceOpens(deps.db, f, undefined),
    repo.items(deps.db, f, undefined),
    repo.pairSummaries(deps.db, f, undefined, LEVEL_MAX),
    repo.bandCounts(deps.db, f, undefined),
    repo.followups(deps.db, f, undefined),
  ]);
  const cells: CellInput[] = [];
  const relations: Relation[] = [];
  const add = (id: string, value: number, fixed?: 'shown') => cells.push({ id, value, ...(fixed ? { fixed } : {}) });
  add('reg', k.people, 'shown');
  resources.forEach((r, i) => {
    add(`res:${i}`, r.people);
    add(`res:${i}:not`, Math.max(0, k.people - r.people));
    relations.push({ total: 'reg', parts: [`res:${i}`, `res:${i}:not`] });
  });
  itemRows.forEach((q, i) => {
    const id = `q:${i}`;
    add(`${id}:ans`, q.answered, 'shown');
    add(`${id}:ok`, q.succeeded);
    add(`${id}:ko`, q.answered - q.succeeded);
    add(`${id}:cert`, q.withCertainty);
    add(`${id}:nocert`, q.answered - q.withCertainty);
    add(`${id}:ce`, q.confidentErrors);
    add(`${id}:cother`, q.withCertainty - q.confidentErrors);
    add(`${id}:kother`, q.answered - q.succeeded - q.confidentErrors);
    relations.push(
      { total: `${id}:ans`, parts: [`${id}:ok`, `${id}:ko`], named: true },
      { total: `${id}:ans`, parts: [`${id}:cert`, `${id}:nocert`] },
      { total: `${id}:cert`, parts: [`${id}:ce`, `${id}:cother`] },
      { total: `${id}:ko`, parts: [`${id}:ce`, `${id}:kother`] },
    );
  });
  const bandKeys = [...new Set(bands.map((b) => `${b.competence}|${b.moment}`))];
  for (const key of bandKeys) {
    const rows = bands.filter((b) => `${b.competence}|${b.moment}` === key);
    add(`b:${key}`, rows.reduce((a, b) => a + b.people, 0), 'shown');
    for (const band of [1, 2, 3, 4]) add(`b:${key}:${band}`, rows.find((b) => b.band === band)?.people ?? 0);
    relations.push({ total: `b:${key}`, parts: [1, 2, 3, 4].map((b) => `b:${key}:${b}`), named: true });
  }
  // Protected on their own, exactly as the competences page recomputes them (it must agree with this page).
  const g = gainCells(pairs);
  const gains = protect(g.cells, g.relations, { min });
  add('fu:resp', fu.responded, 'shown');
  add('fu:used', fu.used);
  add('fu:not', fu.responded - fu.used);
  relations.push({ total: 'fu:resp', parts: ['fu:used', 'fu:not'], named: true });
  fu.obstacles.forEach((o, i) => {
    add(`ob:${i}`, o.people);
    add(`ob:${i}:not`, Math.max(0, fu.responded - o.people));
    relations.push({ total: 'fu:resp', parts: [`ob:${i}`, `ob:${i}:not`], named: true });
  });
  const rest = protect(cells, relations, { min });
  const rel = { get: (id: string) => (id.startsWith('g:') ? gains.get(id) : rest.get(id)), rate: (a: string, b: string) => rest.rate(a, b) };
  const c = (id: string) => rel.get(id);
  return {
    tooFew: false as const,
    released: [rest, gains],
    attendance: {
      registered: k.people,
      attendees: k.attendees,
      attendanceRate: k.registrations ? k.attendedRows / k.registrations : null,
      completionRate: k.attendedRows ? k.completedRows / k.attendedRows : null,
      satisfaction: k.satisfaction === null ? null : releaseMean(k.ratingPeople, k.satisfaction * 5, { lo: 1, hi: 5 }, min),
      raters: k.ratingPeople,
    },
    resources: resources.map((r, i) => ({ title: r.title, people: c(`res:${i}`) })),
    items: itemRows.map((q, i) => ({ question: q.question, answered: q.answered, successRate: rel.rate(`q:${i}:ok`, `q:${i}:ans`), confidentErrorRate: rel.rate(`q:${i}:ce`, `q:${i}:cert`) })),
    bands: bandKeys.map((key) => {
      const [competence, moment] = key.split('|') as [string, string];
      return { competence, moment, positioned: c(`b:${key}`), people: [1, 2, 3, 4].map((b) => c(`b:${key}:${b}`)) };
    }),
    gains: pairs.map((r): GainRow => {
      const id = `g:${r.competence}:${r.kind}`;
      // Averages over at least min pairs tell no one's answer, even when the exact count is hidden.
      const shown = r.pairs >= min;
      return {
        competence: r.competence,
        kind: r.kind,
        n: c(`${id}:n`),
        excludedAtMax: c(`${id}:x`),
        averageOfGains: shown ? r.avgGain : null,
        gainOfAverages: shown && r.meanPre !== null && r.meanPost !== null ? (r.meanPost - r.meanPre) / (LEVEL_MAX - r.meanPre) : null,
        bands: { negative: c(`${id}:negative`), low: c(`${id}:low`), medium: c(`${id}:medium`), high: c(`${id}:high`) },
        effect: shown ? pairedEffectFromSummary(r.pairs + r.excludedAtMax, r.meanDiff, r.sdDiff) : null,
      };
    }),
    followup: {
      attendees: fu.attendees,
      respondents: fu.responded,
      responseRate: fu.attendees ? fu.responded / fu.attendees : null,
      transferRate: rel.rate('fu:used', 'fu:resp'),
      // An obstacle whose count is hidden is not named either: its label would say that someone gave it.
      obstacles: fu.obstacles.map((o, i) => ({ obstacle: o.obstacle, people: c(`ob:${i}`) })).filter((o) => o.people !== null),
      someObstaclesHidden: fu.obstacles.some((_, i) => c(`ob:${i}`) === null),
    },
  };
}
