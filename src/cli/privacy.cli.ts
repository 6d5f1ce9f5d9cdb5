import type { Opened } from '../platform/bootstrap';
import { systemClock } from '../platform/clock';
import type { RetentionSetting } from '../platform/personal-data';
import { checkDepartures, planDepartures, planRetention, runRetention, type PrivacyDeps, type RetentionItem } from '../privacy';
import { runStandalone } from './cli-local';
import { UsageError, type CliDefinition } from './cli-support';

/** `npm run privacy -- retention|departures`: the privacy jobs (issue 20), run now or as a dry run. */

/** The environment variable of a retention setting (`rosterDays` → RETENTION_ROSTER_DAYS; statements: RETENTION_MONTHS). */
export function settingVariable(setting: RetentionSetting): string {
  if (setting === 'statementsMonths') return 'RETENTION_MONTHS';
  return `RETENTION_${setting.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : '-');
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The privacy services' dependencies for a command (no roster service: the CLI uses the cached rosters). */
const depsOf = ({ database, config, log, secrets }: Opened): PrivacyDeps => ({ db: database.db, config, clock: systemClock, log, secrets });

function ruleText(i: RetentionItem): string {
  const what = i.action === 'blank' ? 'free text older than' : 'older than';
  return `${i.table}\t${what} ${i.value} ${i.unit} (${settingVariable(i.setting)}), before ${i.cutoff.toISOString()}`;
}

export const privacyCli: CliDefinition = {
  name: 'privacy',
  description: 'Personal data: retention of every kind of record, people who left every course (the daily privacy jobs, run now).',
  build(program, cli) {
    program
      .command('retention')
      .description('delete (or blank the free text of) every record older than its retention setting, table by table, with an audit line')
      .option('--dry-run', 'list what would go, per table, and change nothing')
      .option('--yes', 'confirm: this cannot be undone')
      .action((o: { dryRun?: boolean; yes?: boolean }) =>
        cli.run(async (opened, io) => {
          if (o.dryRun && o.yes) throw new UsageError('give --dry-run or --yes, not both');
          if (!o.dryRun && !o.yes) throw new UsageError('retention deletes records for good: add --dry-run to list what would go, or --yes to confirm');
          const deps = depsOf(opened);
          if (o.dryRun) {
            const plan = await planRetention(deps);
            for (const i of plan) cli.out(`${ruleText(i)}: ${plural(i.rows, 'row', 'rows')}${i.rows ? ` (${day(i.oldest)} to ${day(i.newest)})` : ''}`);
            const total = plan.reduce((n, i) => n + i.rows, 0);
            cli.out(`${plural(total, 'row', 'rows')} would go (dry run: nothing changed)`);
            return;
          }
          const done = await runRetention(deps, (label, total) => io.progress(label, total));
          for (const d of done) cli.out(`${ruleText(d)}: ${plural(d.removed, 'row', 'rows')} ${d.action === 'blank' ? 'blanked' : 'removed'}`);
          const total = done.reduce((n, d) => n + d.removed, 0);
          cli.out(total ? `${plural(total, 'row', 'rows')} in ${plural(done.length, 'table', 'tables')}` : 'nothing was older than its retention period');
        }),
      );

    program
      .command('departures')
      .description('flag people absent from every cached roster of their courses for longer than PRIVACY_DEPARTURE_DAYS (erased if PRIVACY_DEPARTURE_ERASE=true)')
      .option('--dry-run', 'say what would be flagged or erased, and change nothing')
      .action((o: { dryRun?: boolean }) =>
        cli.run(async (opened) => {
          const deps = depsOf(opened);
          const { days, erase } = opened.config.departures;
          if (o.dryRun) {
            const plan = await planDepartures(deps);
            cli.out(`${plural(plan.absent, 'person', 'people')} absent from every roster of their courses, ${plan.flagged} flagged already`);
            cli.out(`${plural(plan.toFlag, 'person', 'people')} absent for more than ${days} days would be flagged`);
            cli.out(erase ? `${plural(plan.toErase, 'person', 'people')} would be erased (PRIVACY_DEPARTURE_ERASE=true)` : 'nobody would be erased (PRIVACY_DEPARTURE_ERASE=false)');
            cli.out('(dry run: nothing changed)');
            return;
          }
          const run = await checkDepartures(deps);
          cli.out(`${plural(run.absent, 'person', 'people')} absent from every roster of their courses (cached rosters; the server's job reads them again from the platform)`);
          cli.out(`${plural(run.flagged, 'person', 'people')} newly flagged (absent for more than ${days} days), ${plural(run.erased, 'person', 'people')} erased`);
        }),
      );
  },
};

if (require.main === module) void runStandalone(privacyCli);
