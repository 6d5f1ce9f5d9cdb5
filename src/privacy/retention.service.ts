import type { Config } from '../platform/config';
import type { RetentionSetting } from '../platform/personal-data';
import { afterStatementsRemoved } from './erasure.service';
import { personalTables, REGISTRY } from './registry';
import { insertAudit } from './subject.repo';
import type { PrivacyDeps } from './subject.service';
import { previewPeriod, purgePeriod } from './tables.repo';

/** One retention rule as the dry run lists it: the table, its setting and cutoff, and what would go. */
export interface RetentionItem {
  table: string;
  slice: string;
  setting: RetentionSetting;
  /** The configured value and its unit (from the setting's name). */
  value: number;
  unit: 'months' | 'days' | 'hours';
  cutoff: Date;
  /** `blank`: the rows stay, their free text goes. */
  action: 'delete' | 'blank';
  rows: number;
  oldest: Date | null;
  newest: Date | null;
}

/** The unit of a retention setting, read from its name (`…Months`, `…Days`, `…Hours`). */
export function unitOf(setting: RetentionSetting): RetentionItem['unit'] {
  return setting.endsWith('Months') ? 'months' : setting.endsWith('Days') ? 'days' : 'hours';
}

/** The instant before which rows go, for a setting and a clock. */
export function cutoffOf(config: Config, setting: RetentionSetting, now: Date): Date {
  const value = config.retention[setting];
  const unit = unitOf(setting);
  if (unit === 'months') {
    const d = new Date(now);
    d.setUTCMonth(d.getUTCMonth() - value);
    return d;
  }
  return new Date(now.getTime() - value * (unit === 'days' ? 86_400_000 : 3_600_000));
}

/** A progress indicator (the CLI's bar). */
export interface Progress {
  tick(n?: number): void;
  stop(): void;
}

interface Rule {
  item: Omit<RetentionItem, 'rows' | 'oldest' | 'newest'>;
  preview: () => Promise<{ rows: number; oldest: Date | null; newest: Date | null }>;
  run: (onProgress?: (n: number) => void) => Promise<number>;
}

function rulesOf(deps: Pick<PrivacyDeps, 'db' | 'config' | 'clock'>): Rule[] {
  const now = deps.clock.now();
  const rules: Rule[] = [];
  for (const t of personalTables(REGISTRY)) {
    for (const r of t.retention) {
      if (r.kind !== 'period' && r.kind !== 'custom') continue;
      const cutoff = cutoffOf(deps.config, r.setting, now);
      const item = { table: t.table, slice: t.slice, setting: r.setting, value: deps.config.retention[r.setting], unit: unitOf(r.setting), cutoff, action: r.setting === 'freeTextMonths' ? ('blank' as const) : ('delete' as const) };
      if (r.kind === 'period') {
        rules.push({ item, preview: () => previewPeriod(deps.db, t.table, r.column, cutoff, r.where), run: (p) => purgePeriod(deps.db, t.table, r.column, cutoff, r.where, p) });
      } else {
        const hooks = (onProgress?: (n: number) => void) => ({ afterStatementsRemoved: (tx: Parameters<typeof afterStatementsRemoved>[0], removed: Parameters<typeof afterStatementsRemoved>[1]) => afterStatementsRemoved(tx, removed, []), onProgress });
        rules.push({ item, preview: () => r.purge.preview(deps.db, cutoff), run: (p) => r.purge.run(deps.db, cutoff, hooks(p)) });
      }
    }
  }
  return rules;
}

/** What retention would remove now, rule by rule (the dry run); nothing is written. */
export async function planRetention(deps: Pick<PrivacyDeps, 'db' | 'config' | 'clock'>): Promise<RetentionItem[]> {
  const out: RetentionItem[] = [];
  for (const rule of rulesOf(deps)) out.push({ ...rule.item, ...(await rule.preview()) });
  return out;
}

/**
 * Applies every retention rule of the registry (rows older than their setting deleted, free text blanked,
 * statements purged with their derived facts recomputed), then writes one audit line with the counts.
 */
export async function runRetention(deps: Pick<PrivacyDeps, 'db' | 'config' | 'clock' | 'log'>, progress?: (label: string, total: number) => Progress): Promise<Array<RetentionItem & { removed: number }>> {
  const done: Array<RetentionItem & { removed: number }> = [];
  for (const rule of rulesOf(deps)) {
    const planned = await rule.preview();
    if (!planned.rows) continue;
    const bar = progress?.(`${rule.item.table}`, planned.rows);
    const removed = await rule.run((n) => bar?.tick(n));
    bar?.stop();
    done.push({ ...rule.item, ...planned, removed });
    deps.log.info({ table: rule.item.table, setting: rule.item.setting, removed }, 'retention applied');
  }
  const total = done.reduce((n, d) => n + d.removed, 0);
  await insertAudit(deps.db, { action: 'retention.run', actorRef: null, detail: { total, tables: Object.fromEntries(done.map((d) => [d.table, d.removed])) }, at: deps.clock.now() });
  return done;
}
