import { systemClock } from '../platform/clock';
import { buildProfileDocument } from '../xapi';
import { addDestination, findDestination, listDestinations, removeDestination, setDestinationCredentials, setDestinationEnabled, XAPI_OUTBOX_KIND } from '../xapi/forwarding/destinations';
import { xapiForwardHandler } from '../xapi/forwarding/forward.handler';
import { destinationStatuses, listDeadLetters, replayDeadLetters, resendFrom } from '../xapi/forwarding/operations';
import { Outbox } from '../xapi/outbox/outbox';
import { formatLag } from '../xapi/xapi.present';
import { DEFAULT_BASE_IRI } from '../xapi/vocabulary';
import { runStandalone } from './cli-local';
import { collect, dateValue, readSecret, wholeNumber, type CliDefinition } from './cli-support';

/** `npm run xapi -- …`: forwarding to external LRSs (destinations, lag, dead letters, replay, resend, delivery now); the profile. */

/** Where `destinations add` and `set-credentials` read the LRS secret unless `--secret-stdin` is given. */
export const SECRET_VARIABLE = 'XAPI_DESTINATION_SECRET';
const secretHelp = `the LRS secret (HTTP Basic password) is read from ${SECRET_VARIABLE}, or from standard input with --secret-stdin; never from the command line`;

