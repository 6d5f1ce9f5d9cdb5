import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { rebuildRollups } from '../../src/dashboard';
import { createCredential } from '../../src/lrs/credentials.service';
import { countRows, isFindable, loadSubject, personalTables, type PersonalExport } from '../../src/privacy';
import { addDestination } from '../../src/xapi/forwarding/destinations';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { launchAs } from '../support/lti';
import { tableCounts } from '../support/table-counts';
import { startScriptedLrs, type ScriptedLrs } from '../xapi/scripted-lrs';
import { personEverywhere, tracesOf, type Person } from './fixture';

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
const DASH = ['dash_sessions', 'dash_courses', 'dash_people', 'dash_participation', 'dash_resource_opens', 'dash_answers', 'dash_positions', 'dash_ratings', 'dash_followups', 'dash_needs'];

/** Every dashboard fact table, each row as JSON, sorted: what "equal to a rebuild" compares. */
async function dashboards(t: TestApp): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of DASH) out[table] = rowsOf<{ r: string }>(await t.database.db.execute(sql`select to_jsonb(x)::text as r from ${sql.identifier(table)} x`)).map((x) => x.r).sort();
  return out;
}

/** Runs the outbox until no statement or erasure request waits (scores wait for a platform these tests do not run). */
async function drain(t: TestApp): Promise<void> {
  for (let i = 0; i < 50; i++) {
    t.clock.advance(10 * 60_000);
    await t.instants.jobs.runOnce('outbox');
    const [left] = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from outbox where status = 'pending' and kind in ('xapi-statement', 'xapi-erasure')`));
    if (!left!.n) return;
  }
  const stuck = rowsOf(await t.database.db.execute(sql`select kind, destination, attempts, last_error, remote_status from outbox where status = 'pending' and kind in ('xapi-statement', 'xapi-erasure')`));
  throw new Error(`the outbox did not drain: ${JSON.stringify(stuck).slice(0, 1000)}`);
}

/**
 * Access and erasure of one person everywhere (issue 20): Jeanne has rows in every table the registry can
 * search, Paul too, and Jeanne's rows touch Paul's (an attendance she marked, an award she gave, his
 * project she facilitates). Her statements went to another Instants and to a plain LRS.
 */
describe('privacy: a person’s data, exported and erased everywhere', function () {
  this.timeout(120_000);
  let t: TestApp;
  let target: TestApp;
  let plain: ScriptedLrs;
  let paul: Person;
  let jeanne: Person;
  let admin: Browser;
  let paulBefore: Record<string, number>;
  const needles = () => [jeanne.userId, jeanne.email!, 'Effacemont', jeanne.sub, jeanne.pseudonym];

  before(async () => {
    [t, target, plain] = await Promise.all([createTestApp(), createTestApp(), startScriptedLrs()]);
    const { key, secret } = await createCredential(target.database.db, { name: 'Instants du rectorat', scopes: ['all'] });
    await addDestination(t.database.db, TEST_SECRETS.ltiKey, { name: 'instants-academie', endpoint: `${target.url}/xapi/`, key, secret });
    await addDestination(t.database.db, TEST_SECRETS.ltiKey, { name: 'lrs-externe', endpoint: plain.url, key: 'k', secret: 's' });
    paul = await personEverywhere(t, { sub: 'keep-paul-4242', given: 'Paul', family: 'Gardemont', contextId: 'course-paul' });
    jeanne = await personEverywhere(t, { sub: 'erase-jeanne-7781', given: 'Jeanne', family: 'Effacemont', contextId: 'course-jeanne' }, paul);
    paulBefore = await countRows(t.database.db, paul);
    ({ browser: admin } = await signIn(t, { role: 'organiser', isAdmin: true, name: 'Admin Académie', sub: 'admin-1' }));
  });
  after(async () => {
    await Promise.all([t.close(), target.close(), plain.close()]);
  });

  it('gives the person rows in every table the registry can search (the fixture covers every slice)', async () => {
    const counts = await countRows(t.database.db, jeanne);
    const empty = personalTables().filter((d) => isFindable(d) && !counts[d.table]).map((d) => d.table);
    expect(empty).to.deep.equal([]);
  });

  it('lets the person download, from their own session, every exported table with exactly their rows and nothing of anyone else', async () => {
    const counts = await countRows(t.database.db, jeanne);
    const res = await jeanne.browser.get('/me/data/export.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.contain('attachment');
    expect(res.headers.get('cache-control')).to.contain('no-store');
    const text = await res.text();
    const data = JSON.parse(text) as PersonalExport;
    const exported = personalTables().filter((d) => d.exported).map((d) => d.table);
    expect(Object.keys(data.tables)).to.have.members(exported);
    for (const table of exported) if (counts[table] !== undefined) expect(data.tables[table]!.rows, table).to.have.length(counts[table]!);
    expect(data.person).to.include({ sub: jeanne.sub, email: jeanne.email, pseudonym: jeanne.pseudonym });
    expect(data.forwardedTo.map((f) => f.destination)).to.have.members(['instants-academie', 'lrs-externe']);
    for (const other of [paul.userId, paul.email!, 'Gardemont', paul.sub, paul.pseudonym]) expect(text, other).to.not.contain(other);
    const html = await jeanne.browser.get('/me/data/export.html');
    expect(html.status).to.equal(200);
    expect(html.headers.get('content-disposition')).to.contain('attachment');
    expect(await html.text()).to.contain('Vos données dans Instants').and.to.contain(jeanne.pseudonym);
  });

  it('shows the administrator what will go and which destinations hold copies', async () => {
    const page = await admin.get(`/admin/privacy/people/${jeanne.userId}`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.contain('instants-academie').and.to.contain('lrs-externe').and.to.contain(jeanne.pseudonym);
    const found = await (await admin.get(`/admin/privacy?q=${encodeURIComponent('effacemont')}`)).text();
    expect(found).to.contain(`/admin/privacy/people/${jeanne.userId}`).and.not.to.contain(paul.userId);
    const byPseudonym = await (await admin.get(`/admin/privacy?q=${jeanne.pseudonym}`)).text();
    expect(byPseudonym).to.contain(`/admin/privacy/people/${jeanne.userId}`);
  });

  it('refuses an erasure without the confirmation box (400) or without the CSRF token (403), changing nothing', async () => {
    const before = await tableCounts(t.database.db);
    const token = csrfTokenFrom(await (await admin.get(`/admin/privacy/people/${jeanne.userId}`)).text());
    const unconfirmed = await admin.postForm(`/admin/privacy/people/${jeanne.userId}/erase`, { _csrf: token });
    expect(unconfirmed.status).to.equal(400);
    expect(await unconfirmed.text()).to.contain('Cochez la case de confirmation');
    const forged = await admin.postForm(`/admin/privacy/people/${jeanne.userId}/erase`, { confirm: 'yes' });
    expect(forged.status).to.equal(403);
    expect(await tableCounts(t.database.db)).to.deep.equal(before);
  });

  it('erases the person in one action: no row anywhere carries their id, e-mail, name, Moodle id or pseudonym, and every row of the other person stays', async () => {
    expect(await tracesOf(t, needles())).to.not.deep.equal([]);
    const token = csrfTokenFrom(await (await admin.get(`/admin/privacy/people/${jeanne.userId}`)).text());
    const res = await admin.postForm(`/admin/privacy/people/${jeanne.userId}/erase`, { _csrf: token, confirm: 'yes' });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.match(/^\/admin\/privacy\/erasures\/[0-9a-f-]{36}$/);
    await drain(t);
    expect(await tracesOf(t, needles())).to.deep.equal([]);
    // Paul keeps every row; the one fewer team row is Jeanne's own membership, which Paul had invited her to.
    expect(await countRows(t.database.db, paul)).to.deep.equal({ ...paulBefore, fabrique_members: paulBefore.fabrique_members! - 1 });
    // The other Instants erased its copies when asked.
    expect(await tracesOf(target, [jeanne.pseudonym])).to.deep.equal([]);
  });

  it('reports what went and what remains at the destinations that are not an Instants', async () => {
    const [entry] = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from privacy_audit_log where action = 'person.erased' order by at desc limit 1`));
    const html = await (await admin.get(`/admin/privacy/erasures/${entry!.id}`)).text();
    expect(html).to.contain('Effacement effectué');
    expect(html).to.match(/instants-academie[^<]*<span[^>]*>Demande d&#x27;effacement : effacées sur place/);
    expect(html).to.match(/lrs-externe[^<]*<span[^>]*>Demande d&#x27;effacement : impossible/);
  });

  it('leaves dashboards equal to a rebuild of the whole store without the person', async () => {
    const after = await dashboards(t);
    expect(after.dash_participation!.some((r) => r.includes(paul.pseudonym))).to.equal(true);
    await rebuildRollups(t.database.db);
    expect(await dashboards(t)).to.deep.equal(after);
  });

  it('signs the erased person out at once, and a new launch from Moodle makes a new person with nothing of the old', async () => {
    expect((await jeanne.browser.get('/me/data')).status).to.equal(401);
    const { browser } = await launchAs(t, { sub: jeanne.sub, name: 'Jeanne Effacemont', email: jeanne.email, contextId: 'course-jeanne' });
    const [row] = rowsOf<{ id: string }>(await t.database.db.execute(sql`select id from lti_users where sub = ${jeanne.sub}`));
    expect(row!.id).to.not.equal(jeanne.userId);
    const fresh = await countRows(t.database.db, await loadSubject(t.database.db, TEST_SECRETS.pseudonymKey, row!.id));
    const held = Object.entries(fresh).filter(([, n]) => n > 0).map(([table]) => table);
    expect(held).to.have.members(['lti_users', 'lti_launches', 'lti_login_requests', 'lti_resume_tokens', 'web_sessions', 'people_launch_values']);
    expect((await browser.get('/me/data')).status).to.equal(200);
  });
});
