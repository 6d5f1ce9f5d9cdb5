import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../src/platform/paths';
import { launchChromium } from '../support/browser';
import { createEmptyPostgresDatabase, engine } from '../support/db';
import { freePort, PRODUCTION_ENV, waitForOk, type RunningProcess } from '../support/process';

/**
 * The production install of the README, in a copy of the project: built where the development dependencies
 * are (here, this checkout's TypeScript), installed with `npm ci --omit=dev` (from the local npm cache), then
 * `NODE_ENV=production npm start`. Pages are styled and charts draw; a half-done install refuses to start.
 */

const COPIED = ['package.json', 'package-lock.json', 'patches', 'scripts', 'views', 'locales', 'public', 'migrations', 'xapi', 'lti-config', '.env.example'];
const PRODUCTION = {
  ...PRODUCTION_ENV,
  WORKER: 'false',
  LOG_LEVEL: 'warn',
};

function start(dir: string, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [path.join(dir, 'scripts', 'start.cjs')], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe(`platform: the production install (npm ci --omit=dev, NODE_ENV=production; ${engine})`, function () {
  this.timeout(600_000);
  let dir: string;
  let env: Record<string, string>;
  let pg: { url: string; drop: () => Promise<void> } | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-production-'));
    for (const entry of COPIED) fs.cpSync(path.join(ROOT_DIR, entry), path.join(dir, entry), { recursive: true });
    // The build machine's step (README: `npm ci && npm run build`); types are checked by `npm run typecheck`.
    const tsc = spawnSync(process.execPath, [path.join(ROOT_DIR, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT_DIR, 'tsconfig.build.json'), '--outDir', path.join(dir, 'dist'), '--noCheck'], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
    const ci = spawnSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
    expect(ci.status, ci.stdout + ci.stderr).to.equal(0);
    pg = engine === 'postgres' ? await createEmptyPostgresDatabase() : undefined;
    env = { ...PRODUCTION, DATA_DIR: path.join(dir, 'data'), ...(pg ? { DATABASE_URL: pg.url } : {}) };
  });
  after(async () => {
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('has no development dependency installed (the premise of the test)', () => {
    for (const dev of ['typescript', 'tsx', 'mocha', 'pino-pretty']) expect(fs.existsSync(path.join(dir, 'node_modules', dev)), dev).to.equal(false);
    for (const runtime of ['bootstrap', 'chart.js', 'dotenv']) expect(fs.existsSync(path.join(dir, 'node_modules', runtime)), runtime).to.equal(true);
  });

  it('explains that building needs the development dependencies, instead of "tsc: not found"', () => {
    const build = spawnSync('npm', ['run', 'build'], { cwd: dir, encoding: 'utf8' });
    expect(build.status).to.equal(1);
    expect(build.stderr).to.contain('npm run build needs the development dependencies').and.to.contain('npm prune --omit=dev').and.not.to.contain('not found');
  });

  it('refuses to start half-configured: no secrets, or an http address (exit 2, every problem listed)', async () => {
    const { LTI_KEY: _l, COOKIE_SECRET: _c, ...withoutSecrets } = env;
    const proc = start(dir, { ...withoutSecrets, PUBLIC_URL: 'http://instants.ac-dijon.fr', PORT: String(await freePort()) });
    expect(await proc.exited).to.equal(2);
    expect(proc.output()).to.contain('LTI_KEY: required in production').and.to.contain('COOKIE_SECRET: required in production').and.to.contain('PUBLIC_URL: must be an https:// address');
    expect(fs.existsSync(path.join(dir, 'data', 'secrets.json'))).to.equal(false);
  });

  it('serves styled pages and draws charts with the assets of its runtime dependencies (chromium)', async () => {
    const port = await freePort();
    const proc = start(dir, { ...env, PORT: String(port) });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, 180_000);
      const base = `http://127.0.0.1:${port}`;
      const css = await fetch(`${base}/assets/vendor/bootstrap/css/bootstrap.min.css`);
      expect(css.status).to.equal(200);
      expect(css.headers.get('content-type')).to.contain('text/css');
      const chart = await fetch(`${base}/assets/vendor/chart.js/chart.umd.js`);
      expect(chart.status).to.equal(200);
      expect(chart.headers.get('content-type')).to.contain('javascript');
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${base}/`);
        // Bootstrap's reboot sets the body margin to 0 and its container is centred with a maximum width.
        expect(await page.evaluate(() => getComputedStyle(document.body).margin)).to.equal('0px');
        expect(await page.evaluate(() => [...document.styleSheets].some((s) => (s.href ?? '').includes('bootstrap.min.css') && s.cssRules.length > 100))).to.equal(true);
        await page.addScriptTag({ url: '/assets/vendor/chart.js/chart.umd.js' });
        const drawn = await page.evaluate(() => {
          const canvas = document.createElement('canvas');
          document.body.append(canvas);
          const C = (window as unknown as { Chart: new (c: HTMLCanvasElement, o: unknown) => { data: { datasets: unknown[] } } }).Chart;
          const c = new C(canvas, { type: 'bar', data: { labels: ['a', 'b'], datasets: [{ label: 'n', data: [1, 2] }] }, options: { animation: false } });
          return c.data.datasets.length;
        });
        expect(drawn).to.equal(1);
      } finally {
        await browser.close();
      }
      proc.child.kill('SIGTERM');
      expect(await proc.exited).to.equal(0);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('refuses to start when a runtime asset is missing from node_modules (exit 6), instead of serving unstyled pages', async () => {
    fs.rmSync(path.join(dir, 'node_modules', 'chart.js'), { recursive: true, force: true });
    const proc = start(dir, { ...env, PORT: String(await freePort()) });
    expect(await proc.exited).to.equal(6);
    expect(proc.output()).to.contain('This installation is incomplete: chart.js/dist/chart.umd.js not found');
  });
});
