import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  activatePlatform,
  addPlatform,
  createRegistrationLink,
  decideRegistration,
  findPlatformRecord,
  listPendingRegistrations,
  listPlatformRecords,
  openLti,
  RegistrationRefused,
  removePlatform,
  type LtiServices,
  type PlatformRecord,
} from '../lti';
import type { Opened } from '../platform/bootstrap';
import { systemClock } from '../platform/clock';
import { runStandalone } from './cli-local';
import { collect, UsageError, type CliBody, type CliContext, type CliDefinition, type CliIo } from './cli-support';

/** `npm run platform -- …`: LTI platforms (Moodle sites) allowed to launch Instants, and dynamic registration. */

/** Where Moodle serves each URL (shown in its "Tool configuration details" of a registered tool). */
const EXAMPLES = {
  issuer: 'https://moodle.ac-dijon.fr',
  loginUrl: 'https://moodle.ac-dijon.fr/mod/lti/auth.php',
  tokenUrl: 'https://moodle.ac-dijon.fr/mod/lti/token.php',
  keysetUrl: 'https://moodle.ac-dijon.fr/mod/lti/certs.php',
};
const url = (name: string, example: string) => z.url({ error: `${name}: expected an absolute URL (e.g. ${example})` });

const AddSchema = z
  .object({
    issuer: url('--issuer', EXAMPLES.issuer),
    clientId: z.string().min(1, '--client-id: required (shown by Moodle under "Tool configuration details")'),
    name: z.string().min(1).default('Moodle'),
    loginUrl: url('--login-url', EXAMPLES.loginUrl),
    tokenUrl: url('--token-url', EXAMPLES.tokenUrl),
    keysetUrl: url('--keyset-url', EXAMPLES.keysetUrl).optional(),
    publicKeyFile: z.string().optional(),
    deployment: z.array(z.string().regex(/^[\w.-]{1,100}$/, '--deployment: expected an id such as 1')).default([]),
    inactive: z.boolean().optional(),
  })
  .refine((o) => Boolean(o.keysetUrl) !== Boolean(o.publicKeyFile), { message: 'give exactly one of --keyset-url or --public-key-file' });

function withLti(cli: CliContext, body: (lti: LtiServices, opened: Opened, io: CliIo) => Promise<number | void>): Promise<void> {
  const run: CliBody = async (opened, io) => {
    const lti = await openLti({ db: opened.database.db, clock: systemClock, config: opened.config, ltiKey: opened.secrets.ltiKey });
    return body(lti, opened, io);
  };
  return cli.run(run);
}

function show(p: PlatformRecord): string {
  return [
    `issuer       ${p.issuer}`,
    `client id    ${p.clientId}`,
    `name         ${p.name}`,
    `status       ${p.active ? 'active' : 'pending activation'}`,
    `login URL    ${p.authEndpoint}`,
    `token URL    ${p.tokenEndpoint}`,
    `keys         ${p.keys.method === 'JWK_SET' ? p.keys.key : p.keys.method}`,
    `deployments  ${p.deployments.join(', ') || '(none declared yet)'}`,
  ].join('\n');
}

function toolUrls(publicUrl: string): string {
  return [
    'Enter these in Moodle (Site administration > Plugins > Activity modules > External tool > Manage tools):',
    `  Tool URL / redirection URI   ${publicUrl}/lti`,
    `  Initiate login URL           ${publicUrl}/lti/login`,
    `  Public keyset URL            ${publicUrl}/lti/keys`,
    `  Deep linking (content item)  ${publicUrl}/lti`,
  ].join('\n');
}

