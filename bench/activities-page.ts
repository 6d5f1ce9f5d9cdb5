/**
 * Activities benchmark on PostgreSQL: the participant session page under 50 concurrent participants
 * (p50/p95/p99 render time), and the check-in of 100 participants sending the code at once.
 * Usage: npx tsx bench/activities-page.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--requests 20]
 */
import os from 'node:os';
import pg from 'pg';
import { buildSession, configure } from '../test/activities/helpers';
import { createTestApp } from '../test/support/app';
import { signIn } from '../test/support/factories';
import { csrfTokenFrom } from '../test/support/http';
import { arg, percentile, runBench, withBenchDatabase } from './support';

const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const perParticipant = Number(arg('--requests', '20'));
const CONCURRENT = 50;
const CHECKINS = 100;

const pct = percentile;

async function main() {
  await withBenchDatabase(pgAdmin, 'act', 10, async (database, url) => {
    const t = await createTestApp({ database, env: { LOG_LEVEL: 'silent' } });
    // As in production (NODE_ENV=production turns it on): compiled templates are kept instead of re-read per request.
    t.instants.app.enable('view cache');
    try {
      const organiser = await signIn(t, { role: 'organiser', contextId: 'bench-course' });
      const { session } = await buildSession(database.db, {
        ownerContextRef: organiser.contextRef,
        resources: [
          { title: 'Site', url: 'https://www.openstreetmap.org/' },
          { title: 'Guide', url: 'https://wiki.openstreetmap.org/' },
          { title: 'Vidéo', url: 'https://example.org/v', type: 'video' },
        ],
      });
      await configure(database.db, session.id, [{ kind: 'self-positioning', required: true }, { kind: 'quiz', required: true }, { kind: 'needs' }, { kind: 'satisfaction' }, { kind: 'follow-up' }]);

      // Session page: 50 participants, each with an answer saved, loading the page `perParticipant` times at once.
      const participants = await Promise.all(Array.from({ length: CONCURRENT }, () => signIn(t, { sessionId: session.id, contextId: 'bench-course' })));
      await Promise.all(
        participants.map(async (p) => {
          const _csrf = csrfTokenFrom(await (await p.browser.get(`/sessions/${session.id}/positioning`)).text());
          await p.browser.postForm(`/sessions/${session.id}/positioning`, { _csrf, competence: '2.3', moment: 'after', step: '3' });
        }),
      );
      for (const p of participants.slice(0, 5)) await (await p.browser.get(`/sessions/${session.id}`)).text(); // warm-up
      const alone: number[] = [];
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        await (await participants[i % CONCURRENT]!.browser.get(`/sessions/${session.id}`)).text();
        alone.push(performance.now() - t0);
      }
      alone.sort((a, b) => a - b);
      console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
      console.log(`session page, one participant at a time: p50 ${pct(alone, 50).toFixed(1)} ms, p95 ${pct(alone, 95).toFixed(1)} ms`);
      const times: number[] = [];
      let errors = 0;
      const started = performance.now();
      await Promise.all(
        participants.map(async (p) => {
          for (let i = 0; i < perParticipant; i++) {
            const t0 = performance.now();
            const res = await p.browser.get(`/sessions/${session.id}`);
            await res.text();
            times.push(performance.now() - t0);
            if (res.status !== 200) errors++;
          }
        }),
      );
      const wall = (performance.now() - started) / 1000;
      times.sort((a, b) => a - b);
      console.log(`session page, ${CONCURRENT} concurrent participants × ${perParticipant} loads (PostgreSQL, one process)`);
      console.log(`  p50 ${pct(times, 50).toFixed(1)} ms   p95 ${pct(times, 95).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms   max ${times[times.length - 1]!.toFixed(1)} ms`);
      console.log(`  ${times.length} pages in ${wall.toFixed(1)} s (${(times.length / wall).toFixed(0)} pages/s), ${errors} errors`);

      // The lunchtime pattern: the 50 participants each open the page 5 times, arriving at random over 10 s.
      const spread: number[] = [];
      await Promise.all(
        participants.flatMap((p) =>
          Array.from({ length: 5 }, async () => {
            await new Promise((r) => setTimeout(r, Math.random() * 10_000));
            const t0 = performance.now();
            await (await p.browser.get(`/sessions/${session.id}`)).text();
            spread.push(performance.now() - t0);
          }),
        ),
      );
      spread.sort((a, b) => a - b);
      console.log(`session page, 50 participants × 5 loads arriving at random over 10 s (~25 pages/s offered)`);
      console.log(`  p50 ${pct(spread, 50).toFixed(1)} ms   p95 ${pct(spread, 95).toFixed(1)} ms   p99 ${pct(spread, 99).toFixed(1)} ms`);

      // Check-in: 100 participants send the right code at the same moment.
      const screen = await (await organiser.browser.get(`/organiser/sessions/${session.id}/checkin`)).text();
      const code = /<p class="display-3[^>]*>([A-Z0-9]{6})<\/p>/.exec(screen)![1]!;
      const people = await Promise.all(Array.from({ length: CHECKINS }, () => signIn(t, { sessionId: session.id, contextId: 'bench-course' })));
      const forms = await Promise.all(people.map(async (p) => csrfTokenFrom(await (await p.browser.get(`/sessions/${session.id}/checkin`)).text())));
      const checkinTimes: number[] = [];
      let checkinErrors = 0;
      const c0 = performance.now();
      await Promise.all(
        people.map(async (p, i) => {
          const t0 = performance.now();
          const res = await p.browser.postForm(`/sessions/${session.id}/checkin`, { _csrf: forms[i]!, code });
          checkinTimes.push(performance.now() - t0);
          if (res.status !== 303) checkinErrors++;
        }),
      );
      const checkinWall = (performance.now() - c0) / 1000;
      checkinTimes.sort((a, b) => a - b);
      const rows = new pg.Client({ connectionString: url });
      await rows.connect();
      const counted = await rows.query(`select (select count(*)::int from activity_attendances) as present, (select count(*)::int from lrs_statements where verb_id like '%/attended') as statements`);
      await rows.end();
      console.log(`check-in of ${CHECKINS} participants sending the code at once`);
      console.log(`  all done in ${checkinWall.toFixed(2)} s; per request p50 ${pct(checkinTimes, 50).toFixed(0)} ms, p95 ${pct(checkinTimes, 95).toFixed(0)} ms; ${checkinErrors} errors`);
      console.log(`  attendances ${counted.rows[0].present}, attended statements ${counted.rows[0].statements}`);
    } finally {
      await t.close();
    }
  });
}

runBench(main);
