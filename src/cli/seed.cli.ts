import type { Opened } from '../platform/bootstrap';
import { productionSince } from '../platform/db/settings.repo';
import { refreshStatistics } from '../platform/db/statistics';
import { seedStatements } from '../lrs/seed';
import { catchUp } from '../dashboard';
import { seedDemoYear } from '../demo';
import { runStandalone } from './cli-local';
import { UsageError, wholeNumber, type CliDefinition, type CliIo } from './cli-support';

/**
 * `npm run seed -- <options>`: fills the database with generated data. Each option is one generator in
 * GENERATORS; add one with a few lines (an option and a function). A production database is refused
 * (NODE_ENV=production, or a production instance ever started on it) unless --force.
 */

interface Options {
  statements?: number;
  demo?: boolean;
  seed?: number;
  force?: boolean;
}
interface Generator {
  flags: string;
  description: string;
  parse?: (value: string) => number;
  /** Runs the generator when its option was given. */
  run(opened: Opened, io: CliIo, options: Options, out: (line: string) => void): Promise<void>;
}

const GENERATORS: Record<'statements' | 'demo', Generator> = {
  statements: {
    flags: '--statements <n>',
    description: 'store n generated statements in the LRS (through storeStatements, 1,000 per transaction)',
    parse: wholeNumber(1, 100_000_000, '100000'),
    async run({ database }, io, options, out) {
      const count = options.statements!;
      const bar = io.progress('statements', count);
      const started = Date.now();
      await seedStatements(database.db, count, { seed: options.seed ?? 42, onProgress: (n) => bar.tick(n) });
      bar.stop();
      const seconds = (Date.now() - started) / 1000;
      out(`stored ${count} statements in ${seconds.toFixed(1)} s (${Math.round(count / Math.max(seconds, 0.001))} statements/s)`);
    },
  },
  demo: {
    flags: '--demo',
    description: 'a realistic year of Instants for the demo course (/demo): published sessions with their resources and activities, hundreds of participants, attendances, answers, needs; dashboards rolled up. Once: a second run changes nothing',
    async run({ database, config, secrets }, io, options, out) {
      const now = new Date();
      const past = 36;
      const bar = io.progress('demo sessions', past);
      const result = await seedDemoYear(database.db, {
        baseIri: config.xapi.baseIri,
        pseudonymKey: secrets.pseudonymKey,
        end: now,
        now,
        past,
        seed: options.seed ?? 2026,
        onProgress: () => bar.tick(),
      });
      bar.stop();
      await catchUp(database.db);
      if (!result.seeded) return out('the demo course is already seeded: nothing written (its sessions are in /catalogue; launch /demo as an organiser)');
      out(`created ${result.sessions} past and ${result.upcoming} upcoming sessions of the demo course, ${result.attendances} attendances and ${result.statements} statements; catalogue at /catalogue, dashboards at /organiser/dashboard (launch /demo as an organiser)`);
    },
  },
};

/** Why this database must not receive generated data, or undefined when it may. */
async function productionReason({ config, database }: Opened): Promise<string | undefined> {
  if (config.env === 'production') return 'NODE_ENV is production';
  const since = await productionSince(database.db);
  return since ? `a production instance has used this database since ${since.toISOString().slice(0, 10)}` : undefined;
}

export const seedCli: CliDefinition = {
  name: 'seed',
  description: 'Fill the database with generated data (demonstrations, benchmarks). Refuses a production database unless --force.',
  build(program, cli) {
    for (const g of Object.values(GENERATORS)) {
      if (g.parse) program.option(g.flags, g.description, g.parse);
      else program.option(g.flags, g.description);
    }
    program
      .option('--seed <n>', 'random seed (same seed, same data)', wholeNumber(0, 2 ** 31 - 1, '42'))
      .option('--force', 'write generated data even into a production database (it mixes with real data for good)')
      .action((options: Options) =>
        cli.run(async (opened, io) => {
          const chosen = (Object.keys(GENERATORS) as Array<keyof typeof GENERATORS>).filter((k) => options[k] !== undefined);
          if (!chosen.length) throw new UsageError(`nothing to seed: give one of ${Object.values(GENERATORS).map((g) => g.flags.split(' ')[0]).join(', ')}`);
          const reason = await productionReason(opened);
          if (reason && !options.force) throw new UsageError(`refusing to write generated data into a production database (${reason}): it would mix with real data for good. Add --force if this is really wanted`);
          for (const k of chosen) await GENERATORS[k].run(opened, io, options, cli.out);
          // Bulk-loaded tables: the planner must not guess until autovacuum (none on PGlite) gets to them.
          await refreshStatistics(opened.database.db);
        }),
      );
  },
};

if (require.main === module) void runStandalone(seedCli);
