import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser } from '../support/http';
import { courseWithSession, createBadge } from './helpers';

/** Awards over time on the organisers' dashboard go through the dashboard's disclosure control. */
describe('badges: awards over time', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  const cellsOf = (html: string, name: string) => {
    const row = new RegExp(`<th scope="row">${name}</th>(.*?)</tr>`, 's').exec(html)![1]!;
    return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]!.trim());
  };

  it('shows counts of at least the threshold and hides a small month together with what would reveal it', async () => {
    const { organiser, contextId } = await courseWithSession(t);
    const badgeId = await createBadge(organiser, { name: 'Contributrice ou contributeur', rule_kind: 'manual' });
    const people = await Promise.all(Array.from({ length: 8 }, () => signIn(t, { role: 'participant', contextId })));
    for (const [i, p] of people.entries()) {
      await t.database.db.execute(sql`insert into badge_awards (badge_class_id, user_ref, recipient_type, recipient_salt, recipient_hash, issued_on, method, statement_id)
        values (${badgeId}::uuid, ${p.userId}::uuid, 'email', 's', 'sha256$x', ${i < 2 ? sql`now() - interval '35 days'` : sql`now()`}, 'manual', gen_random_uuid())`);
    }
    const res = await organiser.browser.get('/organiser/badges/awards');
    expect(res.status).to.equal(200);
    const html = await res.text();
    const cells = cellsOf(html, 'Contributrice ou contributeur');
    expect(cells).to.have.length(13);
    expect(cells).not.to.include('2');
    const shown = cells.filter((c) => /^\d+$/.test(c)).map(Number);
    // Nothing shown lets a reader subtract its way to the 2: the six and the eight are never both shown.
    expect(shown.includes(6) && shown.includes(8)).to.equal(false);
    expect(cells).to.include('masqué');
  });

  it('is for organisers only: 401 for a visitor, 403 for a participant', async () => {
    expect((await new Browser(t.url).get('/organiser/badges/awards')).status).to.equal(401);
    const p = await signIn(t, { role: 'participant', contextId: 'course-stats' });
    expect((await p.browser.get('/organiser/badges/awards')).status).to.equal(403);
  });
});
