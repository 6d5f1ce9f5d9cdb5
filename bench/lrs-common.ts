/** Shared set-up of the LRS benchmarks: a throw-away PostgreSQL database and Instants on a loopback port. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { createApp } from '../src/app';
import { createCredential } from '../src/lrs/credentials.service';
import { systemClock } from '../src/platform/clock';
import { openPostgres, type Database } from '../src/platform/db/client';
import { migrate } from '../src/platform/db/migrate';
import { createLogger } from '../src/platform/logger';
import { TEST_SECRETS, testConfig } from '../test/support/app';

/** Shared with the other benches. */
export { arg, percentile } from './support';

export interface BenchLrs {
  url: string;
  auth: string;
  database: Database;
  databaseUrl: string;
  close(): Promise<void>;
}

/** Opens (or creates and migrates) a database and serves Instants on it (production logging: LOG_LEVEL info, its default). */
export async function startBenchLrs(options: { adminUrl: string; name: string; create: boolean; poolSize?: number; countQueries?: boolean; logLevel?: string }): Promise<BenchLrs> {
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  if (options.create) await admin.query(`create database ${options.name}`);
  const u = new URL(options.adminUrl);
  u.pathname = `/${options.name}`;
  const databaseUrl = u.toString();
  const database = await openPostgres(databaseUrl, options.poolSize ?? 24, { countQueries: options.countQueries });
  await migrate(database);
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  // Logging as in production (level info, JSON lines), written to /dev/null: its cost is part of the figure.
  const log = createLogger(options.logLevel ?? 'info', pino.destination({ dest: '/dev/null', sync: false }));
  const instants = await createApp({ config: testConfig({ PUBLIC_URL: url, UPLOAD_MAX_BYTES: String(64 * 1024 * 1024) }), secrets: TEST_SECRETS, database, log, clock: systemClock });
  server.on('request', instants.app);
  const c = await createCredential(database.db, { name: 'bench', scopes: ['all'] });
  return {
    url,
    auth: `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}`,
    database,
    databaseUrl,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await instants.close();
      await database.close();
      if (options.create) await admin.query(`drop database if exists ${options.name} with (force)`);
      await admin.end();
    },
  };
}
