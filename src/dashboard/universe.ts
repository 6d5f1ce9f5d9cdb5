import { protect, type CellInput, type Relation, type Released } from './disclosure';
import type { Period } from './periods';

/**
 * Every view of a school year that the dashboards allow for one scope (an organiser's courses), computed
 * together so that the disclosure layer protects them together: two allowed views can never differ by a
 * small group, whichever two an organiser compares. A view is a period (the year or one of its terms) with
 * at most one filter: a series, a service or a job family.
 */

export type Dim = 'all' | 'series' | 'service' | 'job';

export interface View {
  id: string;
  period: Period;
  dim: Dim;
  value: string;
}

export const viewId = (period: Period, dim: Dim = 'all', value = '') => (dim === 'all' ? `${period.id}|all` : `${period.id}|${dim}:${value}`);

/** What a fact row needs for the views it belongs to. */
export interface Located {
  actor: string;
  sessionKey: string;
  heldAt: Date;
  series: string;
  service: string;
  jobFamily: string;
}

/** The views of the periods: each with no filter, and with each series, service and job family seen. */
export function viewsOf(periods: Period[], rows: Located[]): View[] {
  const values = (pick: (r: Located) => string) => [...new Set(rows.map(pick))].sort();
  const out: View[] = [];
  for (const period of periods) {
    out.push({ id: viewId(period), period, dim: 'all', value: '' });
    for (const [dim, pick] of [['series', (r: Located) => r.series], ['service', (r: Located) => r.service], ['job', (r: Located) => r.jobFamily]] as const) {
      for (const value of values(pick)) out.push({ id: viewId(period, dim, value), period, dim, value });
    }
  }
  return out;
}

export function inView(v: View, r: Located): boolean {
  if (r.heldAt < v.period.from || r.heldAt >= v.period.until) return false;
  if (v.dim === 'series') return r.series === v.value;
  if (v.dim === 'service') return r.service === v.value;
  if (v.dim === 'job') return r.jobFamily === v.value;
  return true;
}

/** Counts per view and position: distinct actors, or rows (`additive`: one row per person and session). */
export function countByView<R extends Located>(views: View[], rows: R[], positions: (r: R) => string[], o: { additive?: boolean } = {}): Map<string, Map<string, number>> {
  const ids = new Set(views.map((v) => v.id));
  const periods = [...new Map(views.map((v) => [v.period.id, v.period])).values()];
  const seen = new Map<string, Map<string, Set<string>>>();
  for (const r of rows) {
    const who = o.additive ? `${r.sessionKey} ${r.actor}` : r.actor;
    const pos = positions(r);
    // The views a row belongs to, directly: each period holding its date, alone or with its own groups.
    for (const p of periods) {
      if (r.heldAt < p.from || r.heldAt >= p.until) continue;
      for (const id of [viewId(p), viewId(p, 'series', r.series), viewId(p, 'service', r.service), viewId(p, 'job', r.jobFamily)]) {
        if (!ids.has(id)) continue;
        let byPos = seen.get(id);
        if (!byPos) seen.set(id, (byPos = new Map()));
        for (const x of pos) {
          let s = byPos.get(x);
          if (!s) byPos.set(x, (s = new Set()));
          s.add(who);
        }
      }
    }
  }
  return new Map(views.map((v) => [v.id, new Map([...(seen.get(v.id) ?? new Map<string, Set<string>>())].map(([x, s]) => [x, s.size]))]));
}

export interface UniverseInput {
  views: View[];
  /** Position → per view count. */
  counts: Map<string, Map<string, number>>;
  positions: string[];
  /** Threshold per position. */
  min: (position: string) => number;
  /** Rows counted once per person and session: the year is the sum of its terms, "all" the sum of its series. */
  additive?: boolean;
  /** Views shown as a notice only (too few people): every cell of theirs is hidden. */
  closed?: Set<string>;
  /** Views whose counts the viewer knows anyway (attendance they see by name): shown as they are. */
  known?: Set<string>;
  /** Per position, the session-level cells already released on the sessions' own pages (additive counts). */
  sessions?: (position: string) => Array<{ periodIds: string[]; id: string; value: number; shown: boolean }>;
}

/** Protects every position over every view; `get(viewId, position)` gives the released count or null. */
export function protectUniverse(u: UniverseInput): { get: (view: string, position: string) => number | null; released: Released[] } {
  const released = new Map<string, Released>();
  const byPeriod = new Map<string, View[]>();
  for (const v of u.views) byPeriod.set(v.period.id, [...(byPeriod.get(v.period.id) ?? []), v]);
  for (const pos of u.positions) {
    const value = (viewIdent: string) => u.counts.get(viewIdent)?.get(pos) ?? 0;
    const cells: CellInput[] = [];
    const relations: Relation[] = [];
    const cell = (id: string, v: number, fixed?: 'shown' | 'hidden') => cells.push({ id, value: v, ...(fixed ? { fixed } : {}) });
    for (const v of u.views) cell(v.id, value(v.id), u.closed?.has(v.id) ? 'hidden' : u.known?.has(v.id) ? 'shown' : undefined);
    for (const [, views] of byPeriod) {
      const all = views.find((v) => v.dim === 'all')!;
      // People belong to one service and one job family: the views of a period partition its people.
      for (const dim of ['service', 'job'] as const) relations.push({ total: all.id, parts: views.filter((v) => v.dim === dim).map((v) => v.id) });
      const series = views.filter((v) => v.dim === 'series');
      if (u.additive) relations.push({ total: all.id, parts: series.map((v) => v.id) });
      // A narrower view is the wider one less a group: that group's count must be 0 or at least the threshold.
      for (const s of series) nested(all.id, s.id);
    }
    // A period contains the shorter ones inside it (year ⊃ terms ⊃ months), for each filter.
    for (const wide of u.views) {
      const inside = u.views.filter((x) => x.dim === wide.dim && x.value === wide.value && x.period.id !== wide.period.id && x.period.from >= wide.period.from && x.period.until <= wide.period.until);
      const next = inside.filter((x) => x.period.kind === (wide.period.kind === 'year' ? 'term' : 'month'));
      if (u.additive && next.length && wide.period.kind !== 'month') relations.push({ total: wide.id, parts: next.map((x) => x.id) });
      for (const x of inside) nested(wide.id, x.id);
    }
    for (const s of u.sessions?.(pos) ?? []) {
      cell(s.id, s.value, s.shown ? 'shown' : 'hidden');
    }
    if (u.sessions) {
      for (const [periodId, views] of byPeriod) {
        const all = views.find((v) => v.dim === 'all')!;
        relations.push({ total: all.id, parts: (u.sessions(pos) ?? []).filter((s) => s.periodIds.includes(periodId)).map((s) => s.id) });
      }
    }
    function nested(wide: string, narrow: string) {
      const id = `${narrow}>${wide}`;
      cell(id, Math.max(0, value(wide) - value(narrow)));
      relations.push({ total: wide, parts: [narrow, id] });
    }
    released.set(pos, protect(cells, relations, { min: u.min(pos) }));
  }
  return { get: (view, pos) => released.get(pos)?.get(view) ?? null, released: [...released.values()] };
}
