import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp, type Instants } from '../../src/app';
import type { Clock } from '../../src/platform/clock';
import { loadConfig, type Config } from '../../src/platform/config';
import type { Database } from '../../src/platform/db/client';
import { createLogger, type Logger } from '../../src/platform/logger';
import type { Secrets } from '../../src/platform/secrets';
import { createTestDatabase } from './db';

/** A settable clock for tests. */
export class TestClock implements Clock {
  constructor(private current = new Date()) {}
  now(): Date {
    return new Date(this.current);
  }
  set(date: Date | string): void {
    this.current = new Date(date);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const TEST_SECRETS: Secrets = {
  ltiKey: 'test-lti-key-0123456789abcdef0123456789abcdef',
  cookieSecret: 'test-cookie-secret-0123456789abcdef0123456789',
  pseudonymKey: 'test-pseudonym-key-0123456789abcdef0123456789',
};

/** A config for tests from an environment-like object (defaults: test env, silent logs, no worker). */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WORKER: 'false', DATA_DIR: '/tmp/instants-test-data', ...env });
}

/** A logger whose lines are kept in memory, so tests can assert what was (not) logged. */
export function memoryLogger(level = 'info'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { log: createLogger(level, stream), lines };
}

/** A running Instants on a real loopback port with its own fresh database. */
export interface TestApp {
  instants: Instants;
  database: Database;
  url: string;
  config: Config;
  clock: TestClock;
  logLines: string[];
  close(): Promise<void>;
}

/**
 * Starts Instants on 127.0.0.1 with a fresh test database; `env` overrides configuration. PUBLIC_URL is
 * set to the real listening address once the port is known.
 */
export async function createTestApp(options: { env?: Record<string, string>; database?: Database; clock?: TestClock } = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const config = testConfig({ PUBLIC_URL: url, PORT: String(port), ...options.env });
  const clock = options.clock ?? new TestClock();
  const { log, lines } = memoryLogger(options.env?.LOG_LEVEL ?? 'info');
  const instants = await createApp({ config, secrets: TEST_SECRETS, database, log, clock });
  server.on('request', instants.app);
  return {
    instants,
    database,
    url,
    config,
    clock,
    logLines: lines,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await instants.close();
      if (!options.database) await database.close();
    },
  };
}
