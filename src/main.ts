import http from 'node:http';
import { createApp } from './app';
import { startCliEndpoint } from './cli/cli-endpoint';
import { lookupCli } from './cli/registry';
import { EXIT, exitWith, openFromEnv, StartupError } from './platform/bootstrap';
import { systemClock } from './platform/clock';
import { markProductionDatabase } from './platform/db/settings.repo';
import { missingRuntimeAssets } from './platform/paths';
import { installProcessGuards } from './platform/process-guard';

/**
 * Starts Instants: config → database → migrations → app → listen; clean shutdown on SIGTERM and SIGINT (exit
 * 0) and after an uncaught exception (exit 1, for a supervisor to restart); unhandled rejections are logged.
 */
async function main(): Promise<void> {
  const missing = missingRuntimeAssets();
  if (missing.length) {
    throw new StartupError(`This installation is incomplete: ${missing.join(', ')} not found in node_modules (install the dependencies with \`npm ci --omit=dev\`)`, EXIT.install);
  }
  const { config, log, secrets, database } = await openFromEnv();
  // Until the server listens, a crash only has the database to close; then `shutdown` below takes over.
  let stop: (exitCode: number) => Promise<void> = async (exitCode) => {
    await database.close().catch(() => undefined);
    process.exit(exitCode);
  };
  installProcessGuards(log, (exitCode) => stop(exitCode));
  // Remembered in the database, so that demonstration data is refused there even from a shell without NODE_ENV.
  if (config.env === 'production') await markProductionDatabase(database.db, new Date());
  const instants = await createApp({ config, log, secrets, database, clock: systemClock });
  const server = http.createServer(instants.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const reason = err.code === 'EADDRINUSE' ? 'the port is already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new StartupError(`Cannot listen on ${config.http.host}:${config.http.port}: ${reason} (set PORT or HOST)`, EXIT.listen));
    });
    server.listen(config.http.port, config.http.host, resolve);
  }).catch(async (err) => {
    await instants.close();
    await database.close();
    throw err;
  });
  if (config.worker.enabled) instants.jobs.start();
  // PGlite lets one process open the database: command-line tools run their commands in this one meanwhile.
  const cliEndpoint = database.kind === 'pglite' ? await startCliEndpoint({ config, log, secrets, database }, lookupCli) : undefined;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const openAt = `${config.http.publicUrl}/${config.demo ? 'demo' : ''}`;
  log.info({ host: config.http.host, port, database: database.kind, publicUrl: config.http.publicUrl }, `Instants is listening on ${config.http.host}:${port}; open ${openAt}`);

  let stopping = false;
  const shutdown = async (exitCode: number, signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, finishing requests in progress');
    const force = setTimeout(() => {
      log.warn('shutdown timeout reached, closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    force.unref();
    // A shutdown that cannot finish (a broken database after a crash) still ends the process.
    setTimeout(() => process.exit(exitCode || EXIT.unexpected), config.shutdownTimeoutMs * 2).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await cliEndpoint?.close().catch((err: unknown) => log.error({ err }, 'closing the command-line endpoint failed'));
    await instants.close().catch((err: unknown) => log.error({ err }, 'closing the application failed'));
    await database.close().catch((err: unknown) => log.error({ err }, 'closing the database failed'));
    log.info({ exitCode }, 'stopped');
    process.exit(exitCode);
  };
  stop = (exitCode) => shutdown(exitCode, 'uncaughtException');
  process.on('SIGTERM', () => void shutdown(EXIT.ok, 'SIGTERM'));
  process.on('SIGINT', () => void shutdown(EXIT.ok, 'SIGINT'));
}

main().catch(exitWith);
