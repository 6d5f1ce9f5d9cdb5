import { expect } from 'chai';
import { sql, type SQL } from 'drizzle-orm';
import { rebuildRollups } from '../../src/dashboard';
import { subjectOf } from '../../src/lrs/privacy.service';
import type { PersonalTable } from '../../src/platform/personal-data';
import { countRows, cutoffOf, personalTables, planRetention, runRetention } from '../../src/privacy';
import { createTestApp, type TestApp } from '../support/app';
import { tableCounts } from '../support/table-counts';
import { personEverywhere, type Person } from './fixture';

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

/** The rows of a table that belong to one person (the first link of the declaration, or the table's own key to them). */
function rowsOfPerson(t: PersonalTable, p: Person): SQL {
  const custom: Record<string, SQL> = {
    ltijs_documents: sql`collection in ('idtoken', 'contexttoken') and doc->>'user' = ${p.sub}`,
    lti_login_requests: sql`login_hint = ${p.sub}`,
    web_sessions: sql`data->>'launchId' in (select id::text from lti_launches where user_ref = ${p.userId})`,
    lrs_statements: sql`actor_ifi = ${p.ifi}`,
    lrs_documents: sql`agent_ifi = ${p.ifi}`,
    lrs_audit_log: sql`subject = ${subjectOf(p.ifi)}`,
    outbox: sql`payload->'actor'->'account'->>'name' = ${p.pseudonym}`,
    people_imports: sql`key in (${p.email!}, ${p.pseudonym})`,
    grades_rosters: sql`context_ref = ${p.contextRef}`,
    activity_answers: sql`attempt_id in (select id from activity_attempts where user_ref = ${p.userId})`,
    lti_login_rate: sql`client = ${`test-${p.sub}`}`,
  };
  const link = t.links[0];
  if (custom[t.table]) return custom[t.table]!;
  if (!link) throw new Error(`no way to find ${t.table} rows of a person in this test`);
  return link.by === 'user' ? sql`${sql.identifier(link.column)} = ${p.userId}::uuid` : link.by === 'actor' ? sql`${sql.identifier(link.column)} = ${p.ifi}` : sql`${sql.identifier(link.column)} in (select id from lti_launches where user_ref = ${p.userId})`;
}

const COLUMN: Record<string, string> = { lrs_statements: 'stored', activity_answers: 'answered_at' };

/**
 * Retention for every kind of record (issue 20): each rule of the registry deletes exactly the rows older
 * than its setting. Jeanne's rows are dated an hour before each rule's cutoff, Paul's an hour after.
 */
