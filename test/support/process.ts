import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { ROOT_DIR } from '../../src/platform/paths';

/** A real Instants process started as `npm start` would (node scripts/start.cjs), with its output kept. */
export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts Instants in a child process with the given environment (on top of a minimal one). */
export function startInstants(env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [path.join(ROOT_DIR, 'scripts', 'start.cjs')], {
    cwd: ROOT_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development', WORKER: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls a URL until it answers 200, the process exits, or the time is up. */
export async function waitForOk(url: string, proc: RunningProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(url);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 (exited: ${exited}); output:\n${proc.output()}`);
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The variables a production start requires (config.ts), with fixed test values: https, the four secrets. */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  PUBLIC_URL: 'https://instants.ac-dijon.fr',
  LTI_KEY: 'l'.repeat(40),
  COOKIE_SECRET: 'c'.repeat(40),
  PSEUDONYM_KEY: 'p'.repeat(40),
  BADGE_SIGNING_KEYS: 'b'.repeat(43),
};
