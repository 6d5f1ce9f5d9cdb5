/**
 * Dashboard bench on PostgreSQL: seeds N statements (default 1,000,000) over P people and S sessions,
 * measures the rollup catch-up (statements/s), the full rebuild time, and the p95 time of each dashboard
 * page over HTTP. Prints figures; asserts nothing.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/dashboard-pages.ts \
 *     [--statements 1000000] [--people 20000] [--sessions 500] [--requests 30] [--keep]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { catchUp, rebuildRollups } from '../src/dashboard';
import { CRCN } from '../src/dashboard/crcn';
import { upsertTarget } from '../src/dashboard/dashboard.repo';
import { clearFacts, queryRows } from '../src/dashboard/rollup.repo';
import { insertStatementRows, statementsOf } from '../src/dashboard/demo-statements';
import { openPostgres } from '../src/platform/db/client';
import { migrate } from '../src/platform/db/migrate';
import type { EventSession, LearningEvent } from '../src/xapi';
import { createTestApp, TEST_SECRETS, TestClock } from '../test/support/app';
import { signIn } from '../test/support/factories';
import { seededRandom } from '../src/platform/random';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const STATEMENTS = arg('statements', 1_000_000);
const PEOPLE = arg('people', 20_000);
const SESSIONS = arg('sessions', 500);
const REQUESTS = arg('requests', 30);
const KEEP = process.argv.includes('--keep');
/** Reuse the database kept by a previous `--keep` run instead of seeding again. */
const REUSE = process.argv.includes('--reuse');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'instants_bench_dashboard';
const ISSUER = 'https://moodle.bench.ac-dijon.fr';
const BASE = 'https://instants.ac-dijon.fr/xapi';
const END = new Date('2026-06-30T00:00:00Z');
const SERVICES = ['DANE', 'DSI', 'DRH', 'DAFPIC', 'DSDEN 21', 'DSDEN 58', 'DSDEN 71', 'DSDEN 89', 'DRAJES', 'DRAIO', 'Cabinet', 'DEC'];

const rng = seededRandom;

async function admin(sqlText: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.95) - 1]!;

