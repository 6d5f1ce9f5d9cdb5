import { expect } from 'chai';
import { count, eq } from 'drizzle-orm';
import { fabriqueHistory, fabriqueProjects, fabriqueSupports } from '../../src/fabrique/fabrique.tables';
import { lrsStatements } from '../../src/lrs/lrs.tables';
import { createTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/http';
import { idFrom, person, post, proposal } from './helpers';

describe('fabrique: proposals over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  const projects = async () => (await t.database.db.select({ n: count() }).from(fabriqueProjects))[0]!.n;

  it('creates a proposal from the form, records its history and a "proposed" statement, and shows it', async () => {
    const p = await person(t, { name: 'Camille Martin', givenName: 'Camille', service: 'DANE' });
    const res = await post(p.browser, '/fabrique/proposals/new', { ...proposal(), creationKey: crypto.randomUUID() }, '/fabrique/proposals/new');
    expect(res.status).to.equal(303);
    const id = idFrom(res.headers.get('location'));
    const page = await (await p.browser.get(`/fabrique/projects/${id}?done=proposed`)).text();
    expect(page).to.contain('Une webradio académique').and.to.contain('Proposition enregistrée').and.to.contain('0 soutien');
    const history = await t.database.db.select().from(fabriqueHistory).where(eq(fabriqueHistory.projectId, id));
    expect(history.map((h) => h.action)).to.deep.equal(['proposed']);
    const statements = await t.database.db.select({ verb: lrsStatements.verbId }).from(lrsStatements).where(eq(lrsStatements.objectActivityId, `${t.config.xapi.baseIri}/fabrique/projects/${id}`));
    expect(statements.map((s) => s.verb)).to.deep.equal(['http://activitystrea.ms/schema/1.0/submit']);
  });

  it('creates one proposal when the same form is posted twice', async () => {
    const p = await person(t);
    const key = crypto.randomUUID();
    const before = await projects();
    const a = await post(p.browser, '/fabrique/proposals/new', { ...proposal({ title: 'Deux fois le même' }), creationKey: key }, '/fabrique/proposals/new');
    const b = await post(p.browser, '/fabrique/proposals/new', { ...proposal({ title: 'Deux fois le même' }), creationKey: key }, '/fabrique/proposals/new');
    expect(idFrom(a.headers.get('location'))).to.equal(idFrom(b.headers.get('location')));
    expect(await projects()).to.equal(before + 1);
  });

  it('shows the form again with French messages beside each invalid field, and creates nothing', async () => {
    const p = await person(t);
    const before = await projects();
    const res = await post(p.browser, '/fabrique/proposals/new', proposal({ title: 'ab', problem: '   ', outcome: 'x'.repeat(3001) }), '/fabrique/proposals/new');
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.contain('id="title-error"').and.to.contain('Le titre doit faire au moins 3 caractères.');
    expect(html).to.contain('id="problem-error"').and.to.contain('Ce champ est obligatoire.');
    expect(html).to.contain('id="outcome-error"').and.to.contain('Ce texte est trop long.');
    expect(html).to.contain('value="ab"');
    expect(await projects()).to.equal(before);
  });

  it('prefills the proposal from an emerging need and keeps where it came from', async () => {
    const p = await person(t);
    const form = await (await p.browser.get('/fabrique/proposals/new?needType=tool&needLabel=Tchap&needKey=tchap')).text();
    expect(form).to.contain('Cette proposition part du besoin émergent « Tchap ».').and.to.contain('value="Répondre au besoin : Tchap"');
    const res = await post(p.browser, '/fabrique/proposals/new', proposal({ title: 'Répondre au besoin : Tchap', needType: 'tool', needLabel: 'Tchap', needKey: 'tchap' }), '/fabrique/proposals/new');
    const [row] = await t.database.db.select().from(fabriqueProjects).where(eq(fabriqueProjects.id, idFrom(res.headers.get('location'))));
    expect(row!.fromNeed).to.deep.equal({ type: 'tool', label: 'Tchap', key: 'tchap' });
  });

  it('suggests similar proposals while typing (pg_trgm), and nothing for a short or unrelated title', async () => {
    const p = await person(t);
    await post(p.browser, '/fabrique/proposals/new', proposal({ title: 'Radio web des collèges' }), '/fabrique/proposals/new');
    const similar = await (await p.browser.get('/fabrique/proposals/similar?title=radio%20web', { headers: { accept: 'application/json' } })).json();
    expect(similar.similar.map((s: { title: string }) => s.title)).to.include('Radio web des collèges');
    const none = await (await p.browser.get('/fabrique/proposals/similar?title=zzzzqqqq', { headers: { accept: 'application/json' } })).json();
    expect(none.similar).to.deep.equal([]);
    const short = await (await p.browser.get('/fabrique/proposals/similar?title=ra', { headers: { accept: 'application/json' } })).json();
    expect(short.similar).to.deep.equal([]);
  });

  it('counts one "me too" per colleague, refuses the proposer\'s own support with 409, and records a statement', async () => {
    const proposer = await person(t);
    const res = await post(proposer.browser, '/fabrique/proposals/new', proposal({ title: 'Soutiens multiples' }), '/fabrique/proposals/new');
    const id = idFrom(res.headers.get('location'));
    const colleague = await person(t);
    expect((await post(colleague.browser, `/fabrique/projects/${id}/support`, {})).status).to.equal(303);
    expect((await post(colleague.browser, `/fabrique/projects/${id}/support`, {})).status).to.equal(303);
    const own = await post(proposer.browser, `/fabrique/projects/${id}/support`, {});
    expect(own.status).to.equal(409);
    expect(await own.text()).to.contain('Vous ne pouvez pas soutenir votre propre proposition.');
    expect((await t.database.db.select({ n: count() }).from(fabriqueSupports).where(eq(fabriqueSupports.projectId, id)))[0]!.n).to.equal(1);
    expect(await (await colleague.browser.get(`/fabrique/projects/${id}`)).text()).to.contain('1 soutien').and.to.contain('Vous soutenez cette proposition.');
  });

  it('publishes comments, refuses an empty one with 400, and answers 404 for an unknown or malformed project', async () => {
    const p = await person(t);
    const res = await post(p.browser, '/fabrique/proposals/new', proposal({ title: 'Commentaires' }), '/fabrique/proposals/new');
    const id = idFrom(res.headers.get('location'));
    expect((await post(p.browser, `/fabrique/projects/${id}/comments`, { body: 'Bonne idée <script>alert(1)</script>' })).status).to.equal(303);
    const page = await (await p.browser.get(`/fabrique/projects/${id}`)).text();
    expect(page).to.contain('Bonne idée &lt;script&gt;').and.not.to.contain('<script>alert(1)');
    const empty = await post(p.browser, `/fabrique/projects/${id}/comments`, { body: '  ' });
    expect(empty.status).to.equal(400);
    expect(await empty.text()).to.contain('id="comment-body-error"').and.to.contain('Ce champ est obligatoire.');
    expect((await p.browser.get('/fabrique/projects/not-a-uuid')).status).to.equal(404);
    expect((await p.browser.get(`/fabrique/projects/${crypto.randomUUID()}`)).status).to.equal(404);
  });

  it('asks for a launch (401) on every Fabrique page for someone not launched', async () => {
    const anonymous = new Browser(t.url);
    for (const path of ['/fabrique', '/fabrique/proposals', '/fabrique/board', '/fabrique/me/directory', '/fabrique/committee', '/fabrique/directory']) {
      expect((await anonymous.get(path)).status, path).to.equal(401);
    }
  });
});
