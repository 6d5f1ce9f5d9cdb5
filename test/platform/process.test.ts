import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createEmptyPostgresDatabase, engine } from '../support/db';
import { freePort, startInstants, waitForOk } from '../support/process';

describe(`platform: the real process (${engine})`, function () {
  this.timeout(90_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-proc-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('starts, becomes ready, serves the home page, and exits 0 on SIGTERM after answering a request in flight', async () => {
    const port = await freePort();
    const pg = engine === 'postgres' ? await createEmptyPostgresDatabase() : undefined;
    const proc = startInstants({ PORT: String(port), DATA_DIR: dataDir, ...(pg ? { DATABASE_URL: pg.url } : {}) });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, 80_000);
      const home = await fetch(`http://127.0.0.1:${port}/`);
      expect(await home.text()).to.contain('Instants numériques');
      expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).to.equal(true);
      expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).to.equal(0o600);
      // A request in flight when SIGTERM arrives must still be answered: its headers are sent, its body is
      // held back until after the signal (an idle connection, by contrast, is simply closed).
      const inFlight = new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.write('a=');
        setTimeout(() => {
          proc.child.kill('SIGTERM');
          setTimeout(() => req.end('1'), 500);
        }, 500);
      });
      // Answered (403: no CSRF token), not reset.
      expect(await inFlight).to.equal(403);
      expect(await proc.exited).to.equal(0);
      expect(proc.output()).to.contain('stopped');
      const secrets = fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');
      expect(proc.output(), 'secrets must never be logged').not.to.contain(JSON.parse(secrets).cookieSecret);
    } finally {
      proc.child.kill('SIGKILL');
      await pg?.drop();
    }
  });

  it('refuses to start on invalid configuration, listing every problem, with exit code 2', async () => {
    const proc = startInstants({ PORT: 'x', LOG_LEVEL: 'chatty', DATA_DIR: dataDir });
    expect(await proc.exited).to.equal(2);
    expect(proc.output()).to.match(/PORT: expected a whole number/).and.to.match(/LOG_LEVEL: expected/);
    expect(fs.readdirSync(dataDir)).to.deep.equal([]);
  });

  it('refuses to start when the PostgreSQL server cannot be reached, with exit code 3 and no stack trace', async () => {
    const port = await freePort();
    const proc = startInstants({ PORT: String(port), DATA_DIR: dataDir, DATABASE_URL: `postgres://instants:pw@127.0.0.1:${await freePort()}/instants` });
    expect(await proc.exited).to.equal(3);
    expect(proc.output()).to.match(/Cannot connect to the PostgreSQL server in DATABASE_URL/).and.not.to.contain('pw@').and.not.to.match(/\n\s+at /);
  });

  it('refuses to start when the data directory cannot be written, with exit code 5', async () => {
    const file = path.join(dataDir, 'not-a-dir');
    fs.writeFileSync(file, 'x');
    const proc = startInstants({ DATA_DIR: path.join(file, 'data') });
    expect(await proc.exited).to.equal(5);
    expect(proc.output()).to.match(/data directory .* cannot be written to/);
    expect(fs.readFileSync(file, 'utf8')).to.equal('x');
  });

  it('refuses to start when the port is already in use, with exit code 4, leaving existing data untouched', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify({ ltiKey: 'k'.repeat(40), cookieSecret: 'c'.repeat(40), pseudonymKey: 'p'.repeat(40) }));
    const before = fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8');
    const proc = startInstants({ PORT: String(port), DATA_DIR: dataDir, ...(engine === 'postgres' ? {} : {}) });
    try {
      expect(await proc.exited).to.equal(4);
      expect(proc.output()).to.contain(`Cannot listen on 127.0.0.1:${port}: the port is already in use`);
      expect(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).to.equal(before);
    } finally {
      blocker.close();
    }
  });
});
