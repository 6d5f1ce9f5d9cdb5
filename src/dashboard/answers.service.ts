import type { DashboardDeps } from './dashboard.service';
import type { PairSummary } from './dashboard.repo';
import * as repo from './dashboard.repo';
import { protect } from './disclosure';
import * as facts from './facts.repo';
import { LEVEL_MAX } from './dashboard.vocabulary';
import { previousPeriod, termsOf, yearPeriod, type Period } from './periods';
import { gainCells, pairCountShown } from './session.service';
import { isEmerging, mean, pairedEffectSize, trend, type PairedEffect } from './stats';
import { countByView, protectUniverse, viewId, viewsOf, type Dim, type Located } from './universe';

/**
 * The pages that pool answers across sessions (competences, needs). They are computed over every view of
 * the school year at once (the year and its terms, each alone or with one series, service or job family)
 * so that the disclosure layer protects all of them together; the requested view is then read out.
 */

export interface AnswerView {
  period: Period;
  dim: Dim;
  value: string;
  courses?: string[];
}

interface Pair extends Located {
  competence: string;
  kind: 'prospective' | 'retrospective';
  pre: number;
  post: number;
}

/** Paired self-positioning: (before, after) and (then, after) per person, session and competence. */
function pairsOf(rows: facts.PositionRow[], people: Map<string, facts.ParticipationRow>): Pair[] {
  const by = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const k = `${r.sessionKey}\u0000${r.actor}\u0000${r.competence}`;
    by.set(k, { ...(by.get(k) ?? {}), [r.moment]: r.level });
  }
  const out: Pair[] = [];
  for (const [k, m] of by) {
    const [sessionKey, actor, competence] = k.split('\u0000') as [string, string, string];
    const p = people.get(`${sessionKey}\u0000${actor}`);
    if (!p || m.after === undefined) continue;
    if (m.before !== undefined) out.push({ ...p, competence, kind: 'prospective', pre: m.before, post: m.after });
    if (m.then !== undefined) out.push({ ...p, competence, kind: 'retrospective', pre: m.then, post: m.after });
  }
  return out;
}

/** The SQL summary of pairs (dashboard.repo `pairSummaries`), computed from rows. */
export function summarise(competence: string, kind: Pair['kind'], pairs: Array<{ pre: number; post: number }>): PairSummary {
  const kept = pairs.filter((p) => p.pre < LEVEL_MAX);
  const g = kept.map((p) => (p.post - p.pre) / (LEVEL_MAX - p.pre));
  const e = pairedEffectSize(pairs);
  return {
    competence, kind, pairs: kept.length, excludedAtMax: pairs.length - kept.length,
    avgGain: mean(g), meanPre: mean(kept.map((p) => p.pre)), meanPost: mean(kept.map((p) => p.post)), meanDiff: e.meanDiff, sdDiff: e.sdDiff,
    negative: g.filter((x) => x < 0).length, low: g.filter((x) => x >= 0 && x < 0.3).length, medium: g.filter((x) => x >= 0.3 && x <= 0.7).length, high: g.filter((x) => x > 0.7).length,
  };
}

function yearRows(deps: DashboardDeps, schoolYear: number, courses: string[] | undefined) {
  return deps.memo(`answers|${schoolYear}|${JSON.stringify(courses ?? null)}`, () => loadYear(deps, schoolYear, courses));
}

async function loadYear(deps: DashboardDeps, schoolYear: number, courses: string[] | undefined) {
  const y = yearPeriod(schoolYear);
  const scope = { from: y.from, until: y.until, courses };
  const [participations, positions, needs, sessions] = await Promise.all([facts.participationRows(deps.db, scope), facts.positionRows(deps.db, scope), facts.needRows(deps.db, scope), facts.sessionInfos(deps.db, scope)]);
  const people = new Map(participations.map((p) => [`${p.sessionKey}\u0000${p.actor}`, p]));
  const periods = [y, ...termsOf(schoolYear)];
  return { periods, participations, people, positions, needs, sessions, views: viewsOf(periods, participations) };
}

/** Views whose population is below the threshold: shown as a notice, every cell hidden. */
function closedViews(views: ReturnType<typeof viewsOf>, participations: Located[], min: number): Set<string> {
  const pop = countByView(views, participations, () => ['people']);
  return new Set(views.filter((v) => (pop.get(v.id)?.get('people') ?? 0) < min).map((v) => v.id));
}

