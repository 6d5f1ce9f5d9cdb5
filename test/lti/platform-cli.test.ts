import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createEmptyPostgresDatabase, engine } from '../support/db';

/** Runs `npm run platform -- …` as an administrator would, against a fresh database. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src/cli/platform.cli.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('lti: platform CLI (npm run platform)', function () {
  this.timeout(240_000);
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  before(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-platform-cli-'));
    env = { DATA_DIR: dir, PUBLIC_URL: 'https://instants.example.fr' };
    if (engine === 'postgres') {
      const pg = await createEmptyPostgresDatabase();
      env.DATABASE_URL = pg.url;
      drop = pg.drop;
    }
  });
  after(async () => drop?.());

  it('refuses bad arguments with exit code 64, listing every problem, and registers nothing', async () => {
    const bad = await cli(['add', '--issuer', 'moodle', '--client-id', 'c', '--login-url', 'x', '--token-url', 'y'], env);
    expect(bad.code).to.equal(64);
    expect(bad.stderr).to.contain('--keyset-url');
    // Each URL flag with the example of its own Moodle address.
    expect(bad.stderr).to.contain('--issuer: expected an absolute URL (e.g. https://moodle.ac-dijon.fr)');
    expect(bad.stderr).to.contain('--login-url: expected an absolute URL (e.g. https://moodle.ac-dijon.fr/mod/lti/auth.php)');
    expect(bad.stderr).to.contain('--token-url: expected an absolute URL (e.g. https://moodle.ac-dijon.fr/mod/lti/token.php)');
    const list = await cli(['list', '--json'], env);
    expect(JSON.parse(list.stdout)).to.deep.equal([]);
  });

  it('adds a pending platform with deployments, activates, lists and removes it', async () => {
    const base = ['--issuer', 'https://moodle.example.fr', '--client-id', 'abc'];
    const added = await cli(['add', ...base, '--login-url', 'https://moodle.example.fr/mod/lti/auth.php', '--token-url', 'https://moodle.example.fr/mod/lti/token.php', '--keyset-url', 'https://moodle.example.fr/mod/lti/certs.php', '--deployment', '3', '--deployment', '7', '--inactive'], env);
    expect(added.code, added.stderr).to.equal(0);
    expect(added.stdout).to.contain('pending activation').and.to.contain('https://instants.example.fr/lti/login').and.to.contain('https://instants.example.fr/lti/keys');
    const activated = await cli(['activate', ...base], env);
    expect(activated.stdout).to.contain('status       active');
    const list = JSON.parse((await cli(['list', '--json'], env)).stdout) as Array<{ issuer: string; active: boolean; deployments: string[] }>;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ issuer: 'https://moodle.example.fr', active: true });
    expect(list[0]!.deployments).to.deep.equal(['3', '7']);
    expect((await cli(['remove', ...base], env)).code).to.equal(0);
    const again = await cli(['remove', ...base], env);
    expect(again.code).to.equal(64);
    expect(again.stderr).to.contain('no platform');
  });

  it('makes a one-time registration link for one Moodle, refuses a bad address with 64, and lists no pending registration', async () => {
    const made = await cli(['link', '--moodle', 'moodle.example.fr', '--label', 'production'], env);
    expect(made.code, made.stderr).to.equal(0);
    expect(made.stdout).to.contain('registration link for https://moodle.example.fr').and.to.match(/https:\/\/instants\.example\.fr\/lti\/register\?link=[\w-]{32}/);
    const bad = await cli(['link', '--moodle', 'ftp://moodle'], env);
    expect(bad.code).to.equal(64);
    expect(bad.stderr).to.contain('--moodle');
    expect((await cli(['pending'], env)).stdout).to.contain('no pending registration');
    const unknown = await cli(['accept', '00000000-0000-4000-8000-000000000000'], env);
    expect([unknown.code, unknown.stderr.includes('no pending registration')]).to.deep.equal([64, true]);
    expect((await cli(['accept', 'nope'], env)).code).to.equal(64);
  });
});
