/**
 * The statistics of the dashboards, as pure functions over plain numbers (see ../shared/reference/domain.md).
 * Everything here is checked against hand-computed values in test/dashboard/stats.test.ts.
 */

/** Arithmetic mean; null for an empty list. */
export function mean(xs: number[]): number | null {
  if (!xs.length) return null;
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1); null below two values. */
export function sampleSd(xs: number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs)!;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

export type GainBand = 'negative' | 'low' | 'medium' | 'high';

/** Hake's bands: low < 0.3, medium 0.3–0.7, high > 0.7; negative gains are kept in their own band. */
export function gainBand(g: number): GainBand {
  if (g < 0) return 'negative';
  if (g < 0.3) return 'low';
  if (g <= 0.7) return 'medium';
  return 'high';
}

export interface NormalisedGain {
  /** People with both measures, excluding those already at the maximum before. */
  n: number;
  /** People at the maximum before: excluded (their gain is undefined) and counted. */
  excludedAtMax: number;
  /** Average of individual gains, mean of (post − pre) / (max − pre): the headline figure. */
  averageOfGains: number | null;
  /** Gain of the averages (Hake's class gain): (mean post − mean pre) / (max − mean pre), same people. */
  gainOfAverages: number | null;
  meanPre: number | null;
  meanPost: number | null;
  bands: Record<GainBand, number>;
}

/** Normalised gain over paired (pre, post) levels on a scale whose top is `max`. */
export function normalisedGain(pairs: Array<{ pre: number; post: number }>, max: number): NormalisedGain {
  const kept = pairs.filter((p) => p.pre < max);
  const gains = kept.map((p) => (p.post - p.pre) / (max - p.pre));
  const bands: Record<GainBand, number> = { negative: 0, low: 0, medium: 0, high: 0 };
  for (const g of gains) bands[gainBand(g)] += 1;
  const meanPre = mean(kept.map((p) => p.pre));
  const meanPost = mean(kept.map((p) => p.post));
  return {
    n: kept.length,
    excludedAtMax: pairs.length - kept.length,
    averageOfGains: mean(gains),
    gainOfAverages: meanPre === null || meanPost === null ? null : (meanPost - meanPre) / (max - meanPre),
    meanPre,
    meanPost,
    bands,
  };
}

export interface PairedEffect {
  n: number;
  meanDiff: number | null;
  sdDiff: number | null;
  /** Cohen's d_z = mean(diff) / sd(diff). */
  dz: number | null;
  /** Hedges' small-sample correction J = 1 − 3 / (4(n − 1) − 1). */
  correction: number | null;
  /** g_z = J · d_z, the figure shown. */
  g: number | null;
  /** 95 % interval J · (d_z ± 1.96 · SE), SE = √(1/n + d_z² / 2n) (normal approximation). */
  ciLow: number | null;
  ciHigh: number | null;
}

/** Paired effect size (post − pre), Hedges-corrected, with its 95 % confidence interval and n. */
export function pairedEffectSize(pairs: Array<{ pre: number; post: number }>): PairedEffect {
  const diffs = pairs.map((p) => p.post - p.pre);
  return pairedEffectFromSummary(diffs.length, mean(diffs), sampleSd(diffs));
}

/** The same from summary statistics of the differences (n, mean, sample sd), as SQL gives them. */
export function pairedEffectFromSummary(n: number, meanDiff: number | null, sdDiff: number | null): PairedEffect {
  if (n < 3 || meanDiff === null || !sdDiff) {
    return { n, meanDiff, sdDiff, dz: null, correction: null, g: null, ciLow: null, ciHigh: null };
  }
  const dz = meanDiff / sdDiff;
  const correction = 1 - 3 / (4 * (n - 1) - 1);
  const se = Math.sqrt(1 / n + (dz * dz) / (2 * n));
  return { n, meanDiff, sdDiff, dz, correction, g: correction * dz, ciLow: correction * (dz - 1.96 * se), ciHigh: correction * (dz + 1.96 * se) };
}

/** Relative change of a figure against the previous window; null when there was nothing before. */
export function trend(current: number | null, previous: number | null): number | null {
  if (current === null || previous === null || previous === 0) return null;
  return (current - previous) / previous;
}

/** "Emerging": at least `minCount` people now, and growth by `ratio` (or new) against the previous window. */
export function isEmerging(current: number, previous: number, minCount: number, ratio: number): boolean {
  if (current < minCount) return false;
  return previous === 0 || current / previous >= ratio;
}

/**
 * Borich's mean weighted discrepancy score for one competence: mean over respondents of
 * (target − self) × mean target, where the target is the level set for each respondent's job family.
 */
export function borichScore(rows: Array<{ target: number; self: number }>): number | null {
  const meanTarget = mean(rows.map((r) => r.target));
  if (meanTarget === null) return null;
  return mean(rows.map((r) => (r.target - r.self) * meanTarget));
}

/** Whole days between two instants. */
export function daysBetween(a: Date, b: Date): number {
  return Math.round((b.getTime() - a.getTime()) / 86_400_000);
}
