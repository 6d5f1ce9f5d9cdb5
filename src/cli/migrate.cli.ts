import { Command } from 'commander';
import { migrate, readMigrations } from '../platform/db/migrate';
import { runCli } from './cli-support';

const program = new Command('npm run db:migrate --')
  .description('Apply pending database migrations (PGlite in DATA_DIR, or the PostgreSQL server in DATABASE_URL).')
  .option('--status', 'list migrations and whether they are applied, without applying anything')
  .addHelpText('after', '\nExit codes: 0 done, 2 bad configuration, 3 database unreachable or migration failed.')
  .parse();

const opts = program.opts<{ status?: boolean }>();

void runCli(
  async ({ database }) => {
    if (opts.status) {
      const files = readMigrations();
      let applied = new Set<string>();
      await database.execInTransaction(async (exec) => {
        const { rows } = await exec(`select to_regclass('instants_migrations') is not null as present`);
        if (rows[0]?.present) applied = new Set((await exec('select name from instants_migrations')).rows.map((r) => String(r.name)));
      });
      for (const f of files) process.stdout.write(`${applied.has(f.name) ? 'applied ' : 'pending '} ${f.name}\n`);
      return;
    }
    const done = await migrate(database, undefined, (name) => process.stdout.write(`applied ${name}\n`));
    process.stdout.write(done.length ? `${done.length} migration(s) applied\n` : 'database is up to date\n');
  },
  { migrate: false },
);
