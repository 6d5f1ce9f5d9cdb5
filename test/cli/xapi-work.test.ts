import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../src/platform/paths';
import { createEmptyPostgresDatabase, engine } from '../support/db';
import { freePort } from '../support/process';

/** `npm run xapi -- work`: progress while it delivers, then a summary; no log line per batch. */
describe(`cli: xapi work (${engine})`, function () {
  this.timeout(300_000);
  let env: Record<string, string>;
  let dataDir: string;
  let pg: { url: string; drop: () => Promise<void> } | undefined;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-xapi-work-'));
    pg = engine === 'postgres' ? await createEmptyPostgresDatabase() : undefined;
    // LOG_LEVEL=info: the per-batch warnings would be printed at this level if the command let them through.
    env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'development', ...(pg ? { DATABASE_URL: pg.url } : {}) };
  });
  after(async () => {
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (tool: string, args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', `${tool}.cli.ts`), ...args], { cwd: ROOT_DIR, env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('shows its progress and a summary with the last error of a destination that cannot be reached, and no JSON log line', async () => {
    const closed = await freePort();
    const add = run('xapi', ['destinations', 'add', '--name', 'injoignable', '--endpoint', `http://127.0.0.1:${closed}/xapi/`, '--key', 'k'], { XAPI_DESTINATION_SECRET: 's3cret-du-lrs' });
    expect(add.code, add.err).to.equal(0);
    expect(run('seed', ['--statements', '3']).code).to.equal(0);
    const queued = run('xapi', ['resend', '--destination', 'injoignable', '--from', '2000-01-01']);
    expect(queued.out).to.contain('3 statements queued for injoignable');
    const work = run('xapi', ['work']);
    expect(work.code, work.err).to.equal(0);
    expect(work.err).to.contain('Delivering: 3/3');
    expect(work.out).to.contain('3 items settled').and.to.contain('injoignable: 0 delivered, 3 still pending, 0 newly refused').and.to.contain('last error:');
    const lines = `${work.out}\n${work.err}`.split('\n').filter((l) => l.trim().startsWith('{'));
    expect(lines).to.deep.equal([]);
    expect(work.out + work.err).not.to.contain('s3cret-du-lrs');
  });
});
