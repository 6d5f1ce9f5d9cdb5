/**
 * The simulator in its own process (benches): `tsx test/support/lti-simulator/process.ts <toolUrl>`.
 * Prints one JSON line `{ url, endpoints, controlUrl }` when ready. Control endpoints for the driver:
 * GET /bench/run?n=N&c=C (runs N complete launches, C at a time, as browsers would; JSON timings) and
 * GET /bench/stats (key-set fetches).
 */
import http from 'node:http';
import type { FormPost } from '../../../src/lti';
import { Browser } from '../http';
import { formFrom, startSimulator } from './index';

/** One complete launch as a browser does it; true when Instants recognised the new session. */
async function launch(toolUrl: string, initiation: FormPost): Promise<boolean> {
  const browser = new Browser(toolUrl);
  const login = await browser.postForm('/lti/login', initiation.fields);
  const auth = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const form = formFrom(await auth.text());
  const posted = await browser.postForm('/lti', form.fields);
  await posted.arrayBuffer();
  const cont = await browser.get(posted.headers.get('location') ?? '/');
  await cont.arrayBuffer();
  return posted.status === 303 && cont.status === 303;
}

async function main() {
  const toolUrl = process.argv[2];
  if (!toolUrl) throw new Error('usage: process.ts <toolUrl>');
  const sim = await startSimulator({ toolUrl });
  const control = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname === '/bench/run') {
      const n = Math.min(Number(u.searchParams.get('n') ?? '1'), 100_000);
      const c = Math.min(Number(u.searchParams.get('c') ?? '1'), 500);
      const queue = Array.from({ length: n }, (_v, i) => sim.core.loginInitiation({ role: 'participant', sub: `bench-${Date.now()}-${i}`, resourceLinkId: 'bench-link' }));
      const times: number[] = [];
      let failures = 0;
      const started = performance.now();
      void Promise.all(
        Array.from({ length: c }, async () => {
          for (let next = queue.pop(); next; next = queue.pop()) {
            const t0 = performance.now();
            if (!(await launch(toolUrl, next).catch(() => false))) failures++;
            times.push(performance.now() - t0);
          }
        }),
      ).then(() => res.end(JSON.stringify({ times, failures, wallMs: performance.now() - started })));
      return;
    } else if (u.pathname === '/bench/stats') {
      res.end(JSON.stringify({ keySetFetches: sim.core.keySetFetches }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  const controlUrl = `http://127.0.0.1:${(control.address() as { port: number }).port}`;
  process.stdout.write(`${JSON.stringify({ url: sim.url, endpoints: sim.endpoints, controlUrl })}\n`);
  const stop = async () => {
    control.close();
    await sim.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
