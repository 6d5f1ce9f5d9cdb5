/**
 * Disclosure control: the one layer every dashboard figure passes through before a presenter sees it.
 * A caller declares count cells (people) and the linear relations between them (row, column and total
 * sums, partitions of a population by service or by session); `protect` returns which cells may be shown.
 *
 * Rules (see README, "Privacy model"):
 * - primary: a count from 1 to min − 1 is hidden; so is an answer chosen by every member of a population
 *   the viewer can name (a `named` relation: every named person's answer would be known);
 * - secondary: in every relation, no hidden cell may stand alone, and the hidden parts of a relation whose
 *   total is shown must add up to 0 or at least min (else their sum is a small count);
 * - audit: the hidden cells are solved for as an attacker would (Gaussian elimination over every
 *   relation); any hidden cell whose value follows exactly, or any sum of hidden cells that follows and is
 *   a small count, makes one more cell hidden, until nothing follows.
 * Cells marked `fixed` keep their state: figures the viewer already knows (attendance they see by name) or
 * figures released by another view (a session's own page) that a wider view must stay consistent with.
 */

export interface CellInput {
  id: string;
  value: number;
  /** 'shown': known to the viewer anyway or released elsewhere; 'hidden': hidden elsewhere or never shown. */
  fixed?: 'shown' | 'hidden';
}

export interface Relation {
  total: string;
  parts: string[];
  /** The total is a population the viewer can name: a part equal to the total tells each person's answer. */
  named?: boolean;
}

export type HiddenReason = 'small' | 'unanimous' | 'complementary' | 'fixed';

/** The outcome of `protect`: each cell shown (its value) or hidden (null). */
export class Released {
  constructor(
    private readonly values: ReadonlyMap<string, number>,
    private readonly hidden: ReadonlyMap<string, HiddenReason>,
  ) {}

  /** The value if it may be shown, else null; an unknown cell is null. */
  get(id: string): number | null {
    return this.hidden.has(id) ? null : (this.values.get(id) ?? null);
  }

  isShown(id: string): boolean {
    return this.values.has(id) && !this.hidden.has(id);
  }

  reason(id: string): HiddenReason | undefined {
    return this.hidden.get(id);
  }

  /** num / den when both counts are shown (and den > 0), else null. */
  rate(num: string, den: string): number | null {
    const n = this.get(num);
    const d = this.get(den);
    return n === null || d === null || d === 0 ? null : n / d;
  }

  /** How many cells were shown and hidden (cells fixed by the caller are not counted). */
  counts(): { shown: number; hidden: number; byReason: Record<HiddenReason, number> } {
    const byReason: Record<HiddenReason, number> = { small: 0, unanimous: 0, complementary: 0, fixed: 0 };
    for (const r of this.hidden.values()) byReason[r] += 1;
    const hidden = this.hidden.size - byReason.fixed;
    return { shown: this.values.size - this.hidden.size - this.fixedShown, hidden, byReason };
  }

  /** Set by `protect`: cells fixed as shown, left out of `counts`. */
  fixedShown = 0;
}

export interface ProtectOptions {
  /** The threshold: no count of 1 to min − 1 people is shown or can be derived. */
  min: number;
}

/** Decides which cells may be shown; deterministic for the same cells and relations. */
export function protect(cells: CellInput[], relations: Relation[], o: ProtectOptions): Released {
  const values = new Map<string, number>();
  const fixed = new Map<string, 'shown' | 'hidden'>();
  for (const c of cells) {
    values.set(c.id, c.value);
    if (c.fixed) fixed.set(c.id, c.fixed);
  }
  const rels = relations.filter((r) => values.has(r.total) && r.parts.every((p) => values.has(p)));
  const hidden = new Map<string, HiddenReason>();
  for (const [id, v] of values) {
    if (fixed.get(id) === 'hidden') hidden.set(id, 'fixed');
    else if (!fixed.has(id) && v > 0 && v < o.min) hidden.set(id, 'small');
  }
  for (const r of rels) {
    const total = values.get(r.total)!;
    if (!r.named || total <= 0) continue;
    for (const p of r.parts) if (values.get(p) === total && !fixed.has(p)) hidden.set(p, 'unanimous');
  }
  const canHide = (id: string) => !fixed.has(id) && !hidden.has(id);
  /** The next cell to hide among candidates: the smallest value, then the id (deterministic). */
  const pick = (ids: string[], nonZero: boolean): string | undefined =>
    ids.filter((id) => canHide(id) && (!nonZero || values.get(id)! > 0)).sort((a, b) => values.get(a)! - values.get(b)! || (a < b ? -1 : a > b ? 1 : 0))[0];
  const byCell = new Map<string, Relation[]>();
  for (const r of rels) for (const id of [r.total, ...r.parts]) byCell.set(id, [...(byCell.get(id) ?? []), r]);

  for (let guard = 0; guard <= values.size; guard++) {
    greedy(rels, values, hidden, pick, o.min);
    const leak = audit(rels, values, hidden, o.min);
    if (!leak.length) break;
    // One more hidden cell next to each leak, leaks of the same relations sharing one: then solve again.
    let hid = false;
    const touched = new Set<Relation>();
    for (const id of leak) {
      const rs = byCell.get(id) ?? [];
      if (rs.some((r) => touched.has(r))) continue;
      const around = rs.flatMap((r) => [...r.parts, r.total]);
      const next = pick(around, true) ?? pick(around, false);
      if (next) {
        hidden.set(next, 'complementary');
        for (const r of rs) touched.add(r);
        hid = true;
      }
    }
    if (!hid) break; // only fixed cells around: what follows is known to the viewer already
  }
  const released = new Released(values, hidden);
  released.fixedShown = [...fixed.values()].filter((f) => f === 'shown').length;
  return released;
}

