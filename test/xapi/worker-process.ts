/**
 * A real outbox worker process for the crash test: opens the PostgreSQL database in DATABASE_URL and runs
 * the outbox (xAPI forwarding) until killed. Env: DATABASE_URL, LTI_KEY, LEASE_MS. Prints "ready" once.
 */
import { systemClock } from '../../src/platform/clock';
import { openPostgres } from '../../src/platform/db/client';
import { createLogger } from '../../src/platform/logger';
import { XAPI_OUTBOX_KIND } from '../../src/xapi/forwarding/destinations';
import { xapiForwardHandler } from '../../src/xapi/forwarding/forward.handler';
import { Outbox } from '../../src/xapi/outbox/outbox';

async function main(): Promise<void> {
  const database = await openPostgres(process.env.DATABASE_URL!, 2);
  const log = createLogger('silent');
  const box = new Outbox({ db: database.db, clock: systemClock, log, leaseMs: Number(process.env.LEASE_MS ?? 2000), baseBackoffMs: 100 });
  box.register(XAPI_OUTBOX_KIND, xapiForwardHandler({ db: database.db, ltiKey: process.env.LTI_KEY! }));
  process.stdout.write('ready\n');
  for (;;) {
    const n = await box.runOnce();
    if (n === 0) await new Promise((r) => setTimeout(r, 50));
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
