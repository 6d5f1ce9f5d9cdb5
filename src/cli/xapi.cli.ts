import { Command } from 'commander';
import { systemClock } from '../platform/clock';
import { createLogger } from '../platform/logger';
import { buildProfileDocument } from '../xapi';
import {
  addDestination,
  findDestination,
  listDestinations,
  removeDestination,
  setDestinationCredentials,
  setDestinationEnabled,
  XAPI_OUTBOX_KIND,
} from '../xapi/forwarding/destinations';
import { xapiForwardHandler } from '../xapi/forwarding/forward.handler';
import { destinationStatuses, listDeadLetters, replayDeadLetters, resendFrom } from '../xapi/forwarding/operations';
import { Outbox } from '../xapi/outbox/outbox';
import { formatLag } from '../xapi/xapi.present';
import { DEFAULT_BASE_IRI } from '../xapi/vocabulary';
import { runCli, UsageError } from './cli-support';

/** Operations of xAPI forwarding: destinations, lag, dead letters, replay, resend; and the profile document. */

const out = (line: string) => process.stdout.write(`${line}\n`);
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Runs a command body, turning our errors (bad input, unknown destination) into a usage error. */

const program = new Command('npm run xapi --').description('xAPI recording and forwarding to external LRSs.');

const destinations = program.command('destinations').description('external LRSs that receive every stored statement');
destinations
  .command('list')
  .description('list destinations (credentials are never shown)')
  .action(() =>
    runCli(async ({ database }) => {
      for (const d of await listDestinations(database.db)) {
        const filter = [...d.verbs.map((v) => `verb=${v}`), ...d.activities.map((a) => `activity=${a}`)].join(' ') || 'all statements';
        out(`${d.name}\t${d.enabled ? 'enabled' : 'disabled'}\t${d.endpoint}\txAPI ${d.xapiVersion}\tbatch ${d.batchSize}\t${filter}\t${d.id}`);
      }
    }),
  );
destinations
  .command('add')
  .description('add a destination; its key and secret are stored encrypted')
  .requiredOption('--name <name>', 'a short name (letters, digits, . - _)')
  .requiredOption('--endpoint <url>', 'the LRS endpoint, e.g. https://lrs.ac-dijon.fr/xapi/')
  .requiredOption('--key <key>', 'the LRS key (HTTP Basic user)')
  .requiredOption('--secret <secret>', 'the LRS secret (HTTP Basic password)')
  .option('--xapi-version <version>', '1.0.3 or 2.0.0', '1.0.3')
  .option('--verb <iri>', 'forward only statements with this verb (repeatable)', collect, [])
  .option('--activity <iri>', 'forward only statements whose object id starts with this IRI (repeatable)', collect, [])
  .option('--batch-size <n>', 'statements per request (1–5000)', '200')
  .action((o: { name: string; endpoint: string; key: string; secret: string; xapiVersion: string; verb: string[]; activity: string[]; batchSize: string }) =>
    runCli(async ({ database, secrets }) => {
      const d = await addDestination(database.db, secrets.ltiKey, {
        name: o.name,
        endpoint: o.endpoint,
        key: o.key,
        secret: o.secret,
        version: o.xapiVersion as '1.0.3',
        verbs: o.verb,
        activities: o.activity,
        batchSize: Number(o.batchSize),
      });
      out(`added ${d.name} (${d.id}): new statements will be forwarded to ${d.endpoint}; use "resend --from" for earlier ones`);
    }),
  );
for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
  destinations
    .command(`${name} <name>`)
    .description(`${name} a destination`)
    .action((n: string) =>
      runCli(async ({ database }) => {
        const d = await findDestination(database.db, n);
        await setDestinationEnabled(database.db, d.id, enabled);
        out(`${d.name} ${enabled ? 'enabled' : 'disabled'}`);
      }),
    );
}
destinations
  .command('set-credentials <name>')
  .description("replace a destination's key and secret")
  .requiredOption('--key <key>', 'the LRS key')
  .requiredOption('--secret <secret>', 'the LRS secret')
  .action((n: string, o: { key: string; secret: string }) =>
    runCli(async ({ database, secrets }) => {
      const d = await findDestination(database.db, n);
      await setDestinationCredentials(database.db, secrets.ltiKey, d.id, o.key, o.secret);
      out(`${d.name}: credentials replaced`);
    }),
  );