/** The competences page: per competence, sessions covering it, pooled prospective gains and Borich gaps. */
export async function competences(deps: DashboardDeps, v: AnswerView, codes: string[]) {
  const min = deps.privacy.minGroup;
  const { y, closed, pop, pairs, nU, bU, latest, target, targets } = await competenceUniverse(deps, v.period.schoolYear, v.courses, codes);
  const id = viewId(v.period, v.dim, v.value);
  const people = pop.get(id)?.get('people') ?? 0;
  if (closed.has(id) || !y.views.some((x) => x.id === id)) return { tooFew: true as const, people };
  const inV = (p: Located) => inViewOf(v, p);
  const viewSessions = new Set(y.participations.filter(inV).map((p) => p.sessionKey));
  const rows = codes.map((code) => {
    const n = nU.get(id, code);
    const mine = n !== null && n >= min ? pairs.filter((p) => p.competence === code && inV(p)) : [];
    const sum = mine.length ? summarise(code, 'prospective', mine) : null;
    const bPeople = bU.get(id, code);
    const gaps = bPeople !== null && bPeople >= min ? latest.filter((l) => l.competence === code && inV(l)).map((l) => ({ t: target.get(`${l.competence}|${l.jobFamily}`)!, self: l.level })) : [];
    const meanTarget = mean(gaps.map((x) => x.t));
    const meanGap = mean(gaps.map((x) => x.t - x.self));
    return {
      code,
      sessions: y.sessions.filter((s) => viewSessions.has(s.sessionKey) && s.competences.includes(code)).length,
      n,
      averageOfGains: sum?.avgGain ?? null,
      effect: sum ? (pairedEffectSize(mine) as PairedEffect) : null,
      borich: meanTarget !== null && meanGap !== null ? meanGap * meanTarget : null,
      borichPeople: bPeople,
    };
  });
  const ranking = rows.filter((r) => r.borich !== null).sort((a, b) => b.borich! - a.borich! || a.code.localeCompare(b.code));
  return { tooFew: false as const, people, rows, ranking, targets, jobFamilies: await repo.jobFamilies(deps.db), released: [...nU.released, ...bU.released] };
}

/** Every view's pair counts and Borich counts for a school year and scope, protected together (cached). */
function competenceUniverse(deps: DashboardDeps, schoolYear: number, courses: string[] | undefined, codes: string[]) {
  return deps.memo(`competences|${schoolYear}|${JSON.stringify(courses ?? null)}`, async () => {
    const min = deps.privacy.minGroup;
    const y = await yearRows(deps, schoolYear, courses);
    const closed = closedViews(y.views, y.participations, min);
    const pop = countByView(y.views, y.participations, () => ['people']);
    const pairs = pairsOf(y.positions, y.people).filter((p) => p.kind === 'prospective');
    // Each session's gain rows as its own page releases them (fixed cells of the universe).
    const sessionCells = new Map<string, Array<{ periodIds: string[]; id: string; value: number; shown: boolean }>>();
    for (const s of [...new Set(pairs.map((p) => p.sessionKey))].sort()) {
      const mine = pairs.filter((p) => p.sessionKey === s);
      const summaries = [...new Set(mine.map((p) => p.competence))].sort().map((c) => summarise(c, 'prospective', mine.filter((p) => p.competence === c)));
      const g = gainCells(summaries);
      const rel = protect(g.cells, g.relations, { min });
      const heldAt = mine[0]!.heldAt;
      const periodIds = y.periods.filter((p) => heldAt >= p.from && heldAt < p.until).map((p) => p.id);
      for (const sum of summaries) sessionCells.set(sum.competence, [...(sessionCells.get(sum.competence) ?? []), { periodIds, id: `s:${s}`, value: sum.pairs, shown: pairCountShown(rel, sum.competence, 'prospective') }]);
    }
    const kept = pairs.filter((p) => p.pre < LEVEL_MAX);
    const nU = protectUniverse({ views: y.views, counts: countByView(y.views, kept, (p) => [p.competence], { additive: true }), positions: codes, min: () => min, additive: true, closed, sessions: (c) => sessionCells.get(c) ?? [] });
    const targets = await repo.listTargets(deps.db);
    const target = new Map(targets.map((t) => [`${t.competence}|${t.jobFamily}`, t.level]));
    const latest = latestLevels(y.positions, y.people).filter((l) => target.has(`${l.competence}|${l.jobFamily}`));
    const bU = protectUniverse({ views: y.views, counts: countByView(y.views, latest, (l) => [l.competence]), positions: codes, min: () => min, closed });
    return { y, closed, pop, pairs, nU, bU, latest, target, targets };
  });
}

