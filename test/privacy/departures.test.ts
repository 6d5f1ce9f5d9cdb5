import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { formatParisDay } from '../../src/platform/dates';
import { createTestApp, type TestApp } from '../support/app';
import { buildLaunch, signIn } from '../support/factories';

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
const DAY = 86_400_000;

interface World {
  gone: string;
  present: string;
  elsewhere: string;
  recent: string;
}

/**
 * Course A's roster (as NRPS gave it) lists Paul only; course B's lists Inès. Gaston launched from A long
 * ago and is on no roster; Paul is on A's; Inès launched from A and B and is on B's; Rémi is on no roster
 * but launches again during his absence.
 */
async function world(t: TestApp): Promise<World> {
  const db = t.database.db;
  const at = (days: number) => new Date(t.clock.now().getTime() - days * DAY).toISOString();
  const gone = await buildLaunch(db, { sub: 'gaston', name: 'Gaston Parti', email: 'gaston.parti@ac-dijon.fr', contextId: 'course-a' });
  const present = await buildLaunch(db, { sub: 'paul', name: 'Paul Toujours', contextId: 'course-a' });
  const elsewhere = await buildLaunch(db, { sub: 'ines', name: 'Inès Ailleurs', contextId: 'course-a' });
  const inB = await buildLaunch(db, { sub: 'ines', name: 'Inès Ailleurs', contextId: 'course-b' });
  const recent = await buildLaunch(db, { sub: 'remi', name: 'Rémi Revenu', contextId: 'course-a' });
  await db.execute(sql`update lti_launches set launched_at = ${at(120)}::timestamptz`);
  const roster = (members: string[]) => JSON.stringify(members.map((userId) => ({ userId, roles: ['Learner'], name: userId, email: null })));
  await db.execute(sql`insert into grades_rosters (context_ref, members, member_count, pages, fetched_at) values
    (${gone.contextRef}, ${roster(['paul', 'claire'])}::jsonb, 2, 1, ${at(0)}::timestamptz),
    (${inB.contextRef}, ${roster(['ines'])}::jsonb, 1, 1, ${at(0)}::timestamptz)`);
  return { gone: gone.userId, present: present.userId, elsewhere: elsewhere.userId, recent: recent.userId };
}

/** The first daily check records the absences; 91 days later (Rémi launched again meanwhile), the second one acts. */
async function twoChecks(t: TestApp, w: World): Promise<void> {
  await t.instants.jobs.runOnce('privacy-departures');
  t.clock.advance(91 * DAY);
  await buildLaunch(t.database.db, { sub: 'remi', name: 'Rémi Revenu', contextId: 'course-a', resourceLinkId: 'second-link' });
  await t.database.db.execute(sql`update lti_launches set launched_at = ${new Date(t.clock.now().getTime() - DAY).toISOString()}::timestamptz
    where user_ref = ${w.recent}::uuid and launched_at = (select max(launched_at) from lti_launches where user_ref = ${w.recent}::uuid)`);
  await t.instants.jobs.runOnce('privacy-departures');
}

const departures = async (t: TestApp) => rowsOf<{ user_ref: string; flagged: boolean }>(await t.database.db.execute(sql`select user_ref, flagged_at is not null as flagged from privacy_departures`));

/** People who leave (issue 20): absent from every roster of their courses for longer than PRIVACY_DEPARTURE_DAYS. */
describe('privacy: people who leave every course', function () {
  this.timeout(120_000);

  describe('flagged for the administrator (PRIVACY_DEPARTURE_ERASE=false)', () => {
    let t: TestApp;
    let w: World;
    before(async () => {
      t = await createTestApp();
      w = await world(t);
    });
    after(async () => t.close());

    it('records an absence at the first check without flagging anyone yet', async () => {
      await t.instants.jobs.runOnce('privacy-departures');
      const rows = await departures(t);
      expect(rows.map((r) => r.user_ref).sort()).to.deep.equal([w.gone, w.recent].sort());
      expect(rows.every((r) => !r.flagged)).to.equal(true);
    });

    it('flags the one absent longer than the period; neither someone on a roster of one of their courses nor someone who launched since', async () => {
      t.clock.advance(91 * DAY);
      await buildLaunch(t.database.db, { sub: 'remi', name: 'Rémi Revenu', contextId: 'course-a', resourceLinkId: 'second-link' });
      await t.database.db.execute(sql`update lti_launches set launched_at = ${new Date(t.clock.now().getTime() - DAY).toISOString()}::timestamptz
        where user_ref = ${w.recent}::uuid and resource_link_ref = (select id from lti_resource_links where resource_link_id = 'second-link')`);
      await t.instants.jobs.runOnce('privacy-departures');
      expect(await departures(t)).to.deep.equal([{ user_ref: w.gone, flagged: true }]);
      const [audit] = rowsOf<{ detail: Record<string, unknown> }>(await t.database.db.execute(sql`select detail from privacy_audit_log where action = 'departure.flagged'`));
      expect(audit!.detail).to.deep.equal({ people: 1, days: 90 });
      const [{ n }] = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from lti_users where id = ${w.gone}::uuid`)) as [{ n: number }];
      expect(n).to.equal(1);
    });

    it('shows them on /admin/privacy with the date their absence began, and only them', async () => {
      const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, name: 'Admin Académie', sub: 'admin-1' });
      const html = await (await browser.get('/admin/privacy')).text();
      const section = html.slice(html.indexOf('id="departures-title"'));
      expect(section).to.contain(`/admin/privacy/people/${w.gone}`).and.to.contain('Gaston Parti').and.to.contain('gaston.parti@ac-dijon.fr');
      expect(section).to.contain('depuis plus de 90 jours');
      const [{ since }] = rowsOf<{ since: Date }>(await t.database.db.execute(sql`select absent_since as since from privacy_departures where user_ref = ${w.gone}::uuid`)) as [{ since: Date }];
      expect(section).to.contain(formatParisDay(new Date(since), 'fr'));
      for (const other of [w.present, w.elsewhere, w.recent]) expect(section).not.to.contain(other);
    });
  });

  describe('erased automatically (PRIVACY_DEPARTURE_ERASE=true)', () => {
    let t: TestApp;
    let w: World;
    before(async () => {
      t = await createTestApp({ env: { PRIVACY_DEPARTURE_ERASE: 'true' } });
      w = await world(t);
    });
    after(async () => t.close());

    it('erases the one absent longer than the period, keeps the others, and audits counts only', async () => {
      await twoChecks(t, w);
      const users = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from lti_users`)).map((r) => r.id);
      expect(users).not.to.include(w.gone);
      expect(users).to.include.members([w.present, w.elsewhere, w.recent]);
      expect(await departures(t)).to.deep.equal([]);
      const audit = rowsOf<{ action: string; detail: Record<string, unknown> }>(await t.database.db.execute(sql`select action, detail from privacy_audit_log where action like 'departure.%' or action = 'person.erased' order by at, action`));
      expect(audit.map((a) => a.action)).to.include.members(['departure.flagged', 'person.erased', 'departure.erased']);
      expect(audit.find((a) => a.action === 'departure.erased')!.detail).to.deep.equal({ people: 1 });
      expect(JSON.stringify(audit)).not.to.contain('Gaston').and.not.to.contain('gaston');
    });
  });
});
