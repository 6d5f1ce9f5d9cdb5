/** Helpers shared by the benchmark scripts: command-line options and percentiles. */

/** The value after `name` on the command line, or the fallback. */
export function arg(name: string): string | undefined;
export function arg(name: string, fallback: string): string;
export function arg(name: string, fallback?: string): string | undefined {
  return process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1]! : fallback;
}

/** The p-th percentile (nearest rank) of durations in ms. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
