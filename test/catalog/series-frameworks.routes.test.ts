import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import crcnEdu from '../../src/catalog/frameworks/crcn-edu.json';
import { getSession } from '../../src/catalog';
import { catalogCompetences, catalogFrameworks, catalogSeries } from '../../src/catalog/catalog.tables';
import { parseCsv } from '../../src/catalog/frameworks.service';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';
import { sessionForm } from './helpers';

async function importFile(browser: Browser, fields: Record<string, string>, file?: { name: string; text: string }, path = '/organiser/frameworks') {
  const csrf = csrfTokenFrom(await (await browser.get('/organiser/sessions/new')).text());
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.text]), file.name);
  return browser.request(`${path}?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: form });
}

async function competenceCodes(t: TestApp, frameworkId: string): Promise<string[]> {
  const rows = await t.database.db.select().from(catalogCompetences).where(eq(catalogCompetences.frameworkId, frameworkId)).orderBy(catalogCompetences.position);
  return rows.map((r) => r.code);
}

describe('catalog: series and competence frameworks', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('creates, edits and deletes a series of the course; sessions of a deleted series stay', async () => {
    const { browser, contextRef } = await signIn(t, { role: 'organiser', contextId: 'course-series' });
    let csrf = csrfTokenFrom(await (await browser.get('/organiser/series')).text());
    const created = await browser.postForm('/organiser/series', { title: 'Instants numériques 2026-2027', description: 'Saison 1', _csrf: csrf });
    expect(created.headers.get('location')).to.equal('/organiser/series?done=series_created');
    const [series] = await t.database.db.select().from(catalogSeries).where(eq(catalogSeries.ownerContextRef, contextRef!));
    expect(series).to.include({ title: 'Instants numériques 2026-2027', description: 'Saison 1' });
    expect(await (await browser.get('/organiser/series')).text()).to.contain('Instants numériques 2026-2027');

    csrf = csrfTokenFrom(await (await browser.get('/organiser/sessions/new')).text());
    const s = await browser.postForm('/organiser/sessions/new', { ...sessionForm({ seriesId: series!.id }), _csrf: csrf });
    const sessionId = s.headers.get('location')!.split('/')[3]!.split('?')[0]!;
    expect((await getSession(t.database.db, sessionId))!.seriesTitle).to.equal('Instants numériques 2026-2027');

    const edited = await browser.postForm(`/organiser/series/${series!.id}`, { title: 'Saison 2026-2027', description: '', _csrf: csrf });
    expect(edited.status).to.equal(303);
    expect((await getSession(t.database.db, sessionId))!.seriesTitle).to.equal('Saison 2026-2027');
    expect((await browser.postForm(`/organiser/series/${series!.id}/delete`, { _csrf: csrf })).status).to.equal(303);
    const after = await getSession(t.database.db, sessionId);
    expect(after).to.include({ seriesId: null, seriesTitle: null });
  });

  it('shows the series form again with a French message for an empty title, and creates nothing', async () => {
    const { browser, contextRef } = await signIn(t, { role: 'organiser', contextId: 'course-series-invalid' });
    const csrf = csrfTokenFrom(await (await browser.get('/organiser/series')).text());
    const res = await browser.postForm('/organiser/series', { title: '   ', description: 'x', _csrf: csrf });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.contain('id="title-error">Ce champ est obligatoire.').and.to.match(/id="title"[^>]*aria-describedby="title-error"/);
    expect(csrfTokenFrom(html)).to.equal(csrf);
    expect(await t.database.db.select().from(catalogSeries).where(eq(catalogSeries.ownerContextRef, contextRef!))).to.have.length(0);
  });

  it("forbids editing another course's series (403) and using it for a session", async () => {
    const owner = await signIn(t, { role: 'organiser', contextId: 'course-series-a' });
    let csrf = csrfTokenFrom(await (await owner.browser.get('/organiser/series')).text());
    await owner.browser.postForm('/organiser/series', { title: 'Série A', _csrf: csrf });
    const [series] = await t.database.db.select().from(catalogSeries).where(eq(catalogSeries.ownerContextRef, owner.contextRef!));
    const other = await signIn(t, { role: 'organiser', contextId: 'course-series-b' });
    csrf = csrfTokenFrom(await (await other.browser.get('/organiser/series')).text());
    expect((await other.browser.get(`/organiser/series/${series!.id}`)).status).to.equal(403);
    expect((await other.browser.postForm(`/organiser/series/${series!.id}`, { title: 'Volée', _csrf: csrf })).status).to.equal(403);
    expect((await other.browser.postForm(`/organiser/series/${series!.id}/delete`, { _csrf: csrf })).status).to.equal(403);
    const res = await other.browser.postForm('/organiser/sessions/new', { ...sessionForm({ seriesId: series!.id }), _csrf: csrf });
    expect(res.status).to.equal(400);
    expect(await other.browser.get('/organiser/series').then((r) => r.text())).not.to.contain('Série A');
    const [unchanged] = await t.database.db.select().from(catalogSeries).where(eq(catalogSeries.id, series!.id));
    expect(unchanged!.title).to.equal('Série A');
  });

  it('lists the shipped CRCN for organisers and keeps the import form to administrators', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-fw' });
    const html = await (await browser.get('/organiser/frameworks')).text();
    expect(html).to.contain('Cadre de référence des compétences numériques (CRCN)').and.to.contain('Protéger les données personnelles et la vie privée');
    expect(html).to.contain('Seul un administrateur de la plateforme peut importer un référentiel.');
    const res = await importFile(browser, { id: 'crcn-edu', title: 'CRCN Édu' }, { name: 'a.csv', text: 'code,domain,title\n1.1,D,T\n' });
    expect(res.status).to.equal(403);
    expect(await competenceCodes(t, 'crcn-edu')).to.deep.equal([]);
    const participant = await signIn(t, { role: 'participant' });
    expect((await participant.browser.get('/organiser/frameworks')).status).to.equal(403);
  });

  it('imports a framework from JSON, then offers its competences in the session form', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-fw-admin' });
    const res = await importFile(browser, { id: 'crcn-edu', title: 'CRCN Édu' }, { name: 'crcn-edu.json', text: JSON.stringify(crcnEdu) });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/organiser/frameworks?done=framework_imported&count=16');
    expect(await competenceCodes(t, 'crcn-edu')).to.deep.equal(crcnEdu.competences.map((c) => c.code));
    const [fw] = await t.database.db.select().from(catalogFrameworks).where(eq(catalogFrameworks.id, 'crcn-edu'));
    expect(fw).to.include({ title: 'CRCN Édu', isDefault: false });
    const form = await (await browser.get('/organiser/sessions/new')).text();
    expect(form).to.contain('value="crcn-edu:3.3"').and.to.contain('CRCN Édu — 3 Enseignement–Apprentissage');
  });

  it('imports a semicolon CSV with quotes and a BOM, and re-imports it to replace the list', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-fw-csv' });
    const csv = '\uFEFFcode;domain;title\r\nA1;"Domaine A";"Titre, avec ""virgule"""\r\nA2;Domaine A;Autre\r\n';
    expect((await importFile(browser, { id: 'maison', title: 'Référentiel maison' }, { name: 'maison.csv', text: csv })).status).to.equal(303);
    const rows = await t.database.db.select().from(catalogCompetences).where(eq(catalogCompetences.frameworkId, 'maison')).orderBy(catalogCompetences.position);
    expect(rows.map((r) => [r.code, r.domain, r.title])).to.deep.equal([
      ['A1', 'Domaine A', 'Titre, avec "virgule"'],
      ['A2', 'Domaine A', 'Autre'],
    ]);
    expect((await importFile(browser, { id: 'maison', title: 'Référentiel maison v2' }, { name: 'maison.csv', text: 'code,domain,title\nA2,Domaine A,Autre\nB1,Domaine B,Nouveau\n' })).status).to.equal(303);
    expect(await competenceCodes(t, 'maison')).to.deep.equal(['A2', 'B1']);
  });

  it('rejects bad framework files with line-numbered French messages and changes nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-fw-bad' });
    const cases: Array<[Record<string, string>, { name: string; text: string } | undefined, string]> = [
      [{ id: 'bad', title: 'X' }, { name: 'a.csv', text: 'code,titre\n1,x\n' }, "Ligne 1 : l&#x27;en-tête doit contenir les colonnes code, domain et title."],
      [{ id: 'bad', title: 'X' }, { name: 'a.csv', text: 'code,domain,title\n1.1,D,T\n1.1,D,U\n,D,V\n' }, 'Ligne 3 : le code 1.1 apparaît plusieurs fois.'],
      [{ id: 'bad', title: 'X' }, { name: 'a.csv', text: 'code,domain,title\n1.1,D,T\n,D,V\n' }, 'Ligne 3 : la colonne « code » est vide ou invalide.'],
      [{ id: 'bad', title: 'X' }, { name: 'a.json', text: '{"competences": [' }, "Le fichier n&#x27;est pas un JSON valide."],
      [{ id: 'bad', title: 'X' }, { name: 'a.json', text: '{"nope": 1}' }, 'Le fichier JSON doit contenir une liste de compétences.'],
      [{ id: 'bad', title: 'X' }, { name: 'a.json', text: '[]' }, 'Le fichier ne contient aucune compétence.'],
      [{ id: 'bad', title: 'X' }, { name: 'a.xlsx', text: 'PK' }, 'Le fichier doit être au format CSV (.csv) ou JSON (.json).'],
      [{ id: 'bad', title: 'X' }, undefined, 'Choisissez un fichier.'],
      [{ id: 'Mauvais Id!', title: 'X' }, { name: 'a.csv', text: 'code,domain,title\n1,D,T\n' }, 'Utilisez des lettres minuscules, des chiffres et des tirets'],
    ];
    for (const [fields, file, message] of cases) {
      const res = await importFile(browser, fields, file);
      expect(res.status, message).to.equal(400);
      expect(await res.text(), message).to.contain(message);
    }
    expect(await competenceCodes(t, 'bad')).to.deep.equal([]);
  });

  it('refuses a re-import that would drop a code sessions target (409), keeping the framework as it was', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-fw-used' });
    await importFile(browser, { id: 'used', title: 'Utilisé' }, { name: 'u.csv', text: 'code,domain,title\nU1,D,Un\nU2,D,Deux\n' });
    const csrf = csrfTokenFrom(await (await browser.get('/organiser/sessions/new')).text());
    const created = await browser.postForm('/organiser/sessions/new', { ...sessionForm({ competences: 'used:U1' }), _csrf: csrf });
    expect(created.status).to.equal(303);
    const res = await importFile(browser, { id: 'used', title: 'Utilisé v2' }, { name: 'u.csv', text: 'code,domain,title\nU2,D,Deux\n' });
    expect(res.status).to.equal(409);
    expect(await res.text()).to.contain('Ces codes sont visés par des sessions et doivent rester dans le référentiel : U1.');
    expect(await competenceCodes(t, 'used')).to.deep.equal(['U1', 'U2']);
    const [fw] = await t.database.db.select().from(catalogFrameworks).where(eq(catalogFrameworks.id, 'used'));
    expect(fw!.title).to.equal('Utilisé');
  });

  it('splits CSV cells with quotes, escaped quotes and line breaks inside quotes', () => {
    expect(parseCsv('a,b\n"x, y","he said ""hi"""\n"multi\nline",z')).to.deep.equal([
      ['a', 'b'],
      ['x, y', 'he said "hi"'],
      ['multi\nline', 'z'],
    ]);
  });
});
