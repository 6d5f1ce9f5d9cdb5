import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { fabriqueCommittee, fabriqueDeliverables, fabriqueHistory, fabriqueProjects, fabriqueReviews } from '../../src/fabrique/fabrique.tables';
import { lrsStatements } from '../../src/lrs/lrs.tables';
import { createTestApp, type TestApp } from '../support/app';
import { framing, idFrom, person, post, proposal, type Person } from './helpers';

describe('fabrique: the steering committee over HTTP', () => {
  let t: TestApp;
  let admin: Person;
  before(async () => {
    t = await createTestApp();
    admin = await person(t, { role: 'organiser', isAdmin: true, name: 'Dominique Recteur' });
  });
  after(async () => t.close());

  const project = async (id: string) => (await t.database.db.select().from(fabriqueProjects).where(eq(fabriqueProjects.id, id)))[0]!;
  const propose = async (p: Person, title = 'Projet du comité') => idFrom((await post(p.browser, '/fabrique/proposals/new', proposal({ title }))).headers.get('location'));
  const history = async (id: string) => (await t.database.db.select().from(fabriqueHistory).where(eq(fabriqueHistory.projectId, id))).map((h) => [h.action, h.reason]);

  it('lets an LTI administrator decline a proposal with a reason that the proposer then reads, recorded in the history and as a statement', async () => {
    const proposer = await person(t);
    const id = await propose(proposer);
    const res = await post(admin.browser, `/fabrique/projects/${id}/decision`, { decision: 'decline', reason: 'Déjà couvert par la DSI.', version: '1' }, `/fabrique/projects/${id}`);
    expect(res.status).to.equal(303);
    expect((await project(id)).stage).to.equal('declined');
    const page = await (await proposer.browser.get(`/fabrique/projects/${id}`)).text();
    expect(page).to.contain('Non retenue par le comité le').and.to.contain('Déjà couvert par la DSI.');
    expect(await history(id)).to.deep.include(['declined', 'Déjà couvert par la DSI.']);
    const verbs = (await t.database.db.select({ v: lrsStatements.verbId }).from(lrsStatements)).map((s) => s.v);
    expect(verbs).to.include('http://activitystrea.ms/schema/1.0/reject');
  });

  it('refuses the committee routes to a colleague who is not on the committee (403 in French), and changes nothing', async () => {
    const proposer = await person(t);
    const id = await propose(proposer);
    const colleague = await person(t, { role: 'organiser' });
    for (const path of [`/fabrique/projects/${id}/framing`, `/fabrique/projects/${id}/review`, `/fabrique/projects/${id}/sheet`, '/fabrique/committee']) {
      const res = await colleague.browser.get(path);
      expect(res.status, path).to.equal(403);
      expect(await res.text(), path).to.contain('réservée au comité de pilotage');
    }
    const res = await post(colleague.browser, `/fabrique/projects/${id}/decision`, { decision: 'select', reason: 'Je me sélectionne', version: '1' });
    expect(res.status).to.equal(403);
    expect((await project(id)).stage).to.equal('proposed');
  });

  it('lets a person named by an administrator act as committee, but never select their own proposal', async () => {
    const member = await person(t, { name: 'Alex Comité' });
    const named = await post(admin.browser, '/fabrique/committee/members', { userId: member.userId }, '/fabrique/committee/members?q=Alex');
    expect(named.status).to.equal(303);
    expect(await t.database.db.select().from(fabriqueCommittee).where(eq(fabriqueCommittee.userRef, member.userId))).to.have.length(1);
    const own = await propose(member, 'Ma propre idée');
    const refused = await post(member.browser, `/fabrique/projects/${own}/decision`, { decision: 'select', reason: 'Très bonne idée', version: '1' }, `/fabrique/projects/${own}`);
    expect(refused.status).to.equal(403);
    expect(await refused.text()).to.contain('Vous ne pouvez pas décider d&#x27;une proposition que vous avez faite.');
    expect((await project(own)).stage).to.equal('proposed');
    const other = await propose(await person(t), 'Idée de quelqu’un d’autre');
    expect((await post(member.browser, `/fabrique/projects/${other}/decision`, { decision: 'select', reason: 'Utile', version: '1' }, `/fabrique/projects/${other}`)).status).to.equal(303);
    expect((await project(other)).stage).to.equal('investigation');
  });

  it('refuses naming committee members to anyone but an administrator', async () => {
    const member = await person(t);
    const colleague = await person(t, { role: 'organiser' });
    const res = await post(colleague.browser, '/fabrique/committee/members', { userId: member.userId });
    expect(res.status).to.equal(403);
    expect(await t.database.db.select().from(fabriqueCommittee).where(eq(fabriqueCommittee.userRef, member.userId))).to.have.length(0);
  });

  it('frames a project with deliverables, then holds reviews: investigation → construction, then stopped with a post-mortem', async () => {
    const id = await propose(await person(t), 'Projet à cadrer');
    await post(admin.browser, `/fabrique/projects/${id}/decision`, { decision: 'select', reason: 'Priorité académique', version: '1' }, `/fabrique/projects/${id}`);
    const framed = await post(admin.browser, `/fabrique/projects/${id}/framing`, framing((await project(id)).version), `/fabrique/projects/${id}/framing`);
    expect(framed.status).to.equal(303);
    const row = await project(id);
    expect(row).to.include({ timeboxKind: 'weekly', timeboxWeeks: 8, impactTarget: 10, nextReviewOn: '2030-03-01' });
    expect((await t.database.db.select().from(fabriqueDeliverables).where(eq(fabriqueDeliverables.projectId, id))).map((d) => [d.title, d.dueOn])).to.deep.equal([['Kit de démarrage', '2030-02-01'], ['Guide', '2030-03-01']]);
    const review = await post(admin.browser, `/fabrique/projects/${id}/review`, { to: 'construction', heldOn: '2030-03-01', note: 'Prototype validé', nextReviewOn: '2030-05-01', version: String(row.version) }, `/fabrique/projects/${id}/review`);
    expect(review.status).to.equal(303);
    expect((await project(id)).stage).to.equal('construction');
    const noPostmortem = await post(admin.browser, `/fabrique/projects/${id}/review`, { to: 'stopped', heldOn: '2030-05-01', note: 'On arrête', postmortem: '', version: String((await project(id)).version) }, `/fabrique/projects/${id}/review`);
    expect(noPostmortem.status).to.equal(400);
    expect(await noPostmortem.text()).to.contain('id="postmortem-error"').and.to.contain('écrivez ce que nous avons appris');
    expect((await project(id)).stage).to.equal('construction');
    const stop = await post(admin.browser, `/fabrique/projects/${id}/review`, { to: 'stopped', heldOn: '2030-05-01', note: 'On arrête', postmortem: 'Le besoin était déjà couvert.', version: String((await project(id)).version) }, `/fabrique/projects/${id}/review`);
    expect(stop.status).to.equal(303);
    expect(await project(id)).to.include({ stage: 'stopped', postmortem: 'Le besoin était déjà couvert.', nextReviewOn: null });
    expect((await t.database.db.select().from(fabriqueReviews).where(eq(fabriqueReviews.projectId, id))).map((r) => [r.fromStage, r.toStage, r.heldOn])).to.deep.equal([
      ['investigation', 'construction', '2030-03-01'],
      ['construction', 'stopped', '2030-05-01'],
    ]);
    expect((await history(id)).map((h) => h[0])).to.deep.equal(['proposed', 'selected', 'framed', 'phase_changed', 'phase_changed']);
    const page = await (await admin.browser.get(`/fabrique/projects/${id}`)).text();
    expect(page).to.contain('Ce que nous avons appris').and.to.contain('Le besoin était déjà couvert.');
  });

  it('refuses a phase jump the method does not allow (investigation → acceleration) with 400', async () => {
    const id = await propose(await person(t), 'Saut de phase');
    await post(admin.browser, `/fabrique/projects/${id}/decision`, { decision: 'select', reason: 'Oui', version: '1' }, `/fabrique/projects/${id}`);
    const res = await post(admin.browser, `/fabrique/projects/${id}/review`, { to: 'acceleration', heldOn: '2030-03-01', note: 'Trop vite', version: String((await project(id)).version) }, `/fabrique/projects/${id}/review`);
    expect(res.status).to.equal(400);
    expect((await project(id)).stage).to.equal('investigation');
  });

  it('detects a concurrent edit of the framing (409) and keeps the other person\'s work', async () => {
    const id = await propose(await person(t), 'Édition concurrente');
    const version = (await project(id)).version;
    expect((await post(admin.browser, `/fabrique/projects/${id}/framing`, framing(version, { objectives: 'Première version' }), `/fabrique/projects/${id}/framing`)).status).to.equal(303);
    const stale = await post(admin.browser, `/fabrique/projects/${id}/framing`, framing(version, { objectives: 'Version périmée' }), `/fabrique/projects/${id}/framing`);
    expect(stale.status).to.equal(409);
    const html = await stale.text();
    expect(html).to.contain('Quelqu&#x27;un a modifié ce projet');
    // What was typed is kept, with the current version, so that saving again overwrites knowingly.
    expect(html).to.contain('Version périmée').and.to.contain(`name="version" value="${(await project(id)).version}"`);
    expect((await project(id)).objectives).to.equal('Première version');
  });

  it('shows framing errors beside the fields (missing weeks, bad deliverable date) and changes nothing', async () => {
    const id = await propose(await person(t), 'Cadrage invalide');
    const before = await project(id);
    const res = await post(admin.browser, `/fabrique/projects/${id}/framing`, framing(before.version, { timeboxWeeks: '', deliverableDue: ['2030-02-30', '', ''], impactTarget: 'beaucoup' }), `/fabrique/projects/${id}/framing`);
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.contain('id="timeboxWeeks-error"').and.to.contain('id="impactTarget-error"');
    expect(await project(id)).to.deep.equal(before);
  });

  it('lists proposals to decide and reviews due on the committee home, and prints a one-page sheet', async () => {
    const id = await propose(await person(t), 'À l’ordre du jour');
    const home = await (await admin.browser.get('/fabrique/committee')).text();
    expect(home).to.contain('À l’ordre du jour');
    const sheet = await admin.browser.get(`/fabrique/projects/${id}/sheet`);
    expect(sheet.status).to.equal(200);
    expect(await sheet.text()).to.contain('fabrique-sheet').and.to.contain('À l’ordre du jour');
  });
});