destinations
  .command('remove <name>')
  .description('remove a destination (statements still pending for it become dead letters)')
  .action((n: string) =>
    runCli(async ({ database }) => {
      const d = await findDestination(database.db, n);
      await removeDestination(database.db, d.id);
      out(`${d.name} removed`);
    }),
  );

program
  .command('status')
  .description("each destination's backlog, lag, last delivery, last error and dead letters")
  .option('--json', 'print JSON')
  .action((o: { json?: boolean }) =>
    runCli(async ({ database }) => {
      const statuses = await destinationStatuses(database.db, new Date());
      if (o.json) return void out(JSON.stringify(statuses, null, 2));
      if (!statuses.length) return void out('no destination configured');
      for (const s of statuses) {
        out(`${s.name}: ${s.enabled ? 'enabled' : 'disabled'}, ${s.pending} pending, lag ${formatLag(s.lagSeconds)}, ${s.deliveredCount} delivered${s.lastDeliveredAt ? ` (last ${s.lastDeliveredAt.toISOString()})` : ''}, ${s.dead} dead`);
        if (s.lastError) out(`  last error ${s.lastErrorAt?.toISOString() ?? ''}: ${s.lastError}`);
        if (s.pausedUntil && s.pausedUntil > new Date()) out(`  next try after ${s.pausedUntil.toISOString()}`);
      }
    }),
  );

program
  .command('dead-letters')
  .description('statements a destination refused for good, with its answer')
  .option('--destination <name>', 'only this destination')
  .option('--limit <n>', 'at most this many', '100')
  .action((o: { destination?: string; limit: string }) =>
    runCli(async ({ database }) => {
      const destinationId = o.destination ? (await findDestination(database.db, o.destination)).id : undefined;
      const rows = await listDeadLetters(database.db, { destinationId, limit: Number(o.limit) || 100 });
      if (!rows.length) return void out('no dead letters');
      for (const d of rows) out(`#${d.id}\t${d.deadAt.toISOString()}\tstatement ${d.statementId}\tHTTP ${d.remoteStatus ?? '-'}\t${(d.remoteBody ?? d.error ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
    }),
  );

program
  .command('replay')
  .description('queue dead letters again (all, one destination, or one by its #id)')
  .option('--destination <name>', 'only this destination')
  .option('--id <n>', 'only this dead letter')
  .action((o: { destination?: string; id?: string }) =>
    runCli(async ({ database }) => {
      if (o.id !== undefined && !/^\d+$/.test(o.id)) throw new UsageError('--id expects the number shown by dead-letters (e.g. --id 42)');
      const destinationId = o.destination ? (await findDestination(database.db, o.destination)).id : undefined;
      const n = await replayDeadLetters(database.db, new Date(), { destinationId, ids: o.id ? [Number(o.id)] : undefined });
      out(`${n} dead letter(s) queued again`);
    }),
  );

program
  .command('resend')
  .description('queue again every statement stored since a date for one destination (duplicates are harmless)')
  .requiredOption('--destination <name>', 'the destination')
  .requiredOption('--from <date>', 'e.g. 2026-11-01 or 2026-11-01T08:00:00Z')
  .action((o: { destination: string; from: string }) =>
    runCli(async ({ database }) => {
      const n = await resendFrom(database.db, o.destination, new Date(o.from), new Date());
      out(`${n} statement(s) queued for ${o.destination}`);
    }),
  );

program
  .command('work')
  .description('deliver the outbox now, until nothing is left or only retries are waiting')
  .action(() =>
    runCli(async ({ database, secrets, config }) => {
      const box = new Outbox({ db: database.db, clock: systemClock, log: createLogger(config.log.level) });
      box.register(XAPI_OUTBOX_KIND, xapiForwardHandler({ db: database.db, ltiKey: secrets.ltiKey }));
      let total = 0;
      for (let n = await box.runOnce(); n > 0; n = await box.runOnce()) total += n;
      out(`${total} item(s) settled`);
    }),
  );

program
  .command('profile')
  .description('print the Instants xAPI profile (JSON-LD) for XAPI_BASE_IRI, or for the committed default')
  .option('--default-base', `use ${DEFAULT_BASE_IRI} (what xapi/profile.jsonld holds)`)
  .action((o: { defaultBase?: boolean }) =>
    runCli(async ({ config }) => {
      out(JSON.stringify(buildProfileDocument(o.defaultBase ? DEFAULT_BASE_IRI : config.xapi.baseIri), null, 2));
    }),
  );

program.parseAsync().catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(64);
});
