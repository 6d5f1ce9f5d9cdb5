import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { recordEvents } from '../../src/xapi';
import { addDestination, type Destination } from '../../src/xapi/forwarding/destinations';
import { listDeadLetters, replayDeadLetters, resendFrom } from '../../src/xapi/forwarding/operations';
import { rowsOf } from '../../src/xapi/outbox/outbox';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { checkA11y, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { buildEvent } from './fixtures';
import { startScriptedLrs, type ScriptedLrs } from './scripted-lrs';

describe('xapi: /admin/xapi operations page', () => {
  let t: TestApp;
  let lrs: ScriptedLrs;
  let destination: Destination;
  let ids: string[];

  before(async () => {
    t = await createTestApp();
    lrs = await startScriptedLrs();
    destination = await addDestination(t.database.db, TEST_SECRETS.ltiKey, { name: 'lrs-academie', endpoint: lrs.url, key: 'visible-key', secret: 'never-shown-secret' });
    ids = await t.database.db.transaction((tx) => recordEvents(tx, [buildEvent('launched'), buildEvent('rated'), buildEvent('attended')], { config: t.config, secrets: TEST_SECRETS }));
    lrs.rejectIds.add(ids[1]!);
    await t.instants.jobs.runOnce('outbox');
  });
  after(async () => {
    await lrs.close();
    await t.close();
  });

  it('asks for a launch (401) and refuses participants and organisers who are not administrators (403)', async () => {
    expect((await fetch(`${t.url}/admin/xapi`, { headers: { accept: 'text/html' } })).status).to.equal(401);
    const { browser } = await signIn(t, { role: 'participant' });
    expect((await browser.get('/admin/xapi')).status).to.equal(403);
    const organiser = await signIn(t, { role: 'organiser' });
    expect((await organiser.browser.get('/admin/xapi')).status).to.equal(403);
  });

  it('shows each destination with its backlog, lag and dead letters in French, without its credentials', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const res = await browser.get('/admin/xapi');
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain('Transfert xAPI').and.to.contain('lrs-academie').and.to.contain('Déclarations refusées');
    expect(html).to.contain(ids[1]).and.to.contain('result.score.scaled out of range');
    expect(html).to.not.contain('never-shown-secret').and.to.not.contain('visible-key').and.to.not.contain('Basic ');
    const en = await (await browser.get('/admin/xapi?lang=en')).text();
    expect(en).to.contain('xAPI forwarding').and.to.contain('Refused statements');
  });

  it('replays one dead letter from its button, which then gets delivered', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const html = await (await browser.get('/admin/xapi')).text();
    const [dead] = await listDeadLetters(t.database.db);
    lrs.rejectIds.clear();
    const res = await browser.postForm('/admin/xapi/replay', { _csrf: csrfTokenFrom(html), id: String(dead!.id) });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/admin/xapi?done=replayed&count=1');
    expect(await (await browser.get(res.headers.get('location')!)).text()).to.contain('1 déclaration remise');
    await t.instants.jobs.runOnce('outbox');
    expect(lrs.received).to.include(ids[1]);
    expect(await listDeadLetters(t.database.db)).to.have.length(0);
  });

  it('refuses a resend with a malformed or calendar-invalid date (2026-02-30, year 0), queuing nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const html = await (await browser.get('/admin/xapi')).text();
    for (const from of ['31/12/2026', '2026-02-30', '0000-01-01', '2026-02-29T10:00:00Z']) {
      const res = await browser.postForm('/admin/xapi/resend', { _csrf: csrfTokenFrom(html), destination: destination.id, from });
      expect(res.status, from).to.equal(400);
      expect(await res.text()).to.contain('from');
    }
    const [row] = rowsOf<{ n: string }>(await t.database.db.execute(sql`select count(*) as n from outbox`));
    expect(Number(row!.n)).to.equal(0);
  });

  it('refuses a form posted without the CSRF token', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const res = await browser.postForm('/admin/xapi/replay', {});
    expect(res.status).to.equal(403);
  });

  it('queues every statement since a date from the resend form', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const html = await (await browser.get('/admin/xapi')).text();
    const res = await browser.postForm('/admin/xapi/resend', { _csrf: csrfTokenFrom(html), destination: destination.id, from: '2020-01-01' });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/admin/xapi?done=resent&count=3');
  });

  it('has no serious accessibility violation and replays dead letters with the keyboard alone', async function () {
    this.timeout(60_000);
    lrs.rejectIds.add(ids[0]!);
    await replayAllThenDeliver();
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    await withPage(
      t,
      async (page) => {
        await page.goto('/admin/xapi');
        expect(await checkA11y(page)).to.deep.equal([]);
        await page.focus('#replay-destination');
        await page.keyboard.press('Tab');
        await Promise.all([page.waitForURL(/done=replayed/), page.keyboard.press('Enter')]);
        expect(await page.textContent('[role=status]')).to.contain('remise en file');
      },
      { signedIn: browser },
    );
  });

  it('shows a hostile LRS answer as text, never as markup', async () => {
    lrs.rejectIds.add(ids[2]!);
    await replayAllThenDeliver();
    await resendFrom(t.database.db, destination.id, new Date('2020-01-01'), t.clock.now());
    await t.instants.jobs.runOnce('outbox');
    await t.database.db.execute(sql`update outbox set remote_body = '<script>alert(1)</script><img src=x onerror=alert(2)>' where status = 'dead'`);
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true });
    const html = await (await browser.get('/admin/xapi')).text();
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.not.contain('<script>alert(1)').and.to.not.contain('<img src=x');
  });

  async function replayAllThenDeliver(): Promise<void> {
    await replayDeadLetters(t.database.db, t.clock.now());
    await t.instants.jobs.runOnce('outbox');
  }
});