async function main() {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  if (!REUSE) {
    await admin(`drop database if exists ${DB_NAME} with (force)`);
    await admin(`create database ${DB_NAME}`);
  }
  const database = await openPostgres(u.toString(), 8);
  try {
    await migrate(database);
    const r = rng(7);
    const start = END.getTime() - 365 * 86_400_000;
    let written = 0;
    const t0 = performance.now();
    let buffer: Array<Record<string, unknown>> = [];
    // The statements one person makes in a session, counted on a probe (the builder decides: a finished quiz
    // makes two), so that the sessions hold the number of statements asked for, not about 86 % of it.
    let probe = 0;
    let peoplePerSession = 1;
    if (REUSE) written = Number((await queryRows<{ n: string }>(database.db, sql`select count(*) as n from lrs_statements`))[0]?.n ?? 0);
    for (let k = -1; k < SESSIONS && written < STATEMENTS && !REUSE; k++) {
      const probing = k < 0;
      const spec = CRCN[Math.max(0, k) % CRCN.length]!;
      const at = new Date(start + Math.floor(r() * 360) * 86_400_000 + 11 * 3600_000);
      const session: EventSession = {
        id: `b${String(Math.max(0, k)).padStart(7, '0')}-0000-4000-8000-${String(Math.max(0, k)).padStart(12, '0')}`,
        title: `Session ${k}`,
        tool: `Outil ${k % 40}`,
        seriesId: `series-${k % 3}`,
        seriesTitle: `Série ${k % 3}`,
        course: { issuer: ISSUER, contextId: `course-${k % 10}`, title: `Cours ${k % 10}` },
        competences: [{ framework: 'crcn', code: spec.code, title: spec.title }],
      };
      for (let i = 0; i < (probing ? 1 : peoplePerSession); i++) {
        const sub = `p${Math.floor(r() * PEOPLE)}`;
        const profile = { service: SERVICES[Math.floor(r() * SERVICES.length)]!, jobFamily: ['administratif', 'encadrement', 'technique'][Math.floor(r() * 3)]! };
        const ev = (min: number, e: Record<string, unknown>) => {
          const event = { actor: { issuer: ISSUER, sub }, session, language: 'fr', at: new Date(at.getTime() + min * 60_000), ...e } as LearningEvent;
          const made = statementsOf(event, profile, { baseIri: BASE, pseudonymKey: TEST_SECRETS.pseudonymKey! });
          if (probing) probe += made.length;
          else buffer.push(...made);
        };
        const c = session.competences[0]!;
        const before = 1 + Math.floor(r() * 6);
        ev(-1440, { kind: 'launched' });
        ev(0, { kind: 'attended', method: 'qr' });
        ev(-5, { kind: 'self-positioned', competence: c, level: before, moment: 'before' });
        ev(55, { kind: 'self-positioned', competence: c, level: Math.max(1, before - 1), moment: 'then' });
        ev(56, { kind: 'self-positioned', competence: c, level: Math.min(8, before + Math.floor(r() * 3)), moment: 'after' });
        for (const res of ['a', 'b', 'c']) ev(20, { kind: 'resource-opened', resource: { id: `${k}-${res}`, title: `Ressource ${res}`, type: 'link', url: `https://ex.fr/${k}/${res}` } });
        for (const q of [1, 2, 3, 4]) {
          const success = r() < 0.7;
          ev(45, { kind: 'question-answered', quiz: { id: `quiz-${k}`, title: 'Quiz' }, question: { id: `${k}-${q}`, text: `Question ${q}`, interactionType: 'choice', choices: [], correct: ['a'], competence: null }, response: [success ? 'a' : 'b'], success, certainty: 1 + Math.floor(r() * 4) });
        }
        ev(46, { kind: 'quiz-completed', quiz: { id: `quiz-${k}`, title: 'Quiz', masteryScore: 0.75 }, score: { raw: 3, max: 4 }, passed: true, durationSeconds: 100 });
        ev(58, { kind: 'rated', rating: { value: 3 + Math.floor(r() * 3), max: 5 }, comment: null });
        ev(59, { kind: 'need-expressed', need: { type: 'tool', id: null, label: `Outil ${Math.floor(r() * 60)}` } });
        ev(59, { kind: 'need-expressed', need: { type: 'free-text', id: null, label: ['Tchap', 'tchap ', 'IA générative', 'Canva'][Math.floor(r() * 4)]! } });
        ev(60, { kind: 'session-completed', score: null });
        ev(43200, { kind: 'follow-up-completed', usedSince: r() < 0.6, frequency: null, purposes: [], obstacles: r() < 0.5 ? ['manque de temps'] : [] });
      }
      if (probing) {
        peoplePerSession = Math.max(5, Math.ceil(STATEMENTS / SESSIONS / probe));
        continue;
      }
      if (written + buffer.length > STATEMENTS) buffer = buffer.slice(0, STATEMENTS - written);
      if (buffer.length >= 20_000 || written + buffer.length >= STATEMENTS) {
        await insertStatementRows(database.db, buffer);
        written += buffer.length;
        buffer = [];
        process.stderr.write(`\rseeded ${written} statements`);
      }
    }
    if (buffer.length) {
      await insertStatementRows(database.db, buffer);
      written += buffer.length;
    }
    const seedSeconds = (performance.now() - t0) / 1000;
    process.stderr.write('\n');
    for (const [competence, jobFamily, level] of [['1.1', 'administratif', 5], ['2.1', 'encadrement', 6], ['4.1', 'technique', 7]] as const) await upsertTarget(database.db, { competence, jobFamily, level });

    const all = written;
    if (REUSE) await database.db.transaction((tx) => clearFacts(tx, 'rollup'));
    let t = performance.now();
    const firstRead = await catchUp(database.db);
    const catchUpSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const rebuilt = await rebuildRollups(database.db);
    const rebuildSeconds = (performance.now() - t) / 1000;
    await database.db.execute(sql`analyze`);

    const app = await createTestApp({ database, clock: new TestClock(new Date('2026-07-01T08:00:00Z')), env: { DATABASE_POOL_SIZE: '8' } });
    const results: Array<[string, number, number]> = [];
    try {
      const { browser } = await signIn(app, { role: 'organiser', isAdmin: true, contextId: 'course-admin', issuer: ISSUER });
      const organiser = await signIn(app, { role: 'organiser', contextId: 'course-3', issuer: ISSUER });
      const sessionKey = `b0000007-0000-4000-8000-000000000007`;
      const pages: Array<[string, typeof browser, string]> = [
        ['overview (admin, 1 year, all courses)', browser, '/organiser/dashboard'],
        ['overview (admin, service filter)', browser, '/organiser/dashboard?service=DSDEN+21'],
        ['overview (admin, a term, series filter)', browser, '/organiser/dashboard?period=2025-2026-T2&series=' + encodeURIComponent(`${BASE}/series/series-1`)],
        ['overview (organiser, own course)', organiser.browser, '/organiser/dashboard'],
        ['session', browser, `/organiser/dashboard/sessions/${sessionKey}`],
        ['competences', browser, '/organiser/dashboard/competences'],
        ['needs', browser, '/organiser/dashboard/needs'],
        ['CSV export (overview sessions table)', browser, '/organiser/dashboard?format=csv&table=sessions'],
      ];
      // The disclosure layer computes every view of a school year together, then caches it per data
      // version: "layer" times a page whose data just changed (a target level touched before each
      // request: the whole layer runs), "cached" the same page read again. Same run, same pages.
      let bump = 0;
      const touch = () => upsertTarget(database.db, { competence: '5.2', jobFamily: 'bench', level: 1 + (bump++ % 8) });
      for (const [label, b, path] of pages) {
        for (const mode of ['layer', 'cached'] as const) {
          const times: number[] = [];
          for (let i = 0; i < REQUESTS + 3; i++) {
            if (mode === 'layer') await touch();
            const s = performance.now();
            const res = await b.get(path);
            await res.arrayBuffer();
            if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
            if (i >= 3) times.push(performance.now() - s);
          }
          results.push([`${label} [${mode}]`, p95(times), times.reduce((a, x) => a + x, 0) / times.length]);
        }
      }
    } finally {
      await app.close();
    }
    const [facts] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from dash_participation`);
    console.log(`PostgreSQL, ${all} statements, ${PEOPLE} people drawn, ${SESSIONS} sessions (${peoplePerSession} people each); seeding took ${REUSE ? '(reused)' : seedSeconds.toFixed(0)} s`);
    console.log(`participations (facts): ${facts?.n ?? '?'}`);
    console.log(`rollup catch-up from empty: ${firstRead} statements in ${catchUpSeconds.toFixed(1)} s = ${Math.round(firstRead / catchUpSeconds)} statements/s`);
    console.log(`full rebuild: ${rebuilt} statements in ${rebuildSeconds.toFixed(1)} s`);
    console.log(`peak RSS of the process (server and bench): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
    console.log(`page times over ${REQUESTS} requests (after 3 warm-ups); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}:`);
    for (const [label, p, mean] of results) console.log(`  ${label.padEnd(60)} p95 ${p.toFixed(0).padStart(5)} ms   mean ${mean.toFixed(0).padStart(5)} ms`);
    for (let i = 0; i + 1 < results.length; i += 2) {
      const [label, layer] = results[i]!;
      const cached = results[i + 1]![1];
      console.log(`  disclosure layer adds (p95 layer − p95 cached) ${label.replace(' [layer]', '').padEnd(44)} ${(layer - cached).toFixed(0).padStart(5)} ms (×${(layer / Math.max(1, cached)).toFixed(1)})`);
    }
  } finally {
    await database.close();
    if (!KEEP) await admin(`drop database if exists ${DB_NAME} with (force)`);
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