export const xapiCli: CliDefinition = {
  name: 'xapi',
  description: 'xAPI recording and forwarding to external LRSs.',
  build(program, cli) {
    const out = cli.out;
    const destinations = program.command('destinations').description('external LRSs that receive every stored statement');
    destinations
      .command('list')
      .description('list destinations (credentials are never shown)')
      .action(() =>
        cli.run(async ({ database }) => {
          for (const d of await listDestinations(database.db)) {
            const filter = [...d.verbs.map((v) => `verb=${v}`), ...d.activities.map((a) => `activity=${a}`)].join(' ') || 'all statements';
            out(`${d.name}\t${d.enabled ? 'enabled' : 'disabled'}\t${d.endpoint}\txAPI ${d.xapiVersion}\tbatch ${d.batchSize}\t${filter}\t${d.id}`);
          }
        }),
      );
    destinations
      .command('add')
      .description(`add a destination; its key and secret are stored encrypted (${secretHelp})`)
      .requiredOption('--name <name>', 'a short name (letters, digits, . - _)')
      .requiredOption('--endpoint <url>', 'the LRS endpoint, e.g. https://lrs.ac-dijon.fr/xapi/')
      .requiredOption('--key <key>', 'the LRS key (HTTP Basic user)')
      .option('--secret-stdin', 'read the LRS secret from the first line of standard input')
      .option('--xapi-version <version>', '1.0.3 or 2.0.0', '1.0.3')
      .option('--verb <iri>', 'forward only statements with this verb (repeatable)', collect, [])
      .option('--activity <iri>', 'forward only statements whose object id starts with this IRI (repeatable)', collect, [])
      .option('--batch-size <n>', 'statements per request (1–5000)', '200')
      .addHelpText('after', `\nExample:\n  read -rs ${SECRET_VARIABLE} && export ${SECRET_VARIABLE}\n  npm run xapi -- destinations add --name lrs-academie --endpoint https://lrs.ac-dijon.fr/xapi/ --key instants`)
      .action(async (o: { name: string; endpoint: string; key: string; secretStdin?: boolean; xapiVersion: string; verb: string[]; activity: string[]; batchSize: string }) => {
        const secret = await readSecret(cli.io, { envName: SECRET_VARIABLE, fromStdin: o.secretStdin, flag: '--secret-stdin' });
        await cli.run(async ({ database, secrets }) => {
          const d = await addDestination(database.db, secrets.ltiKey, {
            name: o.name,
            endpoint: o.endpoint,
            key: o.key,
            secret,
            version: o.xapiVersion as '1.0.3',
            verbs: o.verb,
            activities: o.activity,
            batchSize: Number(o.batchSize),
          });
          out(`added ${d.name} (${d.id}): new statements will be forwarded to ${d.endpoint}; use "resend --from" for earlier ones`);
        });
      });
    for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
      destinations
        .command(`${name} <name>`)
        .description(`${name} a destination`)
        .action((n: string) =>
          cli.run(async ({ database }) => {
            const d = await findDestination(database.db, n);
            await setDestinationEnabled(database.db, d.id, enabled);
            out(`${d.name} ${enabled ? 'enabled' : 'disabled'}`);
          }),
        );
    }
    destinations
      .command('set-credentials <name>')
      .description(`replace a destination's key and secret (${secretHelp})`)
      .requiredOption('--key <key>', 'the LRS key')
      .option('--secret-stdin', 'read the LRS secret from the first line of standard input')
      .action(async (n: string, o: { key: string; secretStdin?: boolean }) => {
        const secret = await readSecret(cli.io, { envName: SECRET_VARIABLE, fromStdin: o.secretStdin, flag: '--secret-stdin' });
        await cli.run(async ({ database, secrets }) => {
          const d = await findDestination(database.db, n);
          await setDestinationCredentials(database.db, secrets.ltiKey, d.id, o.key, secret);
          out(`${d.name}: credentials replaced`);
        });
      });
    destinations
      .command('remove <name>')
      .description('remove a destination (statements still pending for it become dead letters)')
      .action((n: string) =>
        cli.run(async ({ database }) => {
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
        cli.run(async ({ database }) => {
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
      .option('--limit <n>', 'at most this many (1 to 10000)', wholeNumber(1, 10_000, '100'), 100)
      .action((o: { destination?: string; limit: number }) =>
        cli.run(async ({ database }) => {
          const destinationId = o.destination ? (await findDestination(database.db, o.destination)).id : undefined;
          const rows = await listDeadLetters(database.db, { destinationId, limit: o.limit });
          if (!rows.length) return void out('no dead letters');
          for (const d of rows) out(`#${d.id}\t${d.deadAt.toISOString()}\tstatement ${d.statementId}\tHTTP ${d.remoteStatus ?? '-'}\t${(d.remoteBody ?? d.error ?? '').replace(/\s+/g, ' ').slice(0, 300)}`);
        }),
      );

    program
      .command('replay')
      .description('queue dead letters again (all, one destination, or one by its #id)')
      .option('--destination <name>', 'only this destination')
      .option('--id <n>', 'only this dead letter (the number shown by dead-letters)', wholeNumber(1, Number.MAX_SAFE_INTEGER, '42'))
      .action((o: { destination?: string; id?: number }) =>
        cli.run(async ({ database }) => {
          const destinationId = o.destination ? (await findDestination(database.db, o.destination)).id : undefined;
          const n = await replayDeadLetters(database.db, new Date(), { destinationId, ids: o.id ? [o.id] : undefined });
          out(n === 1 ? '1 dead letter queued again' : `${n} dead letters queued again`);
        }),
      );

    program
      .command('resend')
      .description('queue again every statement stored since a date for one destination (duplicates are harmless)')
      .requiredOption('--destination <name>', 'the destination')
      .requiredOption('--from <date>', 'e.g. 2026-11-01 or 2026-11-01T08:00:00Z', dateValue)
      .action((o: { destination: string; from: Date }) =>
        cli.run(async ({ database }) => {
          const n = await resendFrom(database.db, o.destination, o.from, new Date());
          out(n === 1 ? `1 statement queued for ${o.destination}` : `${n} statements queued for ${o.destination}`);
        }),
      );

    program
      .command('work')
      .description('deliver the outbox now, until nothing is left or only retries are waiting, with a progress bar and a summary')
      .action(() =>
        cli.run(async ({ database, secrets, log }, io) => {
          // Per-batch warnings would drown the bar: the summary below says what happened.
          const box = new Outbox({ db: database.db, clock: systemClock, log: log.child({}, { level: 'error' }) });
          box.register(XAPI_OUTBOX_KIND, xapiForwardHandler({ db: database.db, ltiKey: secrets.ltiKey }));
          const before = await destinationStatuses(database.db, new Date());
          const bar = io.progress('Delivering', before.reduce((n, s) => n + s.pending, 0));
          let total = 0;
          for (let n = await box.runOnce(); n > 0; n = await box.runOnce()) {
            total += n;
            bar.tick(n);
          }
          bar.stop();
          out(total === 1 ? '1 item settled' : `${total} items settled`);
          const after = await destinationStatuses(database.db, new Date());
          for (const s of after) {
            const was = before.find((b) => b.id === s.id);
            const delivered = s.deliveredCount - (was?.deliveredCount ?? 0);
            const dead = s.dead - (was?.dead ?? 0);
            out(`${s.name}: ${delivered} delivered, ${s.pending} still pending, ${dead} newly refused (${s.dead} dead letters in all)`);
            if (s.pending && s.lastError) out(`  last error: ${s.lastError}${s.pausedUntil ? ` (next try after ${s.pausedUntil.toISOString()})` : ''}`);
          }
        }),
      );

    program
      .command('profile')
      .description('print the Instants xAPI profile (JSON-LD) for XAPI_BASE_IRI, or for the committed default')
      .option('--default-base', `use ${DEFAULT_BASE_IRI} (what xapi/profile.jsonld holds)`)
      .action((o: { defaultBase?: boolean }) =>
        cli.run(async ({ config }) => {
          out(JSON.stringify(buildProfileDocument(o.defaultBase ? DEFAULT_BASE_IRI : config.xapi.baseIri), null, 2));
        }),
      );
  },
};

if (require.main === module) void runStandalone(xapiCli);
