/**
 * Grades benchmark against the Moodle services simulator (loopback): AGS scores delivered per second through
 * the shared outbox (target ≥ 200/s) beside the ceiling of this run, the same score POSTs (same client code,
 * token, body and concurrency of 16) sent directly to the simulator without outbox or database; and an NRPS
 * roster of 2,000 members read in pages of 100 (target ≤ 2 s). os.loadavg() beside each figure.
 * Usage: npx tsx bench/grades-scores.ts [--scores 1000] [--pg postgres://postgres@127.0.0.1:5432/postgres]
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { loadRoster, queueSessionScore } from '../src/grades';
import { openPostgres, PGLITE_EXTENSIONS, PGLITE_START_PARAMS, wrapPglite, type Database } from '../src/platform/db/client';
import { migrate } from '../src/platform/db/migrate';
import type { SimMember } from '../test/support/platform-services';
import { postScore } from '../src/grades/ags.client';
import { getServiceToken, SCOPES } from '../src/grades/service-token';
import { CLIENT_ID, createGradesWorld, newSessionId, TYPE_ID } from '../test/grades/grades-fixture';
import { arg, load } from './support';

const SCORES = Number(arg('--scores', '1000'));
const pgAdmin = arg('--pg');
const ROSTER = 2000;

async function openDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (!pgAdmin) {
    const database = wrapPglite(await PGlite.create({ extensions: PGLITE_EXTENSIONS, startParams: PGLITE_START_PARAMS }));
    return { database, drop: () => database.close() };
  }
  const admin = new pg.Client({ connectionString: pgAdmin });
  await admin.connect();
  const name = `instants_bench_grades_${process.pid}`;
  await admin.query(`create database ${name}`);
  const url = new URL(pgAdmin);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), 10);
  return {
    database,
    async drop() {
      await database.close();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function main() {
  const { database, drop } = await openDatabase();
  await migrate(database);
  const learners: SimMember[] = Array.from({ length: Math.max(SCORES, ROSTER) }, (_, i) => ({ userId: String(100_000 + i), roles: ['Learner'], name: `Agent ${i}` }));
  const w = await createGradesWorld(database, { members: { '1': learners.slice(0, SCORES), '2': learners.slice(0, ROSTER) }, pageSizeMax: 100 });
  try {
    const sessionId = newSessionId();
    const coupled = w.sim.addLineItem('1', { label: 'Bench', scoreMaximum: 100, resourceLinkId: 'rl-bench' }, '3');
    const people: string[] = [];
    for (let i = 0; i < SCORES; i++) people.push((await w.launch({ sub: learners[i]!.userId, contextId: '1', resourceLinkId: 'rl-bench', sessionId, coupled })).userId);
    await database.db.transaction(async (tx) => {
      for (const userId of people) await queueSessionScore(tx, { userId, sessionId, at: w.clock.now() });
    });
    // The ceiling of this run: the same AGS score POSTs (same client function, token and body, 16 at a time as
    // the score handler sends them) straight to the simulator, on another line item; no outbox, no database.
    const creds = (await w.credentials(w.sim.issuer, CLIENT_ID))!;
    const token = await getServiceToken(w.deps, creds, TYPE_ID, [SCOPES.score]);
    const ceilingItem = w.sim.addLineItem('1', { label: 'Ceiling', scoreMaximum: 100, resourceLinkId: 'rl-ceiling' }, TYPE_ID);
    const direct = async (n: number) => {
      let next = 0;
      const c0 = performance.now();
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let i = next++; i < n; i = next++) {
            await postScore(fetch, token, ceilingItem, { userId: learners[i % learners.length]!.userId, scoreGiven: 50, scoreMaximum: 100, activityProgress: 'Completed', gradingProgress: 'FullyGraded', timestamp: new Date(Date.now() + i).toISOString() });
          }
        }),
      );
      return n / ((performance.now() - c0) / 1000);
    };
    await direct(Math.min(200, SCORES)); // warm-up: connections, JIT
    const t0 = performance.now();
    await w.drain(SCORES);
    const seconds = (performance.now() - t0) / 1000;
    const outboxLoad = load();
    const ceiling = await direct(SCORES);
    const delivered = w.sim.gradebook(coupled).size;
    console.log(`engine: ${pgAdmin ? 'postgresql' : 'pglite'}`);
    console.log(`scores: ${delivered}/${SCORES} delivered through the outbox in ${seconds.toFixed(2)} s → ${(delivered / seconds).toFixed(0)} scores/s (target ≥ 200/s); token requests: ${w.sim.stats.tokenRequests}; load ${outboxLoad}`);
    console.log(`ceiling: the same score POSTs sent directly (16 at a time) → ${ceiling.toFixed(0)} scores/s; outbox / ceiling ${((delivered / seconds / ceiling) * 100).toFixed(0)} %; load ${load()}`);

    const org = await w.launch({ sub: learners[0]!.userId, contextId: '2', resourceLinkId: 'rl-roster', sessionId, role: 'organiser' });
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const r0 = performance.now();
      const roster = await loadRoster(w.deps, { cacheSeconds: 600, pageSize: 100 }, org.contextRef!, true);
      times.push(performance.now() - r0);
      if (roster.members.length !== ROSTER || roster.pages !== ROSTER / 100) throw new Error(`roster: ${roster.members.length} members in ${roster.pages} pages`);
    }
    console.log(`roster: ${ROSTER} members in ${ROSTER / 100} pages of 100 → ${times.map((t) => `${(t / 1000).toFixed(2)} s`).join(', ')} (first run includes the token request; target ≤ 2 s); load ${load()}`);
  } finally {
    await w.close();
    await drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