/** Secondary suppression along each relation until no relation has a lone hidden cell or a small hidden sum. */
function greedy(rels: Relation[], values: Map<string, number>, hidden: Map<string, HiddenReason>, pick: (ids: string[], nonZero: boolean) => string | undefined, min: number) {
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of rels) {
      const members = [r.total, ...r.parts];
      const h = members.filter((id) => hidden.has(id));
      if (!h.length) continue;
      let next: string | undefined;
      if (h.length === 1) next = pick(r.parts, false) ?? pick([r.total], false);
      else if (!hidden.has(r.total)) {
        const sum = r.parts.filter((p) => hidden.has(p)).reduce((a, p) => a + values.get(p)!, 0);
        if (sum > 0 && sum < min) next = pick(r.parts, true) ?? pick([r.total], false);
      }
      if (next) {
        hidden.set(next, 'complementary');
        changed = true;
      }
    }
  }
}

/**
 * Solves for the hidden cells from the shown ones and the relations (reduced row echelon form). Returns
 * the hidden cells that follow exactly, or that appear in a derived sum of hidden cells below min.
 */
export function audit(rels: Relation[], values: ReadonlyMap<string, number>, hidden: ReadonlyMap<string, unknown>, min: number): string[] {
  const unknown = [...hidden.keys()].filter((id) => values.has(id));
  const index = new Map(unknown.map((id, i) => [id, i]));
  const rows: Array<{ coef: Map<number, number>; rhs: number }> = [];
  for (const r of rels) {
    const coef = new Map<number, number>();
    let rhs = 0;
    const add = (id: string, sign: number) => {
      const i = index.get(id);
      if (i === undefined) rhs -= sign * values.get(id)!;
      else coef.set(i, (coef.get(i) ?? 0) + sign);
    };
    add(r.total, -1);
    for (const p of r.parts) add(p, 1);
    for (const [i, c] of coef) if (Math.abs(c) < 1e-9) coef.delete(i);
    if (coef.size) rows.push({ coef, rhs });
  }
  const reduced = rref(rows);
  const leaks = new Set<string>();
  for (const row of reduced) {
    const entries = [...row.coef.entries()];
    if (entries.length === 1) leaks.add(unknown[entries[0]![0]]!);
    else if (entries.every(([, c]) => Math.abs(c - entries[0]![1]) < 1e-9)) {
      const sum = row.rhs / entries[0]![1];
      if (sum > 1e-9 && sum < min - 1e-9) for (const [i] of entries) leaks.add(unknown[i]!);
    }
  }
  return [...leaks];
}

function rref(input: Array<{ coef: Map<number, number>; rhs: number }>) {
  const rows = input.map((r) => ({ coef: new Map(r.coef), rhs: r.rhs }));
  const done: typeof rows = [];
  while (rows.length) {
    const row = rows.pop()!;
    for (const p of done) {
      const pivot = p.coef.keys().next().value as number;
      const c = row.coef.get(pivot);
      if (c) eliminate(row, p, c);
    }
    if (!row.coef.size) continue;
    const pivot = [...row.coef.keys()].sort((a, b) => a - b)[0]!;
    const pc = row.coef.get(pivot)!;
    const normal = { coef: new Map([[pivot, 1]] as Array<[number, number]>), rhs: row.rhs / pc };
    for (const [i, c] of row.coef) if (i !== pivot) normal.coef.set(i, c / pc);
    for (const p of done) {
      const c = p.coef.get(pivot);
      if (c) eliminate(p, normal, c);
    }
    done.push(normal);
  }
  return done;
}

/** target −= factor × source, dropping coefficients that vanish. */
function eliminate(target: { coef: Map<number, number>; rhs: number }, source: { coef: Map<number, number>; rhs: number }, factor: number) {
  for (const [i, c] of source.coef) {
    const v = (target.coef.get(i) ?? 0) - factor * c;
    if (Math.abs(v) < 1e-9) target.coef.delete(i);
    else target.coef.set(i, v);
  }
  target.rhs -= factor * source.rhs;
}

/**
 * A mean of integer answers on a scale [lo, hi] over n people: shown only when n reaches min and the sum
 * is at least 2 scale steps from both ends (near an end the mean tells how many gave each answer).
 */
export function releaseMean(n: number, mean: number | null, scale: { lo: number; hi: number; step?: number }, min: number): number | null {
  if (mean === null || n < min) return null;
  const step = scale.step ?? 1;
  const sum = mean * n;
  if ((sum - n * scale.lo) / step < 2 - 1e-9 || (n * scale.hi - sum) / step < 2 - 1e-9) return null;
  return mean;
}
