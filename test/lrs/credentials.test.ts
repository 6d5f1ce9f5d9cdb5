import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { csrfTokenFrom } from '../support/http';
import { signIn } from '../support/factories';
import { aStatement, basic, client, startLrs, type LrsTestApp } from './support';

/** xAPI-Communication §4 (security): HTTP Basic credentials with scopes; the /admin/lrs page. */
describe('lrs: credentials and scopes (Communication 4), admin page /admin/lrs', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());

  it('answers 401 with WWW-Authenticate without credentials, with a wrong secret or an unknown key', async () => {
    for (const authorization of [null, basic(t.key, 'faux'), basic('inconnue', 'x'), 'Bearer abc']) {
      const res = await t.xapi('/statements', { headers: { authorization } });
      expect(res.status).to.equal(401);
      expect(res.headers.get('www-authenticate')).to.contain('Basic');
    }
  });

  it('keeps only a hash of the secret', async () => {
    const rows = (await t.database.db.execute(sql`select secret_hash from lrs_credentials where key = ${t.key}`)) as unknown as { rows: Array<{ secret_hash: string }> };
    expect(rows.rows[0]!.secret_hash).to.have.length(64);
    expect(rows.rows[0]!.secret_hash).to.not.contain(t.secret);
  });

  it('answers 403 out of scope: a reader cannot write, a writer cannot read, state cannot touch profiles', async () => {
    const reader = await t.credential(['statements/read']);
    const writer = await t.credential(['statements/write']);
    const state = await t.credential(['state']);
    expect((await t.xapi('/statements', { method: 'POST', headers: { authorization: reader, 'content-type': 'application/json' }, body: JSON.stringify(aStatement()) })).status).to.equal(403);
    expect((await t.xapi('/statements', { headers: { authorization: writer } })).status).to.equal(403);
    expect((await t.xapi(`/activities/profile?activityId=${encodeURIComponent('http://a.fr')}&profileId=x`, { headers: { authorization: state } })).status).to.equal(403);
    expect((await client(t, writer).sendStatement({ statement: aStatement() as never })).status).to.equal(200);
  });

  it('all/read reads everything and writes nothing', async () => {
    const auth = await t.credential(['all/read']);
    expect((await t.xapi('/statements', { headers: { authorization: auth } })).status).to.equal(200);
    expect((await t.xapi('/statements', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(aStatement()) })).status).to.equal(403);
  });

  it('statements/read/mine only sees the statements written with the same credential', async () => {
    const mine = await t.credential(['statements/write', 'statements/read/mine'], 'Outil H5P');
    const own = (await client(t, mine).sendStatement({ statement: aStatement() as never })).data[0]!;
    const other = (await client(t).sendStatement({ statement: aStatement() as never })).data[0]!;
    const list = (await (await t.xapi('/statements', { headers: { authorization: mine } })).json()) as { statements: Array<{ id: string }> };
    expect(list.statements.map((s) => s.id)).to.deep.equal([own]);
    expect((await t.xapi(`/statements?statementId=${other}`, { headers: { authorization: mine } })).status).to.equal(404);
  });

  describe('/admin/lrs', () => {
    it('lets an administrator create a credential (secret shown once), use it, then revoke it', async () => {
      const { browser } = await signIn(t, { isAdmin: true, role: 'organiser' });
      const page = await browser.get('/admin/lrs');
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html).to.contain('<label class="form-label" for="name">');
      const created = await browser.postForm('/admin/lrs/credentials', { _csrf: csrfTokenFrom(html), name: 'Tableau académique', scopes: ['statements/read', 'state'] });
      expect(created.status).to.equal(201);
      const body = await created.text();
      const key = /id="created-key">([0-9a-f]+)</.exec(body)![1]!;
      const secret = /id="created-secret">([^<]+)</.exec(body)![1]!;
      expect((await t.xapi('/statements', { headers: { authorization: basic(key, secret) } })).status).to.equal(200);
      const again = await (await browser.get('/admin/lrs')).text();
      expect(again).to.contain(key).and.not.to.contain(secret);
      const revoked = await browser.postForm(`/admin/lrs/credentials/${key}/revoke`, { _csrf: csrfTokenFrom(again), confirm: 'yes' });
      expect(revoked.status).to.equal(303);
      expect((await t.xapi('/statements', { headers: { authorization: basic(key, secret) } })).status).to.equal(401);
      const log = (await t.database.db.execute(sql`select action from lrs_audit_log where subject = ${key} order by id`)) as unknown as { rows: Array<{ action: string }> };
      expect(log.rows.map((r) => r.action)).to.deep.equal(['credential.created', 'credential.revoked']);
    });

    it('shows errors in French and creates nothing without a name or a scope', async () => {
      const { browser } = await signIn(t, { isAdmin: true, role: 'organiser' });
      const html = await (await browser.get('/admin/lrs')).text();
      const before = ((await t.database.db.execute(sql`select count(*)::int as n from lrs_credentials`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
      const res = await browser.postForm('/admin/lrs/credentials', { _csrf: csrfTokenFrom(html), name: ' ' });
      expect(res.status).to.equal(400);
      const body = await res.text();
      expect(body).to.contain('Donnez un nom').and.to.contain('Cochez au moins un droit').and.to.contain('aria-invalid="true"');
      const after = ((await t.database.db.execute(sql`select count(*)::int as n from lrs_credentials`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n;
      expect(after).to.equal(before);
    });

    it('refuses non-administrators (403) and requests without CSRF token (403)', async () => {
      const { browser } = await signIn(t, { role: 'organiser' });
      expect((await browser.get('/admin/lrs')).status).to.equal(403);
      const admin = (await signIn(t, { isAdmin: true, role: 'organiser' })).browser;
      expect((await admin.postForm('/admin/lrs/credentials', { name: 'x', scopes: 'all' })).status).to.equal(403);
    });

    it('answers 404 when revoking an unknown key', async () => {
      const { browser } = await signIn(t, { isAdmin: true, role: 'organiser' });
      const html = await (await browser.get('/admin/lrs')).text();
      expect((await browser.postForm('/admin/lrs/credentials/000000000000000000000000/revoke', { _csrf: csrfTokenFrom(html) })).status).to.equal(404);
    });
  });
});
