import type { CliLookup } from './cli-endpoint';
import type { CliDefinition } from './cli-support';

/** Every command-line tool by its npm script name, loaded only when asked for (the server's endpoint uses this). */
const TOOLS: Record<string, () => CliDefinition> = {
  badges: () => (require('./badges.cli') as typeof import('./badges.cli')).badgesCli,
  'db:migrate': () => (require('./migrate.cli') as typeof import('./migrate.cli')).migrateCli,
  dashboard: () => (require('./dashboard.cli') as typeof import('./dashboard.cli')).dashboardCli,
  lrs: () => (require('./lrs.cli') as typeof import('./lrs.cli')).lrsCli,
  platform: () => (require('./platform.cli') as typeof import('./platform.cli')).platformCli,
  privacy: () => (require('./privacy.cli') as typeof import('./privacy.cli')).privacyCli,
  secrets: () => (require('./secrets.cli') as typeof import('./secrets.cli')).secretsCli,
  seed: () => (require('./seed.cli') as typeof import('./seed.cli')).seedCli,
  xapi: () => (require('./xapi.cli') as typeof import('./xapi.cli')).xapiCli,
};

/** The names of every tool (the CLI tests walk them all). */
export const CLI_NAMES = Object.keys(TOOLS);

/** Finds a tool by name. */
export const lookupCli: CliLookup = (name) => (Object.hasOwn(TOOLS, name) ? TOOLS[name]!() : undefined);
