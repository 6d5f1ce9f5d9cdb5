import fs from 'node:fs';
import { Command } from 'commander';
import { createCredential, listCredentials, revokeCredential, SCOPES } from '../lrs/credentials.service';
import { erasePerson, exportPerson, personIfi, purgeBefore } from '../lrs/privacy.service';
import { runCli, UsageError } from './cli-support';

/** LRS administration: credentials, and the data-protection operations (export, erase, purge). */

const out = (line: string) => process.stdout.write(`${line}\n`);
const collect = (value: string, previous: string[] = []) => [...previous, value];


const program = new Command('npm run lrs --').description('The embedded Learning Record Store: credentials and data protection.');

const credentials = program.command('credentials').description('key/secret pairs for xAPI clients (HTTP Basic)');
credentials
  .command('create')
  .description('create a credential; the secret is printed once')
  .requiredOption('--name <name>', 'who uses it, e.g. "Tableau académique"')
  .requiredOption('--scope <scope>', `an xAPI scope (repeat): ${SCOPES.join(', ')}`, collect)
  .action((o: { name: string; scope: string[] }) =>
    runCli(async ({ database, log }) => {
      const c = await createCredential(database.db, { name: o.name, scopes: o.scope as never });
      log.info({ key: c.key }, 'LRS credential created');
      out(`key\t${c.key}\nsecret\t${c.secret}\n(the secret is shown only now)`);
    }),
  );
credentials
  .command('list')
  .description('list credentials (secrets are never shown)')
  .action(() =>
    runCli(async ({ database }) => {
      for (const c of await listCredentials(database.db)) {
        out(`${c.key}\t${c.name}\t${c.scopes.join(',')}\tcreated ${c.createdAt.toISOString()}\t${c.revokedAt ? `revoked ${c.revokedAt.toISOString()}` : 'active'}`);
      }
    }),
  );
credentials
  .command('revoke <key>')
  .description('revoke a credential at once')
  .action((key: string) =>
    runCli(async ({ database, log }) => {
      await revokeCredential(database.db, key);
      log.info({ key }, 'LRS credential revoked');
      out(`revoked ${key}`);
    }),
  );

program
  .command('export')
  .description('export every statement naming one person, and their documents, as JSON (GDPR access)')
  .requiredOption('--agent <json>', 'the person as an xAPI agent, e.g. \'{"mbox":"mailto:jeanne@ac-dijon.fr"}\'')
  .option('--out <file>', 'write to this file instead of standard output')
  .action((o: { agent: string; out?: string }) =>
    runCli(async ({ database, log }) => {
      const data = await exportPerson(database.db, personIfi(o.agent));
      const text = `${JSON.stringify(data, null, 2)}\n`;
      if (o.out) fs.writeFileSync(o.out, text, { mode: 0o600 });
      else process.stdout.write(text);
      log.info({ statements: data.statements.length, documents: data.documents.length }, 'person exported');
      if (o.out) out(`exported ${data.statements.length} statements and ${data.documents.length} documents to ${o.out}`);
    }),
  );

program
  .command('erase')
  .description('erase one person: every statement naming them in any role, and their documents (GDPR erasure)')
  .requiredOption('--agent <json>', 'the person as an xAPI agent')
  .option('--yes', 'confirm: this cannot be undone')
  .action((o: { agent: string; yes?: boolean }) =>
    runCli(async ({ database, log }) => {
      const ifi = personIfi(o.agent);
      if (!o.yes) throw new UsageError('Erasure cannot be undone: add --yes to confirm');
      const done = await erasePerson(database.db, ifi);
      log.info(done, 'person erased');
      out(`erased ${done.statements} statements and ${done.documents} documents`);
    }),
  );

program
  .command('purge')
  .description('delete statements stored before the retention period (RETENTION_MONTHS by default)')
  .option('--months <n>', 'keep this many months instead of RETENTION_MONTHS')
  .option('--before <date>', 'delete statements stored before this ISO 8601 date instead')
  .option('--yes', 'confirm: this cannot be undone')
  .action((o: { months?: string; before?: string; yes?: boolean }) =>
    runCli(async ({ database, config, log }) => {
      let cutoff: Date;
      if (o.before !== undefined) {
        cutoff = new Date(o.before);
        if (Number.isNaN(cutoff.getTime())) throw new UsageError(`--before: expected an ISO 8601 date (e.g. 2024-09-01), got "${o.before}"`);
      } else {
        const months = o.months === undefined ? config.retentionMonths : Number(o.months);
        if (!Number.isInteger(months) || months < 1) throw new UsageError(`--months: expected a whole number of months ≥ 1, got "${o.months}"`);
        cutoff = new Date();
        cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
      }
      if (!o.yes) throw new UsageError(`Purging statements stored before ${cutoff.toISOString()} cannot be undone: add --yes to confirm`);
      const total = await purgeBefore(database.db, cutoff);
      log.info({ cutoff: cutoff.toISOString(), statements: total }, 'statements purged');
      out(`purged ${total} statements stored before ${cutoff.toISOString()}`);
    }),
  );

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exit(64);
});
