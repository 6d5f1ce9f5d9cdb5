import pino from 'pino';
import { ConfigError, loadConfig, readEnvironment, type Config } from './config';
import { DatabaseUnavailableError, openDatabase, type Database } from './db/client';
import { migrate } from './db/migrate';
import { createLogger, prettyAvailable, wantsPretty, type Logger } from './logger';
import { loadSecrets, prepareDataDir, type Secrets } from './secrets';

/** Exit codes scripts can rely on, documented in the README. */
export const EXIT = { ok: 0, unexpected: 1, config: 2, database: 3, listen: 4, dataDir: 5, install: 6, usage: 64 } as const;

/** A start-up failure with the sentence to print and the exit code to use. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

export interface Opened {
  config: Config;
  log: Logger;
  secrets: Secrets;
  database: Database;
}

/** The configuration from the environment and `.env`, or a StartupError listing every problem (exit 2). */
export function configFromEnv(): Config {
  try {
    return loadConfig(readEnvironment());
  } catch (err) {
    if (err instanceof ConfigError) throw new StartupError(err.message, EXIT.config);
    throw err;
  }
}

/**
 * What `main` and every CLI command do first: config, data directory, secrets, database, and (unless told
 * otherwise) migrations. Failures become StartupErrors with a clear sentence and an exit code.
 */
export async function openFromEnv(options: { migrate?: boolean; logLevel?: string; logToStderr?: boolean } = {}): Promise<Opened> {
  const config = configFromEnv();
  if (config.log.format === 'pretty' && !prettyAvailable()) {
    throw new StartupError('Invalid configuration:\n  - LOG_FORMAT: pretty needs pino-pretty, a development dependency missing from this install (use json or auto)', EXIT.config);
  }
  // CLIs keep standard output for their results: their log lines go to standard error.
  const destination = options.logToStderr ? pino.destination(2) : undefined;
  const log = createLogger(options.logLevel ?? config.log.level, destination, { pretty: wantsPretty(config.log.format, config.env, Boolean((options.logToStderr ? process.stderr : process.stdout).isTTY)) });
  try {
    prepareDataDir(config.dataDir);
  } catch (err) {
    throw new StartupError((err as Error).message, EXIT.dataDir);
  }
  const { secrets, generated } = loadSecrets(config);
  if (generated.length) log.info({ generated }, `generated missing secrets into ${config.dataDir}/secrets.json`);
  let database: Database;
  try {
    database = await openDatabase({
      url: config.db.url,
      dataDir: config.dataDir,
      poolSize: config.db.poolSize,
      onConnectionLost: (err) => log.warn({ err }, 'database connection lost: requests using it get 503, the pool opens a new one'),
    });
  } catch (err) {
    if (err instanceof DatabaseUnavailableError) throw new StartupError(err.message, EXIT.database);
    throw err;
  }
  if (options.migrate !== false) {
    try {
      const applied = await migrate(database);
      if (applied.length) log.info({ applied }, 'database migrated');
    } catch (err) {
      await database.close().catch(() => undefined);
      throw new StartupError(`Database migration failed: ${(err as Error).message}`, EXIT.database);
    }
  }
  return { config, log, secrets, database };
}

/** Prints a start-up failure for a person and exits with its code. */
export function exitWith(err: unknown): never {
  if (err instanceof StartupError) {
    process.stderr.write(`instants: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`instants: unexpected error: ${(err as Error)?.stack ?? err}\n`);
  process.exit(EXIT.unexpected);
}
