import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { getSession } from '../../src/catalog';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { sessionForm } from './helpers';

async function post(browser: Browser, formPath: string, postPath: string, fields: Record<string, string | string[]>) {
  const page = await browser.get(formPath);
  const csrf = csrfTokenFrom(await page.text());
  return browser.postForm(postPath, { ...fields, _csrf: csrf });
}

async function countSessions(t: TestApp): Promise<number> {
  return (await t.database.db.select({ id: catalogSessions.id }).from(catalogSessions)).length;
}

describe('catalog: organiser session pages', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('creates a draft session from the form and shows it for editing, in Paris time', async () => {
    const { browser, contextRef, userId } = await signIn(t, { role: 'organiser', contextId: 'course-create' });
    const res = await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm());
    expect(res.status).to.equal(303);
    const location = res.headers.get('location')!;
    expect(location).to.match(/^\/organiser\/sessions\/[0-9a-f-]{36}\?done=created$/);
    const id = location.split('/')[3]!.split('?')[0]!;
    const s = await getSession(t.database.db, id);
    expect(s).to.include({ title: 'Cartographier avec OpenStreetMap', status: 'draft', ownerContextRef: contextRef, createdBy: userId, capacity: 30, format: 'in_person' });
    expect(s!.startsAt.toISOString()).to.equal('2030-01-10T11:15:00.000Z');
    expect(s!.endsAt.toISOString()).to.equal('2030-01-10T12:00:00.000Z');
    expect(s!.tags).to.deep.equal(['cartes', 'données ouvertes']);
    expect(s!.contributors).to.deep.equal(['Alex Durand', 'Sam Petit']);
    expect(s!.competences.map((c) => c.code)).to.deep.equal(['1.3', '2.3']);
    const page = await (await browser.get(location)).text();
    expect(page).to.contain('La session a été créée en brouillon.').and.to.contain('value="12:15"').and.to.contain('value="2030-01-10"');
    expect(page).to.contain(`href="/sessions/${id}?preview=1"`);
  });

  it('stores a summer session with the summer offset of Paris', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-summer' });
    const res = await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm({ date: '2030-07-04' }));
    const id = res.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    expect((await getSession(t.database.db, id))!.startsAt.toISOString()).to.equal('2030-07-04T10:15:00.000Z');
  });

  it('shows the form again with French messages next to each invalid field, and creates nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-invalid' });
    const before = await countSessions(t);
    const res = await post(
      browser,
      '/organiser/sessions/new',
      '/organiser/sessions/new',
      sessionForm({ title: '  ', date: '2030-02-30', endTime: '11:00', capacity: '-3', competences: [], format: 'remote', remoteUrl: 'javascript:alert(1)' }),
    );
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.contain('Le formulaire contient des erreurs');
    expect(html).to.match(/id="title"[^>]*aria-describedby="title-help title-error"/);
    expect(html).to.match(/class="form-control is-invalid" type="text" id="title"/);
    expect(html).to.contain('<div class="invalid-feedback d-block" id="title-error">Ce champ est obligatoire.</div>');
    expect(html).to.contain('id="capacity-error">Saisissez un nombre entier.');
    expect(html).to.contain('id="competences-error">Choisissez de 1 à 3 compétences.');
    expect(html).to.contain('id="remoteUrl-error">Saisissez une adresse web complète');
    expect(html).to.contain('Hall du rectorat');
    expect(await countSessions(t)).to.equal(before);
  });

  it('refuses an impossible date, an end before the start, four competences or an unknown one', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-invalid-2' });
    const before = await countSessions(t);
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ date: '2030-02-30' }, 'id="date-error">Saisissez une date valide'],
      [{ endTime: '12:00' }, 'id="endTime-error">L&#x27;heure de fin doit être après'],
      [{ competences: ['crcn:1.1', 'crcn:1.2', 'crcn:1.3', 'crcn:2.1'] }, 'id="competences-error">Choisissez de 1 à 3'],
      [{ competences: ['crcn:9.9'] }, 'id="competences-error">Choisissez une des valeurs'],
      [{ format: 'in_person', place: '' }, 'id="place-error">Indiquez le lieu'],
      [{ format: 'hybrid', remoteUrl: '' }, 'id="remoteUrl-error">Indiquez le lien de connexion'],
      [{ format: 'teleport' }, 'id="format-error">Choisissez une des valeurs'],
      [{ seriesId: '00000000-0000-4000-8000-000000000000' }, 'id="seriesId-error">Choisissez une des valeurs'],
      [{ title: 'x'.repeat(201) }, 'id="title-error">Ce texte est trop long.'],
    ];
    for (const [overrides, message] of cases) {
      const res = await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm(overrides));
      expect(res.status, JSON.stringify(overrides)).to.equal(400);
      expect(await res.text(), JSON.stringify(overrides)).to.contain(message);
    }
    expect(await countSessions(t)).to.equal(before);
  });

  it('creates one session when the same form is posted twice, one after the other or at the same instant', async () => {
    const { browser, contextRef } = await signIn(t, { role: 'organiser', contextId: 'course-double' });
    const html = await (await browser.get('/organiser/sessions/new')).text();
    const creationKey = /name="creationKey" value="([^"]+)"/.exec(html)![1]!;
    const fields = { ...sessionForm(), creationKey, _csrf: csrfTokenFrom(html) };
    const first = await browser.postForm('/organiser/sessions/new', fields);
    const second = await browser.postForm('/organiser/sessions/new', fields);
    expect(second.headers.get('location')).to.equal(first.headers.get('location'));
    const html2 = await (await browser.get('/organiser/sessions/new')).text();
    const key2 = /name="creationKey" value="([^"]+)"/.exec(html2)![1]!;
    expect(key2).not.to.equal(creationKey);
    const fields2 = { ...sessionForm({ title: 'Deuxième' }), creationKey: key2, _csrf: csrfTokenFrom(html2) };
    const both = await Promise.all([browser.postForm('/organiser/sessions/new', fields2), browser.postForm('/organiser/sessions/new', fields2)]);
    expect(both.map((r) => r.status)).to.deep.equal([303, 303]);
    expect(both[0]!.headers.get('location')).to.equal(both[1]!.headers.get('location'));
    const rows = await t.database.db.select().from(catalogSessions).where(eq(catalogSessions.ownerContextRef, contextRef!));
    expect(rows.map((r) => r.title).sort()).to.deep.equal(['Cartographier avec OpenStreetMap', 'Deuxième']);
  });

  it('refuses a form posted without its CSRF token, and creates nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-csrf' });
    const before = await countSessions(t);
    const res = await browser.postForm('/organiser/sessions/new', sessionForm());
    expect(res.status).to.equal(403);
    expect(await res.text()).to.contain('Le formulaire a expiré');
    expect(await countSessions(t)).to.equal(before);
  });

  it('keeps participants out of organiser pages (403) and asks others to launch from Moodle (401)', async () => {
    const { browser } = await signIn(t, { role: 'participant', contextId: 'course-create' });
    for (const path of ['/organiser', '/organiser/sessions/new']) {
      const res = await browser.get(path);
      expect(res.status, path).to.equal(403);
      expect(await res.text()).to.contain('Cette page est réservée aux personnes qui organisent les sessions');
    }
    const anonymous = await fetch(`${t.url}/organiser`, { headers: { accept: 'text/html' } });
    expect(anonymous.status).to.equal(401);
  });

  it("forbids an organiser of another course to see or change a session (403), and changes nothing", async () => {
    const owner = await signIn(t, { role: 'organiser', contextId: 'course-owner' });
    const res = await post(owner.browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm({ title: 'Session du cours A' }));
    const id = res.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    const other = await signIn(t, { role: 'organiser', contextId: 'course-intruder' });
    expect((await other.browser.get(`/organiser/sessions/${id}`)).status).to.equal(403);
    const csrf = csrfTokenFrom(await (await other.browser.get('/organiser/sessions/new')).text());
    expect((await other.browser.postForm(`/organiser/sessions/${id}`, { ...sessionForm({ title: 'Piratée' }), _csrf: csrf })).status).to.equal(403);
    expect((await other.browser.postForm(`/organiser/sessions/${id}/status`, { action: 'publish', _csrf: csrf })).status).to.equal(403);
    expect((await other.browser.postForm(`/organiser/sessions/${id}/duplicate`, { _csrf: csrf })).status).to.equal(403);
    const s = await getSession(t.database.db, id);
    expect(s).to.include({ title: 'Session du cours A', status: 'draft' });
    const list = await (await other.browser.get('/organiser')).text();
    expect(list).not.to.contain('Session du cours A');
    const admin = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-admin' });
    expect((await admin.browser.get(`/organiser/sessions/${id}`)).status).to.equal(200);
    expect(await (await admin.browser.get('/organiser')).text()).to.contain('Session du cours A');
  });

  it('tells an organiser launched outside a course to launch from one, and refuses creation there (403)', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: null });
    const home = await (await browser.get('/organiser')).text();
    expect(home).to.contain('lancez Instants depuis votre cours Moodle').and.not.to.contain('href="/organiser/sessions/new"');
    const before = await countSessions(t);
    const csrf = csrfTokenFrom(await (await browser.get('/organiser/sessions/new')).text());
    expect((await browser.postForm('/organiser/sessions/new', { ...sessionForm(), _csrf: csrf })).status).to.equal(403);
    expect(await countSessions(t)).to.equal(before);
  });

  it('shows the organiser pages in English for an English launch', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-english', locale: 'en' });
    const form = await (await browser.get('/organiser/sessions/new')).text();
    expect(form).to.contain('<html lang="en">').and.to.contain('Targeted competences').and.to.contain('Create the session');
    const res = await browser.postForm('/organiser/sessions/new', { ...sessionForm({ title: '' }), _csrf: csrfTokenFrom(form) });
    expect(await res.text()).to.contain('id="title-error">This field is required.');
  });

  it('answers 404 for an unknown or malformed session id', async () => {
    const { browser } = await signIn(t, { role: 'organiser' });
    expect((await browser.get('/organiser/sessions/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
    expect((await browser.get('/organiser/sessions/nope')).status).to.equal(404);
  });

  it('edits a session, then publishes, cancels with a reason, archives and reopens it', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-lifecycle' });
    const created = await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm());
    const id = created.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    const edited = await post(browser, `/organiser/sessions/${id}`, `/organiser/sessions/${id}`, sessionForm({ title: 'OpenStreetMap, 2e édition', competences: 'crcn:1.1', format: 'remote', place: '', remoteUrl: 'https://visio.education.fr/abc' }));
    expect(edited.status).to.equal(303);
    let s = await getSession(t.database.db, id);
    expect(s).to.include({ title: 'OpenStreetMap, 2e édition', format: 'remote', remoteUrl: 'https://visio.education.fr/abc', place: null });
    expect(s!.competences.map((c) => c.code)).to.deep.equal(['1.1']);
    const act = async (action: string, extra: Record<string, string> = {}) => post(browser, `/organiser/sessions/${id}`, `/organiser/sessions/${id}/status`, { action, ...extra });
    expect((await act('publish')).headers.get('location')).to.equal(`/organiser/sessions/${id}?done=published`);
    s = await getSession(t.database.db, id);
    expect(s!.status).to.equal('published');
    expect(s!.publishedAt).to.be.instanceOf(Date);
    await act('cancel', { reason: 'Intervenant malade' });
    s = await getSession(t.database.db, id);
    expect(s).to.include({ status: 'cancelled', cancelReason: 'Intervenant malade' });
    await act('archive');
    expect((await getSession(t.database.db, id))!.status).to.equal('archived');
    const frozen = await post(browser, `/organiser/sessions/${id}`, `/organiser/sessions/${id}`, sessionForm({ title: 'Changée' }));
    expect(frozen.status).to.equal(409);
    expect((await getSession(t.database.db, id))!.title).to.equal('OpenStreetMap, 2e édition');
    await act('reopen');
    expect((await getSession(t.database.db, id))).to.include({ status: 'draft', cancelReason: null });
  });

  it('refuses a status change the current status forbids (409) or an unknown action (400), changing nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-transitions' });
    const created = await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm());
    const id = created.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    const reopen = await post(browser, `/organiser/sessions/${id}`, `/organiser/sessions/${id}/status`, { action: 'reopen' });
    expect(reopen.status).to.equal(409);
    expect(await reopen.text()).to.contain("Ce changement de statut n&#x27;est pas possible");
    const bad = await post(browser, `/organiser/sessions/${id}`, `/organiser/sessions/${id}/status`, { action: 'explode' });
    expect(bad.status).to.equal(400);
    expect((await getSession(t.database.db, id))!.status).to.equal('draft');
  });

  it('duplicates a session as a draft copy with its competences', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-duplicate' });
    const created = await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm({ title: 'Tchap' }));
    const id = created.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    await post(browser, `/organiser/sessions/${id}`, `/organiser/sessions/${id}/status`, { action: 'publish' });
    const dup = await post(browser, `/organiser/sessions/${id}`, `/organiser/sessions/${id}/duplicate`, {});
    expect(dup.status).to.equal(303);
    const copyId = dup.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    expect(copyId).not.to.equal(id);
    const copy = await getSession(t.database.db, copyId);
    expect(copy).to.include({ title: 'Copie de Tchap', status: 'draft' });
    expect(copy!.competences.map((c) => c.code)).to.deep.equal(['1.3', '2.3']);
  });

  it('never lets script through the description: no <script>, no javascript: link on the page', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-xss' });
    const created = await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm({ description: 'Salut <script>alert("x")</script> [clic](javascript:alert(1)) <a href="javascript:alert(2)" onclick="x()">y</a> **ok**' }));
    const location = created.headers.get('location')!;
    const html = await (await browser.get(location)).text();
    expect(html).to.contain('<strong>ok</strong>');
    const preview = html.slice(html.indexOf('class="markdown"'));
    expect(preview).not.to.match(/<script>alert|href="javascript:|onclick=/);
    const [row] = await t.database.db.select().from(catalogSessions).where(eq(catalogSessions.id, location.split('/')[3]!.split('?')[0]!));
    expect(row!.descriptionMd).to.contain('<script>');
  });

  it('filters the organiser list by words and status', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-filter' });
    await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm({ title: 'Snapchat', tool: 'Snapchat' }));
    await post(browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm({ title: 'Twitter', tool: 'Twitter' }));
    const html = await (await browser.get('/organiser?q=snap&status=draft')).text();
    expect(html).to.contain('Snapchat').and.not.to.contain('>Twitter<');
    const none = await (await browser.get('/organiser?status=published')).text();
    expect(none).to.contain('Aucune session ne correspond à ces filtres.');
    expect((await browser.get('/organiser?status=bogus')).status).to.equal(200);
  });
});

