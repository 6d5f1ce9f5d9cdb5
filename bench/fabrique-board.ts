/**
 * La Fabrique's public board under load on PostgreSQL: 200 projects across the phases (with deliverables
 * and teams) and 2,000 directory entries; p50/p95 of the board, the kiosque and a directory search, beside
 * GET /healthz in the same run (the machine's floor) and the load average. Figures are for an idle machine.
 * Usage: npx tsx bench/fabrique-board.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--projects 200] [--people 2000] [--requests 20] [--concurrency 10]
 */
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { createTestApp } from '../test/support/app';
import { signIn } from '../test/support/factories';
import { arg, percentile, runBench, withBenchDatabase } from './support';

const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const PROJECTS = Number(arg('--projects', '200'));
const PEOPLE = Number(arg('--people', '2000'));
const REQUESTS = Number(arg('--requests', '20'));
const CONCURRENCY = Number(arg('--concurrency', '10'));
const STAGES = ['investigation', 'construction', 'acceleration', 'transferred', 'stopped'];
const TOOLS = ['Tchap', 'Moodle', 'Peertube', 'Nextcloud', 'OpenStreetMap', 'Canva', 'Genially', 'Radio'];
const CODES = ['1.1', '1.2', '2.1', '2.3', '3.1', '3.2', '4.2', '5.1'];

async function measure(label: string, get: () => Promise<Response>): Promise<number> {
  for (let i = 0; i < 3; i++) await (await get()).text();
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = performance.now();
        const res = await get();
        await res.text();
        if (res.status !== 200) errors++;
        times.push(performance.now() - t0);
      }
    }),
  );
  const wall = (performance.now() - started) / 1000;
  const p95 = percentile(times, 95);
  console.log(`${label.padEnd(28)} p50 ${percentile(times, 50).toFixed(1)} ms  p95 ${p95.toFixed(1)} ms  max ${Math.max(...times).toFixed(1)} ms  ${times.length} req in ${wall.toFixed(1)} s  ${errors} errors`);
  return p95;
}

async function main() {
  await withBenchDatabase(pgAdmin, 'fabrique', 10, async (database) => {
    const t = await createTestApp({ database, env: { LOG_LEVEL: 'silent' } });
    try {
      const admin = await signIn(t, { role: 'organiser', isAdmin: true });
      const seedStart = performance.now();
      const db = database.db;
      // Directory: PEOPLE users who opted in, each with two skills and two tools.
      await db.execute(sql`insert into lti_users (issuer, sub, name, given_name, service) select 'https://moodle.bench', 'b' || g, 'Personne ' || g, 'Prénom' || g, (array['DANE','DSI','DSDEN 21','DSDEN 58','DAFPIC'])[1 + g % 5] from generate_series(1, ${PEOPLE}) g`);
      const tools = `{${TOOLS.join(',')}}`;
      const codes = `{${CODES.join(',')}}`;
      const stages = `{${STAGES.join(',')}}`;
      await db.execute(sql`insert into fabrique_profiles (user_ref, opted_in, confirmed_at, tools, description) select id, true, now(), array[(${tools}::text[])[1 + substr(sub, 2)::int % 8], (${tools}::text[])[1 + (substr(sub, 2)::int + 3) % 8]], 'Volontaire' from lti_users where issuer = 'https://moodle.bench'`);
      await db.execute(sql`insert into fabrique_profile_skills (user_ref, framework, code, level) select p.user_ref, 'crcn', c.code, 1 + abs(hashtext(p.user_ref::text || c.code)) % 8 from fabrique_profiles p cross join lateral (select (${codes}::text[])[1 + abs(hashtext(p.user_ref::text)) % 8] as code union select '2.3') c`);
      // Projects across the phases, each with three deliverables and five accepted members.
      await db.execute(
        sql`insert into fabrique_projects (title, problem, beneficiaries, outcome, stage, objectives, resources, timebox_kind, timebox_weeks, impact_measure, impact_target, impact_current, framed_at, next_review_on, proposer_ref)
            select 'Projet ' || g, 'Un problème partagé', 'Les services', 'Un résultat', (${stages}::text[])[1 + g % 5], 'Des objectifs', 'Des moyens', 'weekly', 8, 'Établissements', 40, g % 40, now(), current_date + (g % 30), null
            from generate_series(1, ${PROJECTS}) g`,
      );
      await db.execute(sql`insert into fabrique_deliverables (project_id, title, due_on, status, position) select p.id, 'Livrable ' || k, current_date + k * 7, (array['planned','in_progress','delivered'])[k], k from fabrique_projects p cross join generate_series(1, 3) k`);
      await db.execute(
        sql`insert into fabrique_members (project_id, user_ref, role, status, hours_committed, shown_on_board, invited_at)
            select p.id, u.id, 'member', 'accepted', 10, true, now() from (select id, row_number() over () as r from fabrique_projects) p
            join (select id, row_number() over () as r from lti_users where issuer = 'https://moodle.bench') u on u.r between (p.r - 1) * 5 + 1 and p.r * 5`,
      );
      await db.execute(sql`analyze`);
      console.log(`seeded ${PROJECTS} projects and ${PEOPLE} directory entries in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

      const floor = await measure('GET /healthz (floor)', () => admin.browser.get('/healthz'));
      const board = await measure('GET /fabrique/board', () => admin.browser.get('/fabrique/board'));
      await measure('GET /fabrique/board/kiosk', () => admin.browser.get('/fabrique/board/kiosk'));
      await measure('GET /fabrique/directory (tool)', () => admin.browser.get('/fabrique/directory?tool=Radio'));
      console.log(`board p95 / floor p95 = ${(board / floor).toFixed(1)} (same run); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    } finally {
      await t.close();
    }
  });
}

runBench(main);
