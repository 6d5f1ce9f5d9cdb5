import { expect } from 'chai';
import { sessionForm } from '../catalog/helpers';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom, type Browser } from '../support/http';
import { tableCounts } from '../support/table-counts';

/** Posts a multipart form with its CSRF token in the action URL, as the upload pages do. */
async function postMultipart(browser: Browser, path: string, fields: Record<string, string>, file?: { name: string; text: string }) {
  const csrf = csrfTokenFrom(await (await browser.get('/organiser/sessions/new')).text());
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file.text]), file.name);
  return browser.request(`${path}?_csrf=${encodeURIComponent(csrf)}`, { method: 'POST', body: form });
}

describe('platform: input hygiene at the edges (HTTP)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('answers 400 naming the field for U+0000 in the search of /organiser, /catalogue and dashboard filters, in French', async () => {
    const organiser = await signIn(t, { role: 'organiser', contextId: 'course-hyg-q' });
    const participant = await signIn(t, { contextId: 'course-hyg-q' });
    for (const [browser, path, field] of [
      [organiser.browser, '/organiser?q=%00', 'q'],
      [participant.browser, '/catalogue?q=a%00b', 'q'],
      [organiser.browser, '/organiser/dashboard?service=%00', 'service'],
      [organiser.browser, '/organiser/dashboard/needs?course=x%00', 'course'],
    ] as const) {
      const res = await browser.get(path);
      expect(res.status, path).to.equal(400);
      const html = await res.text();
      expect(html, path).to.contain(`<code>${field}</code>`).and.to.contain('caractère nul');
    }
  });

  it('answers JSON 400 with the field path to JSON clients, for a lone surrogate in a JSON body', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-hyg-json' });
    const res = await browser.request('/organiser/dashboard/competences/targets', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{"targets":[{"code":"\\ud800"}]}',
    });
    expect(res.status).to.equal(400);
    const body = (await res.json()) as { error: { code: string; details: { path: string; message: string }[] } };
    expect(body.error.code).to.equal('validation_failed');
    expect(body.error.details[0]).to.deep.equal({ path: 'targets.0.code', message: 'must be well-formed Unicode (lone surrogate)' });
  });

  it('refuses a JSON body nested 10 000 deep and a __proto__ key with 400, and the process keeps answering', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-hyg-deep' });
    const post = (body: string) =>
      browser.request('/organiser/dashboard/competences/targets', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    const deep = await post(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(deep.status).to.equal(400);
    expect(((await deep.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).to.match(/^a(\.0)+$/);
    const proto = await post('{"x":{"__proto__":{"isAdmin":true}}}');
    expect(proto.status).to.equal(400);
    expect(((await proto.json()) as { error: { details: { path: string }[] } }).error.details[0]!.path).to.equal('x.__proto__');
    expect((await fetch(`${t.url}/healthz`)).status).to.equal(200);
  });

  it('refuses U+0000 in a path segment and an undecodable path with 400', async () => {
    const { browser } = await signIn(t, { contextId: 'course-hyg-path' });
    expect((await browser.get('/sessions/%00')).status).to.equal(400);
    expect((await browser.get('/sessions/%ED%A0%80')).status).to.equal(400);
  });

  it('refuses a session form with U+0000 in the title with 400 and writes nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'course-hyg-form' });
    const csrf = csrfTokenFrom(await (await browser.get('/organiser/sessions/new')).text());
    const before = await tableCounts(t.database.db);
    const res = await browser.postForm('/organiser/sessions/new', { ...sessionForm({ title: 'Atelier\u0000' }), _csrf: csrf });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain('<code>title</code>');
    expect(await tableCounts(t.database.db)).to.deep.equal(before);
  });

  it('refuses multipart fields and file names with U+0000 (read after multer) with 400 and writes nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-hyg-multipart' });
    const csv = { name: 'ok.csv', text: 'code,domain,title\nA1,Domaine,Titre\n' };
    const before = await tableCounts(t.database.db);
    const field = await postMultipart(browser, '/organiser/frameworks', { id: 'hyg', title: 'Réf\u0000' }, csv);
    expect(field.status).to.equal(400);
    const name = await postMultipart(browser, '/organiser/frameworks', { id: 'hyg', title: 'Réf' }, { ...csv, name: 'a\u0000.csv' });
    expect(name.status).to.equal(400);
    expect(await tableCounts(t.database.db)).to.deep.equal(before);
  });

  it('refuses an imported framework whose JSON or CSV holds U+0000 or a lone surrogate, naming the line, and writes nothing', async () => {
    const { browser } = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-hyg-import' });
    const before = await tableCounts(t.database.db);
    const json = await postMultipart(browser, '/organiser/frameworks', { id: 'hyg-json', title: 'Réf' }, { name: 'f.json', text: '[{"code":"A1","domain":"D","title":"T\\ud800"}]' });
    expect(json.status).to.equal(400);
    expect(await json.text()).to.contain('Ligne 1');
    const csv = await postMultipart(browser, '/organiser/frameworks', { id: 'hyg-csv', title: 'Réf' }, { name: 'f.csv', text: 'code,domain,title\nA1,D\u0000,T\n' });
    expect(csv.status).to.equal(400);
    expect(await csv.text()).to.contain('Ligne 2');
    expect(await tableCounts(t.database.db)).to.deep.equal(before);
  });
});
