import { Command } from 'commander';
import { catchUp, rebuildRollups } from '../dashboard';
import { progressBar, runCli, UsageError } from './cli-support';

const program = new Command('npm run dashboard --')
  .description('Dashboard rollups (the facts the organiser dashboards read, kept current by the worker).')
  .argument('<command>', 'rebuild: throw the rollups away and read every statement again; catch-up: process new statements now')
  .option('--batch <n>', 'statements per transaction', '5000')
  .addHelpText('after', '\nExit codes: 0 done, 2 bad configuration, 3 database unreachable, 64 bad arguments.')
  .parse();

const [command] = program.args;
const batchSize = Number(program.opts<{ batch: string }>().batch);

void runCli(async ({ database }) => {
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new UsageError('--batch must be a whole number from 1 to 100000 (e.g. 5000)');
  if (command !== 'rebuild' && command !== 'catch-up') throw new UsageError(`unknown command "${command}": use rebuild or catch-up`);
  const started = Date.now();
  let bar: ReturnType<typeof progressBar> | undefined;
  let shown = 0;
  const onProgress = (seq: number, max: number) => {
    bar ??= progressBar(command === 'rebuild' ? 'Rebuilding dashboard rollups' : 'Catching up', max);
    bar.tick(Math.max(0, seq - shown));
    shown = Math.max(shown, seq);
  };
  const read = command === 'rebuild' ? await rebuildRollups(database.db, { batchSize, onProgress }) : await catchUp(database.db, { batchSize, onProgress });
  bar?.stop();
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`${read} statements read in ${seconds.toFixed(1)} s (${Math.round(read / Math.max(seconds, 0.001))} statements/s)\n`);
});
