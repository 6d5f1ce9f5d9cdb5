import { expect } from 'chai';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../src/platform/paths';
import { createEmptyPostgresDatabase, engine } from '../support/db';
import { freePort, startInstants, waitForOk, type RunningProcess } from '../support/process';

/**
 * Command-line tools while `npm start` runs: on PGlite (one process may open the database) the command runs
 * inside the server through its local endpoint; on PostgreSQL it opens the database itself. Either way its
 * output, exit code and secrets behave as when the server is stopped.
 */

interface Result {
  code: number | null;
  out: string;
  err: string;
}

function cli(tool: string, args: string[], env: Record<string, string>, input?: string): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', `${tool}.cli.ts`), ...args], {
      cwd: ROOT_DIR,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', NODE_ENV: 'development', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdin.end(input ?? '');
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

describe(`cli: tools beside a running server (${engine})`, function () {
  this.timeout(300_000);
  let dataDir: string;
  let port: number;
  let proc: RunningProcess;
  let pg: { url: string; drop: () => Promise<void> } | undefined;
  let env: Record<string, string>;
  let credential: { key: string; secret: string };
  const endpointFile = () => path.join(dataDir, 'cli-endpoint.json');

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-cli-beside-'));
    port = await freePort();
    pg = engine === 'postgres' ? await createEmptyPostgresDatabase() : undefined;
    env = { DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) };
    proc = startInstants({ PORT: String(port), ...env });
    await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, 120_000);
  });
  after(async () => {
    proc?.child.kill('SIGKILL');
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it(engine === 'pglite' ? 'offers its endpoint only to its own user (file mode 0600)' : 'offers no endpoint: PostgreSQL CLIs open the database themselves', () => {
    if (engine === 'postgres') return void expect(fs.existsSync(endpointFile())).to.equal(false);
    expect(fs.statSync(endpointFile()).mode & 0o777).to.equal(0o600);
  });

  it('creates an LRS credential that the running server accepts at once', async () => {
    const r = await cli('lrs', ['credentials', 'create', '--name', 'Tableau académique', '--scope', 'statements/read'], env);
    expect(r.code, r.err).to.equal(0);
    credential = { key: /key\t([0-9a-f]+)/.exec(r.out)![1]!, secret: /secret\t(\S+)/.exec(r.out)![1]! };
    if (engine === 'pglite') expect(r.err).to.contain('run by the Instants server with pid');
    const res = await fetch(`http://127.0.0.1:${port}/xapi/statements`, { headers: { authorization: basic(credential.key, credential.secret), 'x-experience-api-version': '1.0.3' } });
    expect(res.status).to.equal(200);
  });

  it('takes a destination secret from standard input and never shows it, in the CLI or the server output', async () => {
    const add = await cli('xapi', ['destinations', 'add', '--name', 'lrs-academie', '--endpoint', 'https://lrs.ac-dijon.fr/xapi/', '--key', 'instants', '--secret-stdin'], env, 'secret-par-stdin-42\n');
    expect(add.code, add.err).to.equal(0);
    const list = await cli('xapi', ['destinations', 'list'], env);
    expect(list.out).to.contain('lrs-academie');
    for (const output of [add.out, add.err, list.out, list.err, proc.output()]) expect(output).not.to.contain('secret-par-stdin-42');
  });

  it('keeps the exit codes: a refused command is 64 with its message, a usage error 64 before anything runs', async () => {
    const erase = await cli('lrs', ['erase', '--agent', '{"mbox":"mailto:jeanne@ac-dijon.fr"}'], env);
    expect(erase.code).to.equal(64);
    expect(erase.err).to.contain('erasure cannot be undone: add --yes');
    const usage = await cli('lrs', ['credentials', 'create', '--name', 'x'], env);
    expect(usage.code).to.equal(64);
    expect(usage.err).to.contain("required option '--scope <scope>' not specified");
  });

  // Only the embedded database has an endpoint (PostgreSQL CLIs need none).
  if (engine === 'pglite') {
    it('refuses requests to its endpoint without the token, or malformed, and runs nothing', async () => {
      const { port: cliPort, token } = JSON.parse(fs.readFileSync(endpointFile(), 'utf8')) as { port: number; token: string };
      const url = `http://127.0.0.1:${cliPort}/run`;
      const request = { cli: 'lrs', argv: ['credentials', 'create', '--name', 'Intrus', '--scope', 'all'], cwd: '/', env: {} };
      expect((await fetch(url, { method: 'POST', body: JSON.stringify(request) })).status).to.equal(401);
      expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${'0'.repeat(64)}` }, body: JSON.stringify(request) })).status).to.equal(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(404);
      expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{"cli":' })).status).to.equal(400);
      expect((await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ ...request, cli: 'rm' }) })).status).to.equal(404);
      const list = await cli('lrs', ['credentials', 'list'], env);
      expect(list.out).not.to.contain('Intrus');
    });
  }

  it('after the server stops, removes its endpoint and the same command opens the database itself', async () => {
    proc.child.kill('SIGTERM');
    expect(await proc.exited).to.equal(0);
    expect(fs.existsSync(endpointFile())).to.equal(false);
    const list = await cli('lrs', ['credentials', 'list'], env);
    expect(list.code, list.err).to.equal(0);
    expect(list.out).to.contain(credential.key);
    expect(list.err).not.to.contain('run by the Instants server');
  });
});
