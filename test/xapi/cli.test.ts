import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../src/platform/paths';
import { createTestDatabase, engine } from '../support/db';

describe('xapi: the npm run xapi command', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let close: () => Promise<void> = async () => undefined;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-xapi-cli-'));
    env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'development' };
    if (engine === 'postgres') {
      const database = await createTestDatabase();
      env.DATABASE_URL = database.url!;
      close = () => database.close();
    }
  });
  after(async () => {
    await close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const xapiWith = (extra: { env?: Record<string, string>; input?: string }, ...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', 'xapi.cli.ts'), ...args], { cwd: ROOT_DIR, env: { ...env, ...extra.env }, input: extra.input, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const xapi = (...args: string[]) => xapiWith({}, ...args);

  it('adds a destination, then lists it and shows its status without ever printing the secret', function () {
    this.timeout(120_000);
    const add = xapiWith({ env: { XAPI_DESTINATION_SECRET: 'tres-secret-123' } }, 'destinations', 'add', '--name', 'lrs-academie', '--endpoint', 'https://lrs.ac-dijon.fr/xapi', '--key', 'cle-publique', '--verb', 'http://adlnet.gov/expapi/verbs/attended');
    expect(add.code, add.err).to.equal(0);
    expect(add.out).to.contain('added lrs-academie');
    const list = xapi('destinations', 'list');
    expect(list.out).to.contain('lrs-academie').and.to.contain('https://lrs.ac-dijon.fr/xapi/').and.to.contain('verb=http://adlnet.gov/expapi/verbs/attended');
    const status = xapi('status');
    expect(status.out).to.contain('lrs-academie: enabled, 0 pending, lag 0 s');
    for (const output of [add, list, status]) expect(output.out + output.err).to.not.contain('tres-secret-123');
  });

  it('refuses a bad destination with every problem listed and exit code 64, adding nothing', function () {
    this.timeout(120_000);
    const bad = xapiWith({ input: 's\n' }, 'destinations', 'add', '--name', 'bad name', '--endpoint', 'ftp://lrs', '--key', 'k', '--secret-stdin', '--xapi-version', '1.1');
    expect(bad.code).to.equal(64);
    expect(bad.err).to.contain('name:').and.to.contain('endpoint:').and.to.contain('version:');
    expect(xapi('destinations', 'list').out).to.not.contain('bad name');
  });

  it('refuses to resend from a date that is not a date (exit 64), and to act on an unknown destination', function () {
    this.timeout(120_000);
    const resend = xapi('resend', '--destination', 'lrs-academie', '--from', 'hier');
    expect(resend.code).to.equal(64);
    expect(resend.err).to.contain("option '--from <date>' argument 'hier' is invalid. expected a date");
    const unknown = xapi('replay', '--destination', 'nowhere');
    expect(unknown.code).to.equal(64);
    expect(unknown.err).to.contain('No forwarding destination nowhere');
  });
});