describe('catalog: concurrent edits of a session', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('refuses to overwrite a change made since the form was shown (409), keeps what was typed, and saves on the second try', async () => {
    const a = await signIn(t, { role: 'organiser', contextId: 'course-concurrent' });
    const b = await signIn(t, { role: 'organiser', contextId: 'course-concurrent' });
    const created = await post(a.browser, '/organiser/sessions/new', '/organiser/sessions/new', sessionForm({ title: 'Version 0' }));
    const path = created.headers.get('location')!.split('?')[0]!;
    const id = path.split('/')[3]!;
    const pageA = await (await a.browser.get(path)).text();
    const pageB = await (await b.browser.get(path)).text();
    const version = (html: string) => /name="version" value="([^"]+)"/.exec(html)![1]!;
    t.clock.advance(1000);
    const saveB = await b.browser.postForm(path, { ...sessionForm({ title: 'Version B' }), version: version(pageB), _csrf: csrfTokenFrom(pageB) });
    expect(saveB.status).to.equal(303);
    t.clock.advance(1000);
    const saveA = await a.browser.postForm(path, { ...sessionForm({ title: 'Version A' }), version: version(pageA), _csrf: csrfTokenFrom(pageA) });
    expect(saveA.status).to.equal(409);
    const again = await saveA.text();
    expect(again).to.contain('Quelqu&#x27;un a modifié cette session').and.to.contain('value="Version A"');
    expect((await getSession(t.database.db, id))!.title).to.equal('Version B');
    const retry = await a.browser.postForm(path, { ...sessionForm({ title: 'Version A' }), version: version(again), _csrf: csrfTokenFrom(again) });
    expect(retry.status).to.equal(303);
    expect((await getSession(t.database.db, id))!.title).to.equal('Version A');
  });
});
