import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { RuleSchema } from '../../src/badges/rules';
import { createTestApp, type TestApp } from '../support/app';
import { awardsOf, checkIn, checkinCode, courseWithSession, createBadge, participant, postBadgeForm } from './helpers';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');
const BAD_DAYS = ['0000-01-01', '2026-02-30', '2025-02-29', '2026-13-01', '2026-1-01'];

/** Badge rules read calendar days through the platform's hygiene (`calendarDate`), wherever they come from. */
describe('badges: the days of a rule are real calendar days', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('refuses a stored rule whose period starts on a day that does not exist (year 0, 30 February)', () => {
    const rule = (from: string) => ({ kind: 'sessions-count', count: 1, seriesId: null, from, to: null });
    for (const day of BAD_DAYS) expect(RuleSchema.safeParse(rule(day)).success, day).to.equal(false);
    expect(RuleSchema.safeParse(rule('2024-02-29')).success).to.equal(true);
  });

  it('still records a completion, and awards the other badges, when a stored rule holds an impossible day', async () => {
    const { organiser, session, contextId } = await courseWithSession(t);
    const good = await createBadge(organiser, { rule_kind: 'session-completed', session_id: session.id });
    const broken = await createBadge(organiser, { rule_kind: 'sessions-count', count: '1', from: '2020-01-01' });
    // A rule written before its days were checked, or by hand in the database.
    await t.database.db.execute(sql`update badge_classes set rule = jsonb_set(rule, '{from}', '"0000-01-01"') where id = ${broken}::uuid`);
    const p = await participant(t, session.id, contextId);
    await checkIn(p, session.id, await checkinCode(organiser, session.id));
    expect((await awardsOf(t, p.userId)).map((a) => a.badge_class_id)).to.deep.equal([good]);
  });

  it('refuses each impossible day in the badge form with a French message by its field, and writes nothing', async () => {
    const { organiser } = await courseWithSession(t);
    const count = async () => {
      const r = await t.database.db.execute(sql`select count(*)::int as n from badge_classes`);
      return Number(((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows)[0] as { n: number }).n);
    };
    const before = await count();
    for (const day of BAD_DAYS) {
      for (const field of ['from', 'to']) {
        const res = await postBadgeForm(organiser, { name: 'Assidu', description: 'Trois sessions.', criteria: 'Avoir achevé trois sessions.', rule_kind: 'sessions-count', count: '1', [field]: day });
        expect(res.status, `${field}=${day}`).to.equal(400);
        expect(text(await res.text()), `${field}=${day}`).to.contain('Indiquez une date valide');
      }
    }
    expect(await count()).to.equal(before);
  });
});