const inViewOf = (v: AnswerView, r: Located) =>
  r.heldAt >= v.period.from && r.heldAt < v.period.until && (v.dim === 'all' || (v.dim === 'series' ? r.series : v.dim === 'service' ? r.service : r.jobFamily) === v.value);

/** Each person's latest self-assessed level (before or after) per competence and session context. */
function latestLevels(rows: facts.PositionRow[], people: Map<string, facts.ParticipationRow>) {
  const out: Array<Located & { competence: string; level: number; at: Date }> = [];
  for (const r of rows) {
    if (r.moment !== 'before' && r.moment !== 'after') continue;
    const p = people.get(`${r.sessionKey}\u0000${r.actor}`);
    if (p) out.push({ ...p, competence: r.competence, level: r.level, at: r.at });
  }
  // One row per person and competence in each view would need the view; the latest overall is kept.
  const best = new Map<string, (typeof out)[number]>();
  for (const r of out.sort((a, b) => a.at.getTime() - b.at.getTime())) best.set(`${r.actor}|${r.competence}`, r);
  return [...best.values()];
}

export const EMERGING_RATIO = 1.5;

/** Needs in distinct people against the previous period of the same kind; free text needs the higher threshold. */
export async function emergingNeeds(deps: DashboardDeps, v: AnswerView, offersContext: string | null | undefined) {
  const { minGroup, minGroupText } = deps.privacy;
  const minFor = (pos: string) => (pos.startsWith('free-text|') ? minGroupText : minGroup);
  const released = async (p: Period) => ({ ...(await needsUniverse(p.schoolYear)), id: viewId(p, v.dim, v.value) });
  const needsUniverse = (schoolYear: number) => deps.memo(`needs|${schoolYear}|${JSON.stringify(v.courses ?? null)}`, async () => {
    const y = await yearRows(deps, schoolYear, v.courses);
    const located = y.needs.map((n) => ({ ...y.people.get(`${n.sessionKey}\u0000${n.actor}`)!, need: `${n.type}|${n.key}`, label: n.label })).filter((n) => n.actor);
    const positions = [...new Set(located.map((n) => n.need))].sort();
    const closed = closedViews(y.views, y.participations, minGroup);
    const u = protectUniverse({ views: y.views, counts: countByView(y.views, located, (n) => [n.need]), positions, min: minFor, closed });
    const labels = new Map<string, string>();
    for (const n of located) if (!labels.has(n.need) || n.label < labels.get(n.need)!) labels.set(n.need, n.label);
    return { u, positions, labels };
  });
  const cur = await released(v.period);
  const prevPeriod = previousPeriod(v.period);
  const prev = await released(prevPeriod);
  const needs = cur.positions
    .map((pos) => {
      const current = cur.u.get(cur.id, pos);
      const previous = prev.u.get(prev.id, pos);
      const [type, key] = pos.split('|') as [string, string];
      const min = minFor(pos);
      return { type, key, label: cur.labels.get(pos)!, current, previous, trend: current !== null && previous !== null ? trend(current, previous) : null, emerging: current !== null && previous !== null && isEmerging(current, previous, min, EMERGING_RATIO) };
    })
    .filter((n): n is typeof n & { current: number } => n.current !== null && n.current > 0);
  const hidden = cur.positions.filter((pos) => cur.u.get(cur.id, pos) === null).length;
  // Offers to present a tool: their authors are named on the organisers' offers page; small counts hidden all the same.
  const offerRows = await repo.offers(deps.db, { from: v.period.from, until: v.period.until }, offersContext);
  const offers = offerRows.map((o) => ({ tool: o.tool, people: o.people >= minGroup ? o.people : null }));
  return { needs: needs.sort((a, b) => b.current - a.current || a.label.localeCompare(b.label)), hidden, offers, released: cur.u.released };
}
