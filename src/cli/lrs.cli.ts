import fs from 'node:fs';
import path from 'node:path';
import { createCredential, listCredentials, revokeCredential, SCOPES } from '../lrs/credentials.service';
import { erasePerson, exportPerson, personIfi, purgeBefore } from '../lrs/privacy.service';
import { runStandalone } from './cli-local';
import { dateValue, oneOf, UsageError, wholeNumber, type CliDefinition } from './cli-support';

/** `npm run lrs -- …`: LRS credentials, and the data-protection operations (export, erase, purge). */
export const lrsCli: CliDefinition = {
  name: 'lrs',
  description: 'The embedded Learning Record Store: credentials and data protection.',
  build(program, cli) {
    const credentials = program.command('credentials').description('key/secret pairs for xAPI clients (HTTP Basic)');
    credentials
      .command('create')
      .description('create a credential; the secret is printed once')
      .requiredOption('--name <name>', 'who uses it, e.g. "Tableau académique"')
      .requiredOption('--scope <scope>', `an xAPI scope (repeat): ${SCOPES.join(', ')}`, oneOf(SCOPES))
      .action((o: { name: string; scope: Array<(typeof SCOPES)[number]> }) =>
        cli.run(async ({ database, log }) => {
          const c = await createCredential(database.db, { name: o.name, scopes: o.scope });
          log.info({ key: c.key }, 'LRS credential created');
          cli.out(`key\t${c.key}\nsecret\t${c.secret}\n(the secret is shown only now)`);
        }),
      );
    credentials
      .command('list')
      .description('list credentials (secrets are never shown)')
      .action(() =>
        cli.run(async ({ database }) => {
          for (const c of await listCredentials(database.db)) {
            cli.out(`${c.key}\t${c.name}\t${c.scopes.join(',')}\tcreated ${c.createdAt.toISOString()}\t${c.revokedAt ? `revoked ${c.revokedAt.toISOString()}` : 'active'}`);
          }
        }),
      );
    credentials
      .command('revoke <key>')
      .description('revoke a credential at once')
      .action((key: string) =>
        cli.run(async ({ database, log }) => {
          await revokeCredential(database.db, key);
          log.info({ key }, 'LRS credential revoked');
          cli.out(`revoked ${key}`);
        }),
      );

    program
      .command('export')
      .description('export every statement naming one person, and their documents, as JSON (GDPR access)')
      .requiredOption('--agent <json>', 'the person as an xAPI agent, e.g. \'{"mbox":"mailto:jeanne@ac-dijon.fr"}\'')
      .option('--out <file>', 'write to this file (mode 0600) instead of standard output')
      .action((o: { agent: string; out?: string }) =>
        cli.run(async ({ database, log }, io) => {
          const data = await exportPerson(database.db, personIfi(o.agent));
          const text = `${JSON.stringify(data, null, 2)}\n`;
          log.info({ statements: data.statements.length, documents: data.documents.length }, 'person exported');
          if (!o.out) return void io.write(text);
          const file = path.resolve(io.cwd, o.out);
          fs.writeFileSync(file, text, { mode: 0o600 });
          cli.out(`exported ${data.statements.length} statements and ${data.documents.length} documents to ${file}`);
        }),
      );

    program
      .command('erase')
      .description('erase one person: every statement naming them in any role, and their documents (GDPR erasure)')
      .requiredOption('--agent <json>', 'the person as an xAPI agent')
      .option('--yes', 'confirm: this cannot be undone')
      .action((o: { agent: string; yes?: boolean }) =>
        cli.run(async ({ database, log }) => {
          const ifi = personIfi(o.agent);
          if (!o.yes) throw new UsageError('erasure cannot be undone: add --yes to confirm');
          const done = await erasePerson(database.db, ifi);
          log.info(done, 'person erased');
          cli.out(`erased ${done.statements} statements and ${done.documents} documents`);
        }),
      );

    program
      .command('purge')
      .description('delete statements stored before the retention period (RETENTION_MONTHS by default)')
      .option('--months <n>', 'keep this many months instead of RETENTION_MONTHS', wholeNumber(1, 1200, '24'))
      .option('--before <date>', 'delete statements stored before this date instead (e.g. 2024-09-01)', dateValue)
      .option('--yes', 'confirm: this cannot be undone')
      .action((o: { months?: number; before?: Date; yes?: boolean }) =>
        cli.run(async ({ database, config, log }) => {
          if (o.months !== undefined && o.before !== undefined) throw new UsageError('give --months or --before, not both');
          let cutoff: Date;
          if (o.before !== undefined) cutoff = o.before;
          else {
            cutoff = new Date();
            cutoff.setUTCMonth(cutoff.getUTCMonth() - (o.months ?? config.retentionMonths));
          }
          if (!o.yes) throw new UsageError(`purging statements stored before ${cutoff.toISOString()} cannot be undone: add --yes to confirm`);
          const total = await purgeBefore(database.db, cutoff);
          log.info({ cutoff: cutoff.toISOString(), statements: total }, 'statements purged');
          cli.out(`purged ${total} statements stored before ${cutoff.toISOString()}`);
        }),
      );
  },
};

if (require.main === module) void runStandalone(lrsCli);
