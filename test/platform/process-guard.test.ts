import { expect } from 'chai';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT_DIR } from '../../src/platform/paths';

/** Runs a small script in a child process (TypeScript through tsx) and returns its exit code and JSON log lines. */
function runScript(source: string): Promise<{ code: number | null; lines: Record<string, unknown>[]; raw: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', source], { cwd: ROOT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
    let raw = '';
    child.stdout.on('data', (d: Buffer) => (raw += d.toString()));
    child.stderr.on('data', (d: Buffer) => (raw += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const lines = raw
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, raw });
    });
  });
}

const prelude = `
require('tsx/cjs');
const { installProcessGuards, runWithRequestId } = require(${JSON.stringify(path.join(ROOT_DIR, 'src/platform/process-guard.ts'))});
const { createLogger } = require(${JSON.stringify(path.join(ROOT_DIR, 'src/platform/logger.ts'))});
const log = createLogger('info');
installProcessGuards(log, async (exitCode, reason) => { log.info({ exitCode, reason }, 'stopped'); process.exit(exitCode); });
`;

describe('platform: process guards (a real child process)', function () {
  this.timeout(60_000);

  it('logs an unhandled rejection as a JSON error with its request id and keeps the process running', async () => {
    const { code, lines, raw } = await runScript(`${prelude}
      process.on('unhandledRejection', () => setImmediate(() => { log.info('still alive'); process.exit(0); }));
      runWithRequestId('req-rejection-1', () => setImmediate(() => Promise.reject(new Error('boom rejection'))));
    `);
    expect(code, raw).to.equal(0);
    const error = lines.find((l) => l.msg === 'unhandled promise rejection (process kept running)');
    expect(error, raw).to.include({ level: 50, requestId: 'req-rejection-1' });
    expect((error!.err as { message: string }).message).to.equal('boom rejection');
    expect(lines.some((l) => l.msg === 'still alive')).to.equal(true);
  });

  it('logs an uncaught exception as fatal with its request id, then shuts down with exit code 1', async () => {
    const { code, lines, raw } = await runScript(`${prelude}
      runWithRequestId('req-exception-1', () => setImmediate(() => { throw new Error('boom exception'); }));
    `);
    expect(code, raw).to.equal(1);
    const fatal = lines.find((l) => l.msg === 'uncaught exception: shutting down');
    expect(fatal, raw).to.include({ level: 60, requestId: 'req-exception-1' });
    expect((fatal!.err as { message: string }).message).to.equal('boom exception');
    expect(lines.find((l) => l.msg === 'stopped')).to.include({ exitCode: 1, reason: 'uncaughtException' });
    expect(raw.split('\n').filter((l) => l.trim() && !l.startsWith('{')), 'nothing outside the JSON log').to.deep.equal([]);
  });
});
