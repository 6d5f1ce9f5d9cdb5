import { Argument } from 'commander';
import { catchUp, rebuildRollups } from '../dashboard';
import { runStandalone } from './cli-local';
import { wholeNumber, type CliDefinition, type Progress } from './cli-support';

/** `npm run dashboard -- rebuild|catch-up`: the rollups the organiser dashboards read (kept current by the worker). */
export const dashboardCli: CliDefinition = {
  name: 'dashboard',
  description: 'Dashboard rollups (the facts the organiser dashboards read, kept current by the worker).',
  build(program, cli) {
    program
      .addArgument(new Argument('<command>', 'rebuild: throw the rollups away and read every statement again; catch-up: process new statements now').choices(['rebuild', 'catch-up']))
      .option('--batch <n>', 'statements per transaction (1 to 100000)', wholeNumber(1, 100_000, '5000'), 5000)
      .action((command: 'rebuild' | 'catch-up', o: { batch: number }) =>
        cli.run(async ({ database }, io) => {
          const started = Date.now();
          let bar: Progress | undefined;
          let shown = 0;
          const onProgress = (seq: number, max: number) => {
            bar ??= io.progress(command === 'rebuild' ? 'Rebuilding dashboard rollups' : 'Catching up', max);
            bar.tick(Math.max(0, seq - shown));
            shown = Math.max(shown, seq);
          };
          const options = { batchSize: o.batch, onProgress };
          const read = command === 'rebuild' ? await rebuildRollups(database.db, options) : await catchUp(database.db, options);
          bar?.stop();
          const seconds = (Date.now() - started) / 1000;
          cli.out(`${read} statements read in ${seconds.toFixed(1)} s (${Math.round(read / Math.max(seconds, 0.001))} statements/s)`);
        }),
      );
  },
};

if (require.main === module) void runStandalone(dashboardCli);
