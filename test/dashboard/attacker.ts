/**
 * An automated attacker on the dashboards: it reads every number a view releases (tables in HTML and CSV,
 * chart data, figures and sentences) and solves for what is hidden, as a determined organiser would:
 * sums along tables and partitions, differences between two views, rates times the counts they know by
 * name. `findLeaks` returns every count of 1 to min − 1 people, or answer of a named group, it can derive.
 */

export type Value = number | 'hidden';

/** One view as the attacker requested it. */
export interface Observed {
  page: 'overview' | 'competences' | 'needs' | 'session';
  /** Period id ("2025-2026", "2025-2026-T1", "2026-01"), with its start and end (exclusive). */
  period: { id: string; from: number; until: number };
  dim: 'all' | 'series' | 'service' | 'job';
  value: string;
  /** Session pages: the session. */
  session?: string;
  /** A notice instead of figures (too few people). */
  closed: boolean;
  /** cell key (table|row|column) → value; KPIs as kpi|label. */
  cells: Map<string, Value>;
  /** Numbers the viewer knows by name (attendance, how many answered), by key. */
  known: Map<string, number>;
}

const SPACES = /[\s\u202f\u00a0]/g;
const decode = (s: string) => s.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x3D;/g, '=').replace(/<[^>]+>/g, '').trim();

/** Every number in a cell's text: "1 / 0 / 3 / 1" gives four, "86 %" gives 0.86, "4,2 / 5" gives 4.2 and 5. */
export function numbersIn(text: string): number[] {
  const out: number[] = [];
  for (const m of text.replace(/(\d)[\u202f\u00a0 ](?=\d{3}\b)/g, '$1').matchAll(/-?\d+(?:[.,]\d+)?(\s*%)?/g)) {
    const v = Number(m[0].replace(SPACES, '').replace('%', '').replace(',', '.'));
    out.push(m[1] ? v / 100 : v);
  }
  return out;
}

const HIDDEN = /^(masqué|hidden|moins de \d+|fewer than \d+|<\d+)$/i;

/** Parses the cell text into a value (or several, key suffixed with #i); hidden markers become 'hidden'. */
export function readCell(text: string): Value[] {
  const t = text.trim();
  if (HIDDEN.test(t)) return ['hidden'];
  if (t.includes('/') && !t.includes(' / 5')) return t.split('/').map((x) => (HIDDEN.test(x.trim()) ? 'hidden' : (numbersIn(x)[0] ?? 'hidden')));
  const n = numbersIn(t);
  return n.length === 1 || (n.length === 2 && t.endsWith(' / 5')) ? [n[0]!] : [];
}

/** Tables of a page: id → header and rows of cell texts. */
export function tablesOf(html: string): Map<string, { headers: string[]; rows: string[][] }> {
  const out = new Map<string, { headers: string[]; rows: string[][] }>();
  for (const m of html.matchAll(/<table[^>]*id="table-([^"]+)"[^>]*>([\s\S]*?)<\/table>/g)) {
    const headers = [...m[2]!.matchAll(/<th scope="col">([\s\S]*?)<\/th>/g)].map((h) => decode(h[1]!));
    const body = m[2]!.split('<tbody>')[1] ?? '';
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => decode(c[1]!)));
    out.set(m[1]!, { headers, rows });
  }
  return out;
}

/** KPI cards: label → value text, and the line under it. */
export function kpisOf(html: string): Array<{ label: string; value: string; note: string }> {
  return [...html.matchAll(/<p class="small text-body-secondary mb-1">([\s\S]*?)<\/p>\s*<p class="h4 mb-1">([\s\S]*?)<\/p>\s*(?:<p class="small mb-0">([\s\S]*?)<\/p>)?/g)].map((m) => ({ label: decode(m[1]!), value: decode(m[2]!), note: decode(m[3] ?? '') }));
}

/** The JSON of each chart. */
export function chartsOf(html: string): Array<{ id: string; labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> }> {
  return [...html.matchAll(/<script type="application\/json" class="chart-data" data-canvas="chart-([^"]+)">([\s\S]*?)<\/script>/g)].map((m) => ({ id: m[1]!, ...(JSON.parse(m[2]!) as { labels: string[]; datasets: Array<{ label: string; data: Array<number | null> }> }) }));
}

export interface Leak {
  kind: string;
  where: string;
  value: number;
}

const small = (v: number, min: number) => v >= 1 && v < min;

/**
 * Solves for hidden values. `counts` says which cell keys are counts of people (the rest are rates,
 * means, codes); `additive` which counts add up over periods and series (one per person and session).
 */
