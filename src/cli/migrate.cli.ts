import { migrate, readMigrations } from '../platform/db/migrate';
import { runStandalone } from './cli-local';
import type { CliDefinition } from './cli-support';

/** `npm run db:migrate [-- --status]`: apply (or list) the database migrations. */
export const migrateCli: CliDefinition = {
  name: 'db:migrate',
  description: 'Apply pending database migrations (PGlite in DATA_DIR, or the PostgreSQL server in DATABASE_URL).',
  build(program, cli) {
    program.option('--status', 'list migrations and whether they are applied, without applying anything').action((o: { status?: boolean }) =>
      cli.run(
        async ({ database }) => {
          if (o.status) {
            let applied = new Set<string>();
            await database.execInTransaction(async (exec) => {
              const { rows } = await exec(`select to_regclass('instants_migrations') is not null as present`);
              if (rows[0]?.present) applied = new Set((await exec('select name from instants_migrations')).rows.map((r) => String(r.name)));
            });
            for (const f of readMigrations()) cli.out(`${applied.has(f.name) ? 'applied ' : 'pending '} ${f.name}`);
            return;
          }
          const done = await migrate(database, undefined, (name) => cli.out(`applied ${name}`));
          cli.out(done.length === 0 ? 'database is up to date' : done.length === 1 ? '1 migration applied' : `${done.length} migrations applied`);
        },
        { migrate: false },
      ),
    );
  },
};

if (require.main === module) void runStandalone(migrateCli);