describe('privacy: retention of every kind of record', function () {
  this.timeout(120_000);
  let t: TestApp;
  let paul: Person;
  let jeanne: Person;
  const rules = () => personalTables().flatMap((d) => d.retention.filter((r) => r.kind === 'period' || (r.kind === 'custom' && r.setting !== 'freeTextMonths')).map((r) => ({ d, r: r as Extract<typeof r, { setting: unknown }> })));

  before(async () => {
    t = await createTestApp();
    paul = await personEverywhere(t, { sub: 'keep-paul-4242', given: 'Paul', family: 'Gardemont', contextId: 'course-paul' });
    jeanne = await personEverywhere(t, { sub: 'old-jeanne-7781', given: 'Jeanne', family: 'Anciennement', contextId: 'course-jeanne' });
    for (const p of [paul, jeanne]) await t.database.db.execute(sql`insert into lti_login_rate (client, window_start, count) values (${`test-${p.sub}`}, now(), 1)`);
  });
  after(async () => t.close());

  const date = (rule: ReturnType<typeof rules>[number], hours: number) => new Date(cutoffOf(t.config, rule.r.setting, t.clock.now()).getTime() + hours * 3600_000).toISOString();
  const count = async (rule: ReturnType<typeof rules>[number], p: Person) => {
    const where = rule.r.kind === 'period' && rule.r.where ? sql.raw(` and (${rule.r.where})`) : sql``;
    return rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from ${sql.identifier(rule.d.table)} where ${rowsOfPerson(rule.d, p)}${where}`))[0]!.n;
  };

  it('lists, without deleting anything, exactly the rows older than each setting (the dry run)', async () => {
    for (const rule of rules()) {
      const column = rule.r.kind === 'period' ? rule.r.column : COLUMN[rule.d.table]!;
      await t.database.db.execute(sql`update ${sql.identifier(rule.d.table)} set ${sql.identifier(column)} = ${date(rule, -1)}::timestamptz where ${rowsOfPerson(rule.d, jeanne)}`);
      await t.database.db.execute(sql`update ${sql.identifier(rule.d.table)} set ${sql.identifier(column)} = ${date(rule, 1)}::timestamptz where ${rowsOfPerson(rule.d, paul)}`);
    }
    const before = await tableCounts(t.database.db);
    const plan = await planRetention({ db: t.database.db, config: t.config, clock: t.clock });
    for (const rule of rules()) {
      const item = plan.find((i) => i.table === rule.d.table && i.setting === rule.r.setting)!;
      expect(item.rows, `${rule.d.table} (${rule.r.setting})`).to.equal(await count(rule, jeanne));
      expect(item.rows, rule.d.table).to.be.above(0);
    }
    expect(await tableCounts(t.database.db)).to.deep.equal(before);
  });

  it('deletes those rows and only those, recomputes the dashboards, and writes one audit line with the counts', async () => {
    const paulBefore = await countRows(t.database.db, paul);
    const done = await runRetention({ db: t.database.db, config: t.config, clock: t.clock, log: t.instants.ctx.log });
    // (A rule may find its rows already gone with those they depend on: resume tokens with their launch.)
    for (const rule of rules()) expect(await count(rule, jeanne), `${rule.d.table} left`).to.equal(0);
    expect(await countRows(t.database.db, paul)).to.deep.equal(paulBefore);
    const [audit] = rowsOf<{ detail: { total: number } }>(await t.database.db.execute(sql`select detail from privacy_audit_log where action = 'retention.run' order by at desc limit 1`));
    expect(audit!.detail.total).to.equal(done.reduce((n, d) => n + d.removed, 0));
    const dash = async () => rowsOf<{ r: string }>(await t.database.db.execute(sql`select to_jsonb(x)::text as r from dash_participation x union all select to_jsonb(y)::text from dash_sessions y`)).map((x) => x.r).sort();
    const after = await dash();
    await rebuildRollups(t.database.db);
    expect(await dash()).to.deep.equal(after);
    expect(after.some((r) => r.includes(jeanne.pseudonym))).to.equal(false);
    expect(after.some((r) => r.includes(paul.pseudonym))).to.equal(true);
  });

  it('blanks the free text of answers older than a school year, keeping the answers themselves', async () => {
    const cutoff = cutoffOf(t.config, 'freeTextMonths', t.clock.now());
    await t.database.db.execute(sql`update activity_answers set answered_at = ${new Date(cutoff.getTime() - 3600_000).toISOString()}::timestamptz
      where attempt_id in (select id from activity_attempts where user_ref = ${paul.userId})`);
    const plan = await planRetention({ db: t.database.db, config: t.config, clock: t.clock });
    expect(plan.find((i) => i.setting === 'freeTextMonths')!.rows).to.equal(1);
    await runRetention({ db: t.database.db, config: t.config, clock: t.clock, log: t.instants.ctx.log });
    const answers = rowsOf<{ value: { freeText: string | null; topics: unknown[] } }>(await t.database.db.execute(sql`select value from activity_answers where attempt_id in (select id from activity_attempts where user_ref = ${paul.userId})`));
    expect(answers).to.have.length(1);
    expect(answers[0]!.value).to.deep.equal({ topics: [], freeText: null, competence: null });
  });

  it('runs as the privacy-retention job of the job runner', async () => {
    expect(t.instants.jobs.names()).to.include.members(['privacy-retention', 'privacy-departures']);
    await t.instants.jobs.runOnce('privacy-retention');
    const [n] = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from privacy_audit_log where action = 'retention.run'`));
    expect(n!.n).to.be.at.least(3);
  });
});
