import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/platform/db/client';
import { ROOT_DIR } from '../../src/platform/paths';
import { createEmptyPostgresDatabase, engine } from '../support/db';
import { buildLaunch } from '../support/factories';

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
const DAY = 86_400_000;

/**
 * `npm run privacy -- retention|departures` (issue 20): the dry runs list what would go and change nothing,
 * a run without --yes is refused (64), a confirmed run removes what is past its setting with progress and a
 * summary per table; departures flags people absent from every roster for longer than PRIVACY_DEPARTURE_DAYS.
 */
describe(`cli: privacy (${engine})`, function () {
  this.timeout(300_000);
  let env: Record<string, string>;
  let dataDir: string;
  let pg: { url: string; drop: () => Promise<void> } | undefined;
  let userId: string;

  const run = (args: string[], extra: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT_DIR, 'src', 'cli', 'privacy.cli.ts'), ...args], { cwd: ROOT_DIR, env: { ...env, ...extra }, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  /** The database between two commands (PGlite: one process at a time). */
  const withDb = async <T>(fn: (db: Database['db']) => Promise<T>): Promise<T> => {
    const database = await openDatabase({ url: pg?.url, dataDir });
    try {
      return await fn(database.db);
    } finally {
      await database.close();
    }
  };
  const count = (q: ReturnType<typeof sql>) => withDb(async (db) => rowsOf<{ n: number }>(await db.execute(q))[0]!.n);

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-privacy-cli-'));
    pg = engine === 'postgres' ? await createEmptyPostgresDatabase() : undefined;
    env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development', ...(pg ? { DATABASE_URL: pg.url } : {}) };
  });
  after(async () => {
    await pg?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists every retention rule with nothing to remove on a new instance (dry run)', () => {
    const r = run(['retention', '--dry-run']);
    expect(r.code, r.err).to.equal(0);
    expect(r.out).to.contain('grades_rosters\tolder than 7 days (RETENTION_ROSTER_DAYS)').and.to.contain('lrs_statements\tolder than 24 months (RETENTION_MONTHS)');
    expect(r.out).to.contain('activity_answers\tfree text older than 12 months (RETENTION_FREE_TEXT_MONTHS)');
    expect(r.out).to.contain('0 rows would go (dry run: nothing changed)');
  });

  it('refuses to apply retention without --yes, or with --yes and --dry-run (64), and removes nothing', async () => {
    await withDb(async (db) => {
      // A roster read a month ago (RETENTION_ROSTER_DAYS=7) and one read today, for two courses.
      const old = await buildLaunch(db, { sub: 'roster-ancien', contextId: 'cours-ancien' });
      const fresh = await buildLaunch(db, { sub: 'parti-depuis-longtemps', contextId: 'cours-actuel' });
      userId = fresh.userId;
      await db.execute(sql`insert into grades_rosters (context_ref, members, member_count, pages, fetched_at) values
        (${old.contextRef}, ${JSON.stringify([{ userId: 'roster-ancien', roles: ['Learner'], name: 'Ancien Membre', email: 'ancien@ac-dijon.fr' }])}::jsonb, 1, 1, ${new Date(Date.now() - 30 * DAY).toISOString()}::timestamptz),
        (${fresh.contextRef}, ${JSON.stringify([{ userId: 'toujours-la', roles: ['Learner'], name: 'Claire Présente', email: 'claire@ac-dijon.fr' }])}::jsonb, 1, 1, now())`);
    });
    const refused = run(['retention']);
    expect(refused.code).to.equal(64);
    expect(refused.err).to.contain('add --dry-run to list what would go, or --yes to confirm');
    const both = run(['retention', '--dry-run', '--yes']);
    expect(both.code).to.equal(64);
    expect(both.err).to.contain('give --dry-run or --yes, not both');
    expect(await count(sql`select count(*)::int as n from grades_rosters`)).to.equal(2);
  });

  it('lists the expired roster in the dry run, then removes it alone with progress and a summary per table', async () => {
    const dry = run(['retention', '--dry-run']);
    expect(dry.code, dry.err).to.equal(0);
    expect(dry.out).to.match(/grades_rosters\tolder than 7 days \(RETENTION_ROSTER_DAYS\), before \S+: 1 row \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)/);
    expect(dry.out).to.contain('1 row would go');
    expect(await count(sql`select count(*)::int as n from grades_rosters`)).to.equal(2);

    const done = run(['retention', '--yes']);
    expect(done.code, done.err).to.equal(0);
    expect(done.err).to.contain('grades_rosters: 1/1');
    expect(done.out).to.match(/grades_rosters\tolder than 7 days \(RETENTION_ROSTER_DAYS\), before \S+: 1 row removed/);
    expect(done.out).to.contain('1 row in 1 table');
    expect(await count(sql`select count(*)::int as n from grades_rosters where fetched_at > now() - interval '1 day'`)).to.equal(1);
    expect(await count(sql`select count(*)::int as n from grades_rosters`)).to.equal(1);
    expect(await count(sql`select count(*)::int as n from privacy_audit_log where action = 'retention.run' and (detail->>'total')::int = 1`)).to.equal(1);
  });

  it('says what departures would flag and erase (dry run), then flags the person absent for longer than PRIVACY_DEPARTURE_DAYS', async () => {
    // Absent from the course's roster (which lists only Claire) since 100 days, and no launch since.
    await withDb(async (db) => {
      await db.execute(sql`update lti_launches set launched_at = ${new Date(Date.now() - 120 * DAY).toISOString()}::timestamptz where user_ref = ${userId}::uuid`);
      await db.execute(sql`insert into privacy_departures (user_ref, absent_since, checked_at) values (${userId}::uuid, ${new Date(Date.now() - 100 * DAY).toISOString()}::timestamptz, now())`);
    });
    const dry = run(['departures', '--dry-run'], { PRIVACY_DEPARTURE_ERASE: 'true' });
    expect(dry.code, dry.err).to.equal(0);
    expect(dry.out).to.contain('1 person absent from every roster of their courses, 0 flagged already');
    expect(dry.out).to.contain('1 person absent for more than 90 days would be flagged');
    expect(dry.out).to.contain('1 person would be erased (PRIVACY_DEPARTURE_ERASE=true)');
    expect(await count(sql`select count(*)::int as n from privacy_departures where flagged_at is not null`)).to.equal(0);

    const done = run(['departures']);
    expect(done.code, done.err).to.equal(0);
    expect(done.out).to.contain('1 person newly flagged (absent for more than 90 days), 0 people erased');
    expect(await count(sql`select count(*)::int as n from privacy_departures where flagged_at is not null and user_ref = ${userId}::uuid`)).to.equal(1);
    expect(await count(sql`select count(*)::int as n from lti_users where id = ${userId}::uuid`)).to.equal(1);
  });
});
