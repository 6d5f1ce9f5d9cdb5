import { issuerKeys, loadSeeds, newSeed } from '../badges/keys';
import { runStandalone } from './cli-local';
import type { CliDefinition } from './cli-support';

/** `npm run badges -- …`: the Open Badges issuer's signing keys (generation for BADGE_SIGNING_KEYS, listing). */
export const badgesCli: CliDefinition = {
  name: 'badges',
  description: 'Open Badges issuer: signing keys.',
  build(program, cli) {
    program
      .command('keygen')
      .description('print a new Ed25519 signing key (a seed) to put first in BADGE_SIGNING_KEYS; keep the old ones after it')
      .action(() => cli.out(newSeed()));
    program
      .command('keys')
      .description("print the issuer's DID and its published key ids, the signing one first (never the keys themselves)")
      .action(() =>
        cli.run(
          async ({ config }) => {
            const keys = await issuerKeys(config.http.publicUrl, loadSeeds(config));
            cli.out(`issuer\t${keys.did}`);
            keys.all.forEach((k, i) => cli.out(`${i === 0 ? 'signing' : 'verifying'}\t${k.id}`));
          },
          { migrate: false },
        ),
      );
  },
};

if (require.main === module) void runStandalone(badgesCli);
