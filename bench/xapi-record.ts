/**
 * Recording benchmark on PostgreSQL: learning events per second through recordEvents (build, validate,
 * store in the LRS tables, enqueue for one forwarding destination), each call in its own transaction.
 * Usage: npx tsx bench/xapi-record.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--events 4000] [--concurrency 8]
 */
import { recordEvents, type LearningEvent } from '../src/xapi';
import { addDestination } from '../src/xapi/forwarding/destinations';
import { forwardingTargetsFor } from '../src/xapi/forwarding/targets';
import { TEST_SECRETS, testConfig } from '../test/support/app';
import { ALL_KINDS, buildEvent, buildEventSession } from '../test/xapi/fixtures';
import { arg, load, printQueryShapes, runBench, withBenchDatabase } from './support';

const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const total = Number(arg('--events', '4000'));
const concurrency = Number(arg('--concurrency', '8'));

async function main() {
  await withBenchDatabase(pgAdmin, 'xrec', concurrency + 2, async (database) => {
    await addDestination(database.db, TEST_SECRETS.ltiKey, { name: 'bench', endpoint: 'http://127.0.0.1:9/xapi/', key: 'k', secret: 's' });
    const deps = { config: testConfig(), secrets: TEST_SECRETS };
    // As in the app (mountXapi): the enabled destinations cached per instance, checked against their version.
    forwardingTargetsFor(deps.config);
    const sessions = Array.from({ length: 20 }, () => buildEventSession());
    const event = (i: number): LearningEvent => buildEvent(ALL_KINDS[i % ALL_KINDS.length]!, { sub: String(i % 500), session: sessions[i % sessions.length] });

    for (const perCall of [1, 10]) {
      // warm-up, not counted
      await database.db.transaction((tx) => recordEvents(tx, Array.from({ length: perCall }, (_, i) => event(i)), deps));
      let next = 0;
      let statements = 0;
      let deadlocks = 0;
      const shapesBefore = database.queryShapes!();
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            const from = next;
            next += perCall;
            const events = Array.from({ length: Math.min(perCall, total - from) }, (_, i) => event(from + i));
            for (;;) {
              try {
                const ids = await database.db.transaction((tx) => recordEvents(tx, events, deps));
                statements += ids.length;
                break;
              } catch (err) {
                // A deadlock (40P01) is retried as a caller would; counted and printed.
                if ((err as { cause?: { code?: string } }).cause?.code !== '40P01') throw err;
                deadlocks++;
              }
            }
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      console.log(
        `recordEvents, ${perCall} event(s) per transaction, ${concurrency} concurrent: ${total} events (${statements} statements, ${statements} outbox rows) in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} events/s (${deadlocks} deadlock(s) retried); load ${load()}`,
      );
      console.log('  statements per transaction (counted through the pool):');
      printQueryShapes(shapesBefore, database.queryShapes!(), Math.ceil(total / perCall));
    }
  }, { countQueries: true });
}

runBench(main);
