/**
 * LTI launch benchmark on PostgreSQL, the platform simulator in another process: complete launches per
 * second and latency percentiles with 50 concurrent launches (login initiation → platform authorisation →
 * id_token post → session cookie accepted), queries sent to PostgreSQL per launch (counted through the
 * pool; targets ≥ 150 launches/s, p95 ≤ 100 ms, ≤ 8 queries), and platform key-set fetches per 1,000 launches.
 * Usage: npx tsx bench/lti-launch.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--launches 1000]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { addPlatform, ltiOf } from '../src/lti';
import { createTestApp } from '../test/support/app';
import { registerSimulatorPlatform } from '../test/support/lti';
import { SIMULATOR_CLIENT_ID, SIMULATOR_ISSUER } from '../test/support/lti-simulator';
import { arg, load, percentile, printQueryShapes, runBench, withBenchDatabase } from './support';

const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const LAUNCHES = Number(arg('--launches', '1000'));
const CONCURRENT = Number(arg('--concurrent', '50'));
const pct = percentile;

async function main() {
  const child = { proc: undefined as ReturnType<typeof spawn> | undefined };
  await withBenchDatabase(pgAdmin, 'lti', 10, async (database) => {
    await registerSimulatorPlatform(database);
    // Logging at info, as in production (the test app's logger keeps lines in memory).
    const t = await createTestApp({ database, env: { LOG_LEVEL: 'info', LTI_LOGIN_LIMIT_PER_MINUTE: '100000' } });
    try {
      child.proc = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, '../test/support/lti-simulator/process.ts'), t.url], { stdio: ['pipe', 'pipe', 'inherit'] });
      const first = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.proc!.stdout! }).once('line', resolve);
        child.proc!.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      });
      const sim = JSON.parse(first) as { url: string; controlUrl: string; endpoints: { authEndpoint: string; tokenEndpoint: string; keySetUrl: string } };
      await addPlatform(
        ltiOf(t.instants.ctx),
        { issuer: SIMULATOR_ISSUER, clientId: SIMULATOR_CLIENT_ID, name: 'bench', authEndpoint: sim.endpoints.authEndpoint, tokenEndpoint: sim.endpoints.tokenEndpoint, keys: { method: 'JWK_SET', key: sim.endpoints.keySetUrl } },
        ['1'],
      );
      const fetches = async () => ((await (await fetch(`${sim.controlUrl}/bench/stats`)).json()) as { keySetFetches: number }).keySetFetches;
      const run = async (n: number, c: number) => (await (await fetch(`${sim.controlUrl}/bench/run?n=${n}&c=${c}`)).json()) as { times: number[]; failures: number; wallMs: number };

      const fetchesAtStart = await fetches();
      await run(30, 1); // warm-up (first key-set fetch, JIT)
      const fetchesBefore = await fetches();
      const queriesBefore = database.queries!();
      const shapesBefore = database.queryShapes!();
      const { times, failures, wallMs } = await run(LAUNCHES, CONCURRENT);
      const queries = (database.queries!() - queriesBefore) / LAUNCHES;
      const during = load();
      const wall = wallMs / 1000;
      const keyFetches = (await fetches()) - fetchesBefore;
      times.sort((a, b) => a - b);
      console.log(`LTI launches, ${CONCURRENT} concurrent, ${LAUNCHES} launches (PostgreSQL; simulator and browsers in another process)`);
      console.log(`  ${(LAUNCHES / wall).toFixed(0)} complete launches/s over ${wall.toFixed(1)} s, ${failures} failed`);
      console.log(`  latency per launch (4 requests): p50 ${pct(times, 50).toFixed(1)} ms   p95 ${pct(times, 95).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms   max ${times[times.length - 1]!.toFixed(1)} ms`);
      console.log(`  queries sent to PostgreSQL per launch (all 4 requests, counted through the pool; background jobs off): ${queries.toFixed(1)} (target ≤ 8)`);
      printQueryShapes(shapesBefore, database.queryShapes!(), LAUNCHES);
      console.log(`  platform key-set fetches: ${keyFetches} during the ${LAUNCHES} measured launches (${((keyFetches * 1000) / LAUNCHES).toFixed(1)} per 1,000); ${(await fetches()) - fetchesAtStart} in all, warm-up included`);
      console.log(`  load average at the end of the run: ${during}`);
    } finally {
      child.proc?.kill('SIGTERM');
      await t.close();
    }
  }, { countQueries: true });
}

runBench(main);
