/**
 * The simulator in its own process (benches): `tsx test/support/lti-simulator/process.ts <toolUrl>`.
 * Prints one JSON line `{ url, endpoints }` when ready. Extra endpoints for the driver:
 * POST /bench/initiations?n=N (N login-initiation forms, JSON) and GET /bench/stats (key-set fetches).
 */
import http from 'node:http';
import { startSimulator } from './index';

async function main() {
  const toolUrl = process.argv[2];
  if (!toolUrl) throw new Error('usage: process.ts <toolUrl>');
  const sim = await startSimulator({ toolUrl });
  const control = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    if (u.pathname === '/bench/initiations') {
      const n = Math.min(Number(u.searchParams.get('n') ?? '1'), 10_000);
      const role = u.searchParams.get('role') === 'organiser' ? 'organiser' : 'participant';
      res.end(JSON.stringify(Array.from({ length: n }, (_v, i) => sim.core.loginInitiation({ role, sub: `bench-${Date.now()}-${i}`, resourceLinkId: 'bench-link' }))));
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
