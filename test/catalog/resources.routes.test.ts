import { expect } from 'chai';
import { getSession, listSessionResources } from '../../src/catalog';
import { catalogFiles, catalogResources } from '../../src/catalog/catalog.tables';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { sessionForm } from './helpers';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\n'), Buffer.alloc(200, 0x20), Buffer.from('\n%%EOF\n')]);

/** Posts a multipart form the way the resources page does: the CSRF token in the action URL. */
async function postMultipart(browser: Browser, pagePath: string, fields: Record<string, string>, file?: { name: string; data: Buffer; type?: string }, token?: string | null) {
  const html = await (await browser.get(pagePath)).text();
  const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }), file.name);
  const target = token === null ? action!.split('?')[0]! : token ? `${action!.split('?')[0]}?_csrf=${token}` : action!;
  return browser.request(target, { method: 'POST', body: form });
}

async function counts(t: TestApp) {
  return {
    resources: (await t.database.db.select({ id: catalogResources.id }).from(catalogResources)).length,
    files: (await t.database.db.select({ id: catalogFiles.id }).from(catalogFiles)).length,
  };
}

describe('catalog: resources and uploads', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({ env: { UPLOAD_MAX_BYTES: '4096' } });
  });
  after(async () => t.close());

  async function newSession(contextId: string) {
    const signed = await signIn(t, { role: 'organiser', contextId });
    const csrf = csrfTokenFrom(await (await signed.browser.get('/organiser/sessions/new')).text());
    const res = await signed.browser.postForm('/organiser/sessions/new', { ...sessionForm(), _csrf: csrf });
    const id = res.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    return { ...signed, id, csrf, page: `/organiser/sessions/${id}/resources` };
  }

  it('adds, edits, reorders and deletes link resources', async () => {
    const { browser, id, page } = await newSession('course-res-links');
    const add = (title: string) => postMultipart(browser, page, { type: 'link', title, description: 'À lire', estimatedMinutes: '5', url: 'https://www.openstreetmap.org' });
    expect((await add('Site officiel')).status).to.equal(303);
    expect((await add('Tutoriel')).headers.get('location')).to.equal(`${page}?done=resource_added`);
    let list = await listSessionResources(t.database.db, id);
    expect(list.map((r) => r.title)).to.deep.equal(['Site officiel', 'Tutoriel']);
    expect(list[0]).to.include({ type: 'link', target: 'https://www.openstreetmap.org', estimatedMinutes: 5, description: 'À lire' });
    const html = await (await browser.get(page)).text();
    expect(html).to.contain('Site officiel').and.to.contain('5 min');

    const edited = await postMultipart(browser, `${page}/${list[1]!.id}`, { type: 'video', title: 'Tutoriel vidéo', description: '', estimatedMinutes: '', url: 'https://tube.ac-dijon.fr/v/1' });
    expect(edited.status).to.equal(303);
    const csrf = csrfTokenFrom(await (await browser.get(page)).text());
    expect((await browser.postForm(`${page}/${list[1]!.id}/move`, { direction: 'up', _csrf: csrf })).status).to.equal(303);
    list = await listSessionResources(t.database.db, id);
    expect(list.map((r) => r.title)).to.deep.equal(['Tutoriel vidéo', 'Site officiel']);
    expect(list[0]).to.include({ type: 'video', estimatedMinutes: null, target: 'https://tube.ac-dijon.fr/v/1' });
    expect((await browser.postForm(`${page}/${list[0]!.id}/move`, { direction: 'sideways', _csrf: csrf })).status).to.equal(400);
    expect((await browser.postForm(`${page}/${list[0]!.id}/delete`, { _csrf: csrf })).status).to.equal(303);
    expect((await listSessionResources(t.database.db, id)).map((r) => r.title)).to.deep.equal(['Site officiel']);
  });

  it('stores an uploaded PDF with its UTF-8 name and serves it back with safe headers', async () => {
    const { browser, id, page } = await newSession('course-res-pdf');
    const res = await postMultipart(browser, page, { type: 'slides', title: 'Diaporama', description: '', estimatedMinutes: '10', url: '' }, { name: 'Présentation été.pdf', data: PDF });
    expect(res.status).to.equal(303);
    const [resource] = await listSessionResources(t.database.db, id);
    expect(resource!.target).to.match(/^\/files\/[0-9a-f-]{36}$/);
    expect(resource!.file).to.deep.equal({ filename: 'Présentation été.pdf', contentType: 'application/pdf', sizeBytes: PDF.length });
    const file = await browser.get(resource!.target);
    expect(file.status).to.equal(200);
    expect(file.headers.get('content-type')).to.equal('application/pdf');
    expect(file.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(file.headers.get('content-disposition')).to.equal(`inline; filename="Pr_sentation _t_.pdf"; filename*=UTF-8''${encodeURIComponent('Présentation été.pdf')}`);
    expect(file.headers.get('content-security-policy')).to.contain("default-src 'none'");
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).to.equal(true);
    expect(file.headers.get('accept-ranges')).to.equal('bytes');
    const part = await browser.get(resource!.target, { headers: { range: 'bytes=0-7' } });
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.equal(`bytes 0-7/${PDF.length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).to.equal('%PDF-1.4');
    const tail = await browser.get(resource!.target, { headers: { range: 'bytes=-7' } });
    expect(Buffer.from(await tail.arrayBuffer()).toString('latin1')).to.equal('\n%%EOF\n');
    const bad = await browser.get(resource!.target, { headers: { range: `bytes=${PDF.length}-` } });
    expect(bad.status).to.equal(416);
    expect(bad.headers.get('content-range')).to.equal(`bytes */${PDF.length}`);
    const cached = await browser.get(resource!.target, { headers: { 'if-none-match': file.headers.get('etag')! } });
    expect(cached.status).to.equal(304);
  });

  it("keeps a draft's files from participants (404) and opens them once the session is published", async () => {
    const { browser, id, page, csrf } = await newSession('course-res-visibility');
    await postMultipart(browser, page, { type: 'document', title: 'Fiche', description: '', estimatedMinutes: '', url: '' }, { name: 'fiche.pdf', data: PDF });
    const [resource] = await listSessionResources(t.database.db, id);
    const participant = await signIn(t, { role: 'participant', contextId: 'course-res-visibility' });
    expect((await participant.browser.get(resource!.target)).status).to.equal(404);
    const otherOrganiser = await signIn(t, { role: 'organiser', contextId: 'course-res-elsewhere' });
    expect((await otherOrganiser.browser.get(resource!.target)).status).to.equal(404);
    expect((await fetch(`${t.url}${resource!.target}`, { headers: { accept: 'text/html' } })).status).to.equal(401);
    await browser.postForm(`/organiser/sessions/${id}/status`, { action: 'publish', _csrf: csrf });
    expect((await getSession(t.database.db, id))!.status).to.equal('published');
    expect((await participant.browser.get(resource!.target)).status).to.equal(200);
    expect((await participant.browser.get('/files/00000000-0000-4000-8000-000000000000')).status).to.equal(404);
    expect((await participant.browser.get('/files/../etc/passwd')).status).to.equal(404);
  });

  it('rejects a file over the size limit with a French message and stores nothing (413)', async () => {
    const { browser, page } = await newSession('course-res-big');
    const before = await counts(t);
    const big = Buffer.concat([PDF, Buffer.alloc(5000, 0x20)]);
    const res = await postMultipart(browser, page, { type: 'document', title: 'Trop gros', description: '', estimatedMinutes: '', url: '' }, { name: 'gros.pdf', data: big });
    expect(res.status).to.equal(413);
    const html = await res.text();
    expect(html).to.contain('id="file-error">Le fichier est trop volumineux (4 Ko au plus).');
    expect(html).to.match(/id="file"[^>]*aria-describedby="file-help file-error"/);
    expect(await counts(t)).to.deep.equal(before);
  });

  it('rejects refused types and disguised files with a French message and stores nothing', async () => {
    const { browser, page } = await newSession('course-res-types');
    const before = await counts(t);
    const cases = [
      { name: 'page.html', data: Buffer.from('<html><script>alert(1)</script></html>') },
      { name: 'image.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
      { name: 'faux.pdf', data: Buffer.from('<html><script>alert(1)</script></html>') },
      { name: 'setup.exe', data: Buffer.from('MZ\x90\x00') },
      { name: 'sans-extension', data: PDF },
    ];
    for (const file of cases) {
      const res = await postMultipart(browser, page, { type: 'document', title: 'Piège', description: '', estimatedMinutes: '', url: '' }, file);
      expect(res.status, file.name).to.equal(400);
      expect(await res.text(), file.name).to.contain('Ce type de fichier n&#x27;est pas accepté');
    }
    expect(await counts(t)).to.deep.equal(before);
  });

  it('requires exactly one of a link or a file, a title and a known type; nothing is stored', async () => {
    const { browser, page } = await newSession('course-res-fields');
    const before = await counts(t);
    const both = await postMultipart(browser, page, { type: 'document', title: 'Les deux', description: '', estimatedMinutes: '', url: 'https://example.org' }, { name: 'a.pdf', data: PDF });
    expect(both.status).to.equal(400);
    expect(await both.text()).to.contain('id="url-error">Indiquez soit un lien, soit un fichier');
    const neither = await postMultipart(browser, page, { type: 'link', title: 'Rien', description: '', estimatedMinutes: '', url: '' });
    expect(neither.status).to.equal(400);
    const bad = await postMultipart(browser, page, { type: 'podcast', title: '', description: '', estimatedMinutes: '9999', url: 'javascript:alert(1)' });
    expect(bad.status).to.equal(400);
    const html = await bad.text();
    expect(html).to.contain('id="type-error">Choisissez une des valeurs').and.to.contain('id="resource-title-error">Ce champ est obligatoire.');
    expect(html).to.contain('id="estimatedMinutes-error">Ce nombre est hors des limites').and.to.contain('id="url-error">Saisissez une adresse web complète');
    expect(await counts(t)).to.deep.equal(before);
  });

  it('keeps the resources of an archived session read-only (409) and stores nothing', async () => {
    const { browser, id, page, csrf } = await newSession('course-res-archived');
    await postMultipart(browser, page, { type: 'link', title: 'Avant', description: '', estimatedMinutes: '', url: 'https://example.org' });
    const [resource] = await listSessionResources(t.database.db, id);
    await browser.postForm(`/organiser/sessions/${id}/status`, { action: 'archive', _csrf: csrf });
    const before = await counts(t);
    const form = new FormData();
    form.append('type', 'link');
    form.append('title', 'Après');
    form.append('url', 'https://example.org/2');
    expect((await browser.request(`${page}?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: form })).status).to.equal(409);
    expect((await browser.postForm(`${page}/${resource!.id}/delete`, { _csrf: csrf })).status).to.equal(409);
    expect(await counts(t)).to.deep.equal(before);
    expect(await (await browser.get(page)).text()).to.contain('Une session archivée ne peut plus être modifiée');
  });

  it('answers 400 to a malformed upload (two files, an unexpected file field) and stores nothing', async () => {
    const { browser, page, csrf } = await newSession('course-res-malformed');
    const before = await counts(t);
    const two = new FormData();
    two.append('type', 'document');
    two.append('title', 'Deux fichiers');
    two.append('file', new Blob([new Uint8Array(PDF)]), 'a.pdf');
    two.append('file', new Blob([new Uint8Array(PDF)]), 'b.pdf');
    expect((await browser.request(`${page}?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: two })).status).to.equal(400);
    const other = new FormData();
    other.append('type', 'document');
    other.append('title', 'Autre champ');
    other.append('attachment', new Blob([new Uint8Array(PDF)]), 'a.pdf');
    expect((await browser.request(`${page}?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: other })).status).to.equal(400);
    expect(await counts(t)).to.deep.equal(before);
  });

  it("answers 404 for a resource reached through another session's address, changing nothing", async () => {
    const a = await newSession('course-res-mix');
    await postMultipart(a.browser, a.page, { type: 'link', title: 'De A', description: '', estimatedMinutes: '', url: 'https://example.org' });
    const [resource] = await listSessionResources(t.database.db, a.id);
    const csrf = csrfTokenFrom(await (await a.browser.get('/organiser/sessions/new')).text());
    const other = await a.browser.postForm('/organiser/sessions/new', { ...sessionForm({ title: 'B' }), _csrf: csrf });
    const otherPage = `/organiser/sessions/${other.headers.get('location')!.split('/')[3]!.split('?')[0]!}/resources`;
    expect((await a.browser.get(`${otherPage}/${resource!.id}`)).status).to.equal(404);
    expect((await a.browser.postForm(`${otherPage}/${resource!.id}/delete`, { _csrf: csrf })).status).to.equal(404);
    expect((await a.browser.get(`${a.page}/not-a-uuid`)).status).to.equal(404);
    expect((await listSessionResources(t.database.db, a.id)).map((r) => r.title)).to.deep.equal(['De A']);
  });

  it('refuses an upload without its CSRF token (403) and stores nothing', async () => {
    const { browser, page } = await newSession('course-res-csrf');
    const before = await counts(t);
    const res = await postMultipart(browser, page, { type: 'document', title: 'x', description: '', estimatedMinutes: '', url: '' }, { name: 'a.pdf', data: PDF }, null);
    expect(res.status).to.equal(403);
    const forged = await postMultipart(browser, page, { type: 'document', title: 'x', description: '', estimatedMinutes: '', url: '' }, { name: 'a.pdf', data: PDF }, 'forged-token');
    expect(forged.status).to.equal(403);
    expect(await counts(t)).to.deep.equal(before);
  });

  it("forbids another course's organiser to list or add resources (403), and stores nothing", async () => {
    const { page } = await newSession('course-res-owner');
    const other = await signIn(t, { role: 'organiser', contextId: 'course-res-other' });
    expect((await other.browser.get(page)).status).to.equal(403);
    const before = await counts(t);
    const csrf = csrfTokenFrom(await (await other.browser.get('/organiser/sessions/new')).text());
    const form = new FormData();
    form.append('type', 'link');
    form.append('title', 'Intrus');
    form.append('url', 'https://example.org');
    const res = await other.browser.request(`${page}?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: form });
    expect(res.status).to.equal(403);
    expect(await counts(t)).to.deep.equal(before);
  });

  it('copies resources with a duplicated session, sharing the uploaded file, and keeps it while one uses it', async () => {
    const { browser, id, page, csrf } = await newSession('course-res-dup');
    await postMultipart(browser, page, { type: 'document', title: 'Fiche', description: '', estimatedMinutes: '', url: '' }, { name: 'fiche.pdf', data: PDF });
    const dup = await browser.postForm(`/organiser/sessions/${id}/duplicate`, { _csrf: csrf });
    const copyId = dup.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    const [original] = await listSessionResources(t.database.db, id);
    const [copy] = await listSessionResources(t.database.db, copyId);
    expect(copy!.target).to.equal(original!.target);
    await browser.postForm(`${page}/${original!.id}/delete`, { _csrf: csrf });
    expect((await browser.get(copy!.target)).status).to.equal(200);
  });
});
