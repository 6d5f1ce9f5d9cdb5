import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { checkA11y, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { csrfTokenFrom, type Browser } from '../support/http';
import { basic } from './support';

/** /admin/lrs as an administrator reads it: whole sentences, Paris dates, and a revocation that asks first. */
describe('lrs: the /admin/lrs page', () => {
  let t: TestApp;
  let admin: Browser;
  before(async () => {
    // 06:39 UTC on 1 December 2026 is 07:39 in Paris.
    t = await createTestApp({ clock: new TestClock(new Date('2026-12-01T06:39:00Z')) });
    admin = (await signIn(t, { isAdmin: true, role: 'organiser' })).browser;
  });
  after(async () => t.close());

  async function create(name: string, lang = 'fr'): Promise<{ key: string; secret: string; html: string }> {
    const html = await (await admin.get(`/admin/lrs?lang=${lang}`)).text();
    const res = await admin.postForm('/admin/lrs/credentials', { _csrf: csrfTokenFrom(html), name, scopes: ['statements/read'] });
    expect(res.status).to.equal(201);
    const body = await res.text();
    return { key: /id="created-key">([0-9a-f]+)</.exec(body)![1]!, secret: /id="created-secret">([^<]+)</.exec(body)![1]!, html: body };
  }
  const canRead = async (key: string, secret: string) => (await fetch(`${t.url}/xapi/statements`, { headers: { authorization: basic(key, secret), 'x-experience-api-version': '1.0.3' } })).status;
  const revokedAt = async (key: string) =>
    ((await t.database.db.execute(sql`select revoked_at from lrs_credentials where key = ${key}`)) as unknown as { rows: Array<{ revoked_at: unknown }> }).rows[0]!.revoked_at;

  it('names the new credential in a whole sentence, in French and in English (no template braces)', async () => {
    const fr = await create('Tableau académique');
    expect(fr.html).to.contain('Identifiant « Tableau académique » créé').and.not.to.match(/\{[^}]*Tableau/);
    await admin.get('/admin/lrs?lang=en');
    const en = await create('Academy dashboard', 'en');
    expect(en.html).to.contain('Credential “Academy dashboard” created').and.not.to.match(/\{[^}]*Academy/);
    await admin.get('/admin/lrs?lang=fr');
  });

  it('asks before revoking: the first button changes nothing and explains, the second revokes', async () => {
    const { key, secret } = await create('Outil à révoquer');
    const page = await (await admin.get('/admin/lrs')).text();
    const asked = await admin.postForm(`/admin/lrs/credentials/${key}/revoke`, { _csrf: csrfTokenFrom(page) });
    expect(asked.status).to.equal(200);
    const question = await asked.text();
    expect(question).to.contain('Révoquer l&#x27;identifiant « Outil à révoquer » ?').and.to.contain('ne pourront plus lire ni écrire');
    expect(question).to.contain('name="confirm" value="yes"').and.to.contain('href="/admin/lrs"');
    expect(await revokedAt(key)).to.equal(null);
    expect(await canRead(key, secret)).to.equal(200);

    const done = await admin.postForm(`/admin/lrs/credentials/${key}/revoke`, { _csrf: csrfTokenFrom(question), confirm: 'yes' });
    expect(done.status).to.equal(303);
    expect(done.headers.get('location')).to.equal(`/admin/lrs?revoked=${key}`);
    expect(await canRead(key, secret)).to.equal(401);
    const after = await (await admin.get(done.headers.get('location')!)).text();
    expect(after).to.contain('Identifiant « Outil à révoquer » révoqué.');
    // Paris time, readable: not the UTC ISO form.
    expect(after).to.contain('Révoqué le 1er décembre 2026 à 07:39').and.not.to.contain('2026-12-01 06:39');
    const en = await (await admin.get('/admin/lrs?lang=en')).text();
    expect(en).to.contain('Revoked on 1 December 2026, 07:39');
    await admin.get('/admin/lrs?lang=fr');
  });

  it('shows no revocation notice for a key that is still active, whatever the address says', async () => {
    const { key } = await create('Toujours actif');
    const html = await (await admin.get(`/admin/lrs?revoked=${key}`)).text();
    expect(html).not.to.contain('révoqué.');
    expect(await revokedAt(key)).to.equal(null);
  });

  it('answers 400 for a malformed key and 404 for an unknown or already revoked one, asking or confirming, changing nothing', async () => {
    const { key } = await create('Déjà révoqué');
    let html = await (await admin.get('/admin/lrs')).text();
    expect((await admin.postForm(`/admin/lrs/credentials/${key}/revoke`, { _csrf: csrfTokenFrom(html), confirm: 'yes' })).status).to.equal(303);
    const before = await revokedAt(key);
    html = await (await admin.get('/admin/lrs')).text();
    for (const confirm of [undefined, 'yes']) {
      const fields = { _csrf: csrfTokenFrom(html), ...(confirm ? { confirm } : {}) };
      const bad = await admin.postForm('/admin/lrs/credentials/not-a-key/revoke', fields);
      expect(bad.status).to.equal(400);
      expect(await bad.text()).to.contain('<html lang="fr"');
      expect((await admin.postForm('/admin/lrs/credentials/000000000000000000000000/revoke', fields)).status).to.equal(404);
      expect((await admin.postForm(`/admin/lrs/credentials/${key}/revoke`, fields)).status).to.equal(404);
    }
    expect(await revokedAt(key)).to.deep.equal(before);
  });

  it('refuses the revocation to an organiser who is not an administrator (403), revoking nothing', async () => {
    const { key } = await create('Protégé');
    const organiser = (await signIn(t, { role: 'organiser' })).browser;
    // A valid CSRF token of their own (from a form they may use), so that only the access policy refuses.
    const token = csrfTokenFrom(await (await organiser.get('/organiser/sessions/new')).text());
    expect((await organiser.postForm(`/admin/lrs/credentials/${key}/revoke`, { _csrf: token, confirm: 'yes' })).status).to.equal(403);
    expect(await revokedAt(key)).to.equal(null);
  });

  it('fits a 360 px screen without sideways scrolling and passes axe, the list and the question (chromium)', async function () {
    this.timeout(120_000);
    const { key } = await create('Un identifiant au nom assez long pour tester le retour à la ligne');
    await withPage(
      t,
      async (page) => {
        await page.setViewportSize({ width: 360, height: 740 });
        await page.goto('/admin/lrs');
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(360);
        expect(await checkA11y(page)).to.deep.equal([]);
        await page.locator(`form[action="/admin/lrs/credentials/${key}/revoke"] button`).click();
        await page.waitForSelector('input[name="confirm"]', { state: 'attached' });
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(360);
        expect(await checkA11y(page)).to.deep.equal([]);
        await page.getByRole('link', { name: 'Annuler' }).click();
        await page.waitForURL('**/admin/lrs');
      },
      { signedIn: admin },
    );
    expect(await revokedAt(key)).to.equal(null);
  });
});
