import { Command } from 'commander';
import type { Opened } from '../platform/bootstrap';
import { seedStatements } from '../lrs/seed';
import { catchUp, seedDemo } from '../dashboard';
import { progressBar, runCli, UsageError } from './cli-support';

/**
 * `npm run seed -- <options>`: fills the database with generated data. Each option is one generator in
 * GENERATORS; add one with a few lines (an option and a function).
 */

const out = (line: string) => process.stdout.write(`${line}\n`);

type Options = Record<string, string | boolean | undefined>;
interface Generator {
  flags: string;
  description: string;
  /** Present when the option was given; runs the generator. */
  run(opened: Opened, value: string | boolean, options: Options): Promise<void>;
}

const positive = (value: string | boolean, name: string) => {
  const n = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(n) || n < 1) throw new UsageError(`${name}: expected a whole number ≥ 1 (e.g. 100000), got "${String(value)}"`);
  return n;
};

const GENERATORS: Record<string, Generator> = {
  statements: {
    flags: '--statements <n>',
    description: 'store n generated statements in the LRS (through storeStatements, 1,000 per transaction)',
    async run({ database }, value, options) {
      const count = positive(value, '--statements');
      const seed = options.seed === undefined ? 42 : positive(options.seed, '--seed');
      const bar = progressBar('statements', count);
      const started = Date.now();
      await seedStatements(database.db, count, { seed, onProgress: (n) => bar.tick(n) });
      bar.stop();
      const seconds = (Date.now() - started) / 1000;
      out(`stored ${count} statements in ${seconds.toFixed(1)} s (${Math.round(count / seconds)} statements/s)`);
    },
  },
  demo: {
    flags: '--demo',
    description: 'a realistic year of Instants for the demo course (/demo): sessions, hundreds of participants, answers, needs; dashboards rolled up',
    async run({ database, config, secrets }, _value, options) {
      const sessions = 36;
      const bar = progressBar('demo sessions', sessions);
      const written = await seedDemo(database.db, {
        baseIri: config.xapi.baseIri,
        pseudonymKey: secrets.pseudonymKey,
        issuer: `${config.http.publicUrl}/demo`,
        contextId: 'demo-course',
        contextTitle: 'Instants numériques',
        end: new Date(),
        sessions,
        seed: options.seed === undefined ? 2026 : positive(options.seed, '--seed'),
        onProgress: () => bar.tick(),
      });
      bar.stop();
      await catchUp(database.db);
      out(`stored ${written} demo statements; dashboards at /organiser/dashboard (launch /demo as an organiser)`);
    },
  },
};

const program = new Command('npm run seed --').description('Fill the database with generated data (demonstrations, benchmarks).');
for (const g of Object.values(GENERATORS)) program.option(g.flags, g.description);
program.option('--seed <n>', 'random seed (same seed, same data)');
program.action((options: Options) =>
  runCli(async (opened) => {
    const chosen = Object.keys(GENERATORS).filter((k) => options[k] !== undefined);
    if (!chosen.length) throw new UsageError(`nothing to seed: give one of ${Object.values(GENERATORS).map((g) => g.flags.split(' ')[0]).join(', ')}`);
    for (const k of chosen) await GENERATORS[k]!.run(opened, options[k]!, options);
  }),
);
program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(64);
});