export function findLeaks(
  views: Observed[],
  o: {
    min: number;
    isCount: (key: string) => boolean;
    additive: (key: string) => boolean;
    isPublic: (v: Observed, key: string) => boolean;
    /** Sums inside one view (a total column and its parts). */
    rows?: (v: Observed) => Array<{ total: string; parts: string[] }>;
    /** Sums across views: a total cell of one view and cells of others (sessions inside a period). */
    across?: () => Array<{ total: [Observed, string]; parts: Array<[Observed, string]> }>;
  },
): Leak[] {
  const leaks: Leak[] = [];
  const at = (v: Observed, key: string): Value | undefined => (v.closed ? 'hidden' : v.cells.get(key));
  const name = (v: Observed, key: string) => `${v.page} ${v.session ?? ''} ${v.period.id} ${v.dim}=${v.value} ${key}`;
  // 1. Counts released as they are.
  for (const v of views) for (const [key, val] of v.cells) if (!v.closed && val !== 'hidden' && o.isCount(key) && !o.isPublic(v, key) && small(val, o.min)) leaks.push({ kind: 'shown', where: name(v, key), value: val });
  // 2. Rates times the counts the viewer knows by name, and the complement.
  for (const v of views) {
    for (const [key, den] of v.known) {
      for (const [rk, rate] of v.cells) {
        if (!rk.startsWith(`${key}>`) || rate === 'hidden') continue;
        const num = Math.round(rate * den);
        // Percentages are shown rounded to 1 %: with fewer than 50 people the count still follows.
        if (den >= 50 || Math.abs(num / den - rate) > 0.005) continue;
        for (const x of [num, den - num]) if (small(x, o.min)) leaks.push({ kind: 'rate×known', where: name(v, rk), value: x });
        // Everyone named gave this answer; for a yes/no question, nobody did is the same.
        if (den > 0 && (num === den || (num === 0 && rk.endsWith('!binary'))) && /!(exclusive|binary)$/.test(rk)) leaks.push({ kind: 'unanimous', where: name(v, rk), value: den });
      }
    }
  }
  // 3. Partitions (service, job family: people belong to one) and, for additive counts, series and periods.
  const groups = new Map<string, Observed[]>();
  for (const v of views) if (v.page !== 'session') groups.set(`${v.page}|${v.period.id}`, [...(groups.get(`${v.page}|${v.period.id}`) ?? []), v]);
  const keysOf = (vs: Observed[]) => new Set(vs.flatMap((v) => [...v.cells.keys()]));
  const partition = (total: Observed, parts: Observed[], key: string, label: string) => {
    const t = at(total, key);
    if (t === undefined || t === 'hidden') return;
    const vals = parts.map((p) => at(p, key) ?? 0);
    const hiddenN = vals.filter((x) => x === 'hidden').length;
    const rest = t - vals.reduce<number>((a, x) => a + (x === 'hidden' ? 0 : x), 0);
    if (hiddenN >= 1 && small(rest, o.min)) leaks.push({ kind: `${label} (sum of hidden)`, where: name(total, key), value: rest });
  };
  for (const [, vs] of groups) {
    const all = vs.find((v) => v.dim === 'all');
    if (!all) continue;
    for (const key of keysOf(vs)) {
      if (!o.isCount(key)) continue;
      for (const dim of ['service', 'job'] as const) partition(all, vs.filter((v) => v.dim === dim), key, dim);
      if (o.additive(key)) partition(all, vs.filter((v) => v.dim === 'series'), key, 'series');
    }
  }
  // 4. Differences between a view and a narrower one (a filter, or a shorter period inside).
  const inside = (a: Observed, b: Observed) => a !== b && a.page === b.page && a.page !== 'session' && b.period.from >= a.period.from && b.period.until <= a.period.until && ((a.dim === b.dim && a.value === b.value) || (a.dim === 'all' && a.period.id === b.period.id));
  for (const wide of views) {
    for (const narrow of views) {
      if (!inside(wide, narrow)) continue;
      for (const [key, w] of wide.cells) {
        const n = at(narrow, key);
        if (w === 'hidden' || wide.closed || n === undefined || n === 'hidden' || !o.isCount(key)) continue;
        if (small(w - n, o.min) && !(o.isPublic(wide, key) && o.isPublic(narrow, key))) leaks.push({ kind: 'difference', where: `${name(wide, key)} − ${narrow.period.id} ${narrow.dim}=${narrow.value}`, value: w - n });
      }
    }
  }
  // 5. Additive counts: a period is the sum of the periods inside it.
  for (const wide of views) {
    if (wide.page === 'session' || wide.period.id.length > 9) continue; // years only: terms
    const terms = views.filter((x) => x.page === wide.page && x.dim === wide.dim && x.value === wide.value && /-T\d$/.test(x.period.id) && x.period.from >= wide.period.from && x.period.until <= wide.period.until);
    for (const key of wide.cells.keys()) if (o.isCount(key) && o.additive(key)) partition(wide, terms, key, 'terms');
  }
  // 6. Sums inside a view and across views (declared by the caller, who knows the pages' meaning).
  const sumCheck = (t: Value | undefined, parts: Array<Value | undefined>, where: string, kind: string) => {
    if (t === undefined || t === 'hidden') return;
    const hiddenN = parts.filter((x) => x === 'hidden').length;
    const rest = t - parts.reduce<number>((a, x) => a + (typeof x === 'number' ? x : 0), 0);
    if (hiddenN >= 1 && small(rest, o.min)) leaks.push({ kind, where, value: rest });
  };
  for (const v of views) for (const r of o.rows?.(v) ?? []) sumCheck(at(v, r.total) ?? v.known.get(r.total), r.parts.map((p) => at(v, p) ?? v.known.get(p)), name(v, r.total), 'row sum');
  for (const r of o.across?.() ?? []) sumCheck(at(r.total[0], r.total[1]), r.parts.map(([v, k]) => at(v, k)), name(r.total[0], r.total[1]), 'across views');
  // 7. Means of answers on a 1–5 scale over a known number of people: near an end, the answers follow.
  for (const v of views) {
    for (const [key, m] of v.cells) {
      if (!key.endsWith('!mean') || m === 'hidden') continue;
      const n = v.known.get(key.slice(0, -5));
      if (n === undefined) continue;
      const sum = Math.round(m * n * 10) / 10;
      // Shown with one decimal: the sum is exact when n < 10.
      if (n < 10 && (sum - n < 2 - 1e-6 || 5 * n - sum < 2 - 1e-6)) leaks.push({ kind: 'mean near an end', where: name(v, key), value: n });
    }
  }
  return leaks;
}