export const platformCli: CliDefinition = {
  name: 'platform',
  description: 'LTI 1.3 platforms (Moodle sites) allowed to launch Instants. See lti-config/moodle.md.',
  build(program, cli) {
    const out = cli.out;
    program
      .command('add')
      .description('register a platform (or update its URLs and add deployments); prints the URLs to enter in Moodle')
      .requiredOption('--issuer <url>', `the platform's issuer: Moodle's wwwroot, e.g. ${EXAMPLES.issuer}`)
      .requiredOption('--client-id <id>', 'the client id Moodle gave the tool')
      .option('--name <name>', 'a name for people', 'Moodle')
      .requiredOption('--login-url <url>', `the platform's OIDC authentication URL ("Authentication request URL"), e.g. ${EXAMPLES.loginUrl}`)
      .requiredOption('--token-url <url>', `the platform's access token URL ("Access token URL"), e.g. ${EXAMPLES.tokenUrl}`)
      .option('--keyset-url <url>', `the platform's public keyset URL ("Public keyset URL"), e.g. ${EXAMPLES.keysetUrl}`)
      .option('--public-key-file <file>', "a PEM file with the platform's public key (instead of a keyset URL)")
      .option('--deployment <id>', 'a deployment id (repeat); Moodle shows it as "Deployment ID"', collect)
      .option('--inactive', 'register as pending: launches are refused until `activate`')
      .action((raw: Record<string, unknown>) =>
        withLti(cli, async (lti, { config }, io) => {
          const parsed = AddSchema.safeParse(raw);
          if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join('\n'));
          const o = parsed.data;
          let keys: PlatformRecord['keys'];
          if (o.keysetUrl) keys = { method: 'JWK_SET', key: o.keysetUrl };
          else {
            const file = path.resolve(io.cwd, o.publicKeyFile!);
            if (!fs.existsSync(file)) throw new UsageError(`--public-key-file: ${file} does not exist`);
            const pem = fs.readFileSync(file, 'utf8');
            if (!pem.includes('BEGIN PUBLIC KEY')) throw new UsageError('--public-key-file: expected a PEM public key (-----BEGIN PUBLIC KEY-----)');
            keys = { method: 'RSA_KEY', key: pem };
          }
          const p = await addPlatform(lti, { issuer: o.issuer, clientId: o.clientId, name: o.name, authEndpoint: o.loginUrl, tokenEndpoint: o.tokenUrl, keys }, o.deployment, !o.inactive);
          out(show(p));
          out('');
          out(toolUrls(config.http.publicUrl));
        }),
      );

    program
      .command('list')
      .description('list registered platforms')
      .option('--json', 'print JSON')
      .action((o: { json?: boolean }) =>
        withLti(cli, async (lti) => {
          const all = await listPlatformRecords(lti);
          if (o.json) out(JSON.stringify(all.map(({ keys: _k, ...p }) => p), null, 2));
          else if (all.length === 0) out('no platform registered (see `npm run platform -- add --help`)');
          else out(all.map(show).join('\n\n'));
        }),
      );

    const target = (cmd: Command) => cmd.requiredOption('--issuer <url>', `the platform's issuer, e.g. ${EXAMPLES.issuer}`).requiredOption('--client-id <id>', 'its client id');

    target(program.command('remove').description('remove a platform, its keys and deployments (its launches stay in the history)')).action((o: { issuer: string; clientId: string }) =>
      withLti(cli, async (lti) => {
        if (!(await removePlatform(lti, o.issuer, o.clientId))) throw new UsageError(`no platform ${o.issuer} with client id ${o.clientId}`);
        out(`removed ${o.issuer} (${o.clientId})`);
      }),
    );

    for (const [name, active] of [
      ['activate', true],
      ['deactivate', false],
    ] as const) {
      target(program.command(name).description(active ? 'allow launches from a pending platform (e.g. after dynamic registration)' : 'refuse launches from a platform')).action(
        (o: { issuer: string; clientId: string }) =>
          withLti(cli, async (lti) => {
            const deps = { db: lti.db, clock: systemClock, config: lti.config, provider: lti.provider };
            const done = active ? await activatePlatform(deps, o.issuer, o.clientId) : await lti.provider.setActive(o.issuer, o.clientId, false);
            if (!done) throw new UsageError(`no platform ${o.issuer} with client id ${o.clientId}`);
            out(show((await findPlatformRecord(lti, o.issuer, o.clientId))!));
          }),
      );
    }

    program
      .command('link')
      .description('make a one-time dynamic registration link for one Moodle site (valid 7 days); paste it into Moodle as the tool URL')
      .requiredOption('--moodle <url>', `the Moodle site's address, e.g. ${EXAMPLES.issuer}`)
      .option('--label <text>', 'a note for administrators')
      .action((o: { moodle: string; label?: string }) =>
        withLti(cli, async (lti) => {
          try {
            const link = await createRegistrationLink({ db: lti.db, clock: systemClock, config: lti.config }, { moodleUrl: o.moodle, label: o.label });
            out(`registration link for ${link.origin} (valid until ${link.expiresAt.toISOString().slice(0, 10)}, once):`);
            out(`  ${link.url}`);
            out("In Moodle: Site administration > Plugins > Activity modules > External tool > Manage tools > Tool URL, then 'Add LTI Advantage'.");
          } catch (err) {
            if (err instanceof RegistrationRefused) throw new UsageError('--moodle: expected the https address of a Moodle site, e.g. https://moodle.ac-dijon.fr');
            throw err;
          }
        }),
      );

    program
      .command('pending')
      .description('list dynamic registrations waiting for a decision (new platforms, and updates of known ones)')
      .action(() =>
        withLti(cli, async (lti) => {
          const rows = await listPendingRegistrations(lti.db, systemClock.now());
          if (rows.length === 0) out('no pending registration');
          for (const r of rows) out(`${r.id}  ${r.kind === 'new' ? 'new platform   ' : 'update         '}  ${r.issuer}  client id ${r.clientId}  expires ${r.expiresAt.toISOString().slice(0, 16)}Z`);
        }),
      );

    for (const [name, accept] of [
      ['accept', true],
      ['reject', false],
    ] as const) {
      program
        .command(`${name} <id>`)
        .description(accept ? 'activate a pending new platform, or apply a pending update (id from `pending`)' : 'reject a pending registration (a new platform is removed)')
        .action((id: string) =>
          withLti(cli, async (lti) => {
            if (!z.uuid().safeParse(id).success) throw new UsageError('<id>: expected the id shown by `npm run platform -- pending`');
            const row = await decideRegistration({ db: lti.db, clock: systemClock, config: lti.config, provider: lti.provider }, id, accept);
            if (!row) throw new UsageError(`no pending registration ${id}`);
            out(`${accept ? (row.kind === 'new' ? 'activated' : 'applied') : 'rejected'}: ${row.issuer} (${row.clientId})`);
          }),
        );
    }
  },
};

if (require.main === module) void runStandalone(platformCli);
