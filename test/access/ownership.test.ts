import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { catalogSessionOrganisers } from '../../src/catalog/catalog.tables';
import { buildSession } from '../activities/helpers';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom, type Browser } from '../support/http';
import { SIMULATOR_DEPLOYMENT_ID } from '../support/lti-simulator';
import { A_DRAFT_TITLE, A_LEARNER, B_LEARNER, buildAccessFixture, type AccessFixture } from './fixture';

/** The ownership model: co-organiser courses added by the owner, what a linking course sees, drafts kept to their courses. */
describe('access: who owns and who only links a session', () => {
  let t: TestApp;
  let f: AccessFixture;
  before(async () => {
    t = await createTestApp();
    f = await buildAccessFixture(t);
  });
  after(async () => t?.close());

  const csrfOf = async (browser: Browser, path = '/me/offers') => csrfTokenFrom(await (await browser.get(path)).text());
  const coOrganisers = async (sessionId: string) => (await t.database.db.select().from(catalogSessionOrganisers).where(eq(catalogSessionOrganisers.sessionId, sessionId))).map((r) => r.contextRef);

  it('lets the owner add a co-organiser course, whose organisers then manage the session, and remove it again', async () => {
    const { session } = await buildSession(t.database.db, { title: 'Session co-organisée', ownerContextRef: f.contexts.A });
    const ownerPage = await (await f.as.organiserA.get(`/organiser/sessions/${session.id}`)).text();
    expect(ownerPage).to.contain('Cours co-organisateurs').and.contain('Cours propriétaire : Cours A').and.contain(`value="${f.contexts.C}"`);
    expect((await f.as.organiserC.get(`/organiser/sessions/${session.id}/activities`)).status).to.equal(403);

    const add = await f.as.organiserA.postForm(`/organiser/sessions/${session.id}/co-organisers`, { _csrf: csrfTokenFrom(ownerPage), course: f.contexts.C });
    expect(add.status).to.equal(303);
    expect(await coOrganisers(session.id)).to.deep.equal([f.contexts.C]);
    expect((await f.as.organiserC.get(`/organiser/sessions/${session.id}/activities`)).status).to.equal(200);
    expect((await f.as.organiserC.get(`/organiser/sessions/${session.id}/checkin`)).status).to.equal(200);
    expect(await (await f.as.organiserC.get('/organiser')).text()).to.contain('Session co-organisée');
    const cPage = await (await f.as.organiserC.get(`/organiser/sessions/${session.id}`)).text();
    expect(cPage).to.contain('Seul le cours propriétaire change cette liste.').and.not.contain('/co-organisers/');

    const remove = await f.as.organiserA.postForm(`/organiser/sessions/${session.id}/co-organisers/${f.contexts.C}/remove`, { _csrf: await csrfOf(f.as.organiserA) });
    expect(remove.status).to.equal(303);
    expect(await coOrganisers(session.id)).to.deep.equal([]);
    expect((await f.as.organiserC.get(`/organiser/sessions/${session.id}/activities`)).status).to.equal(403);
  });

  it('refuses adding a co-organiser without the form’s CSRF token (403), and adds nothing', async () => {
    const { session } = await buildSession(t.database.db, { title: 'Session protégée', ownerContextRef: f.contexts.A });
    const res = await f.as.organiserA.postForm(`/organiser/sessions/${session.id}/co-organisers`, { course: f.contexts.C });
    expect(res.status).to.equal(403);
    expect(await res.text()).to.contain('Le formulaire a expiré');
    expect(await coOrganisers(session.id)).to.deep.equal([]);
  });

  it('refuses a co-organiser who tries to change the co-organiser list (403), and changes nothing', async () => {
    const { session } = await buildSession(t.database.db, { title: 'Session à deux cours', ownerContextRef: f.contexts.A });
    await t.database.db.insert(catalogSessionOrganisers).values({ sessionId: session.id, contextRef: f.contexts.C });
    const csrf = await csrfOf(f.as.organiserC);
    const add = await f.as.organiserC.postForm(`/organiser/sessions/${session.id}/co-organisers`, { _csrf: csrf, course: f.contexts.B });
    expect(add.status).to.equal(403);
    expect(await add.text()).to.contain('Seules les personnes qui organisent le cours propriétaire');
    const remove = await f.as.organiserC.postForm(`/organiser/sessions/${session.id}/co-organisers/${f.contexts.C}/remove`, { _csrf: csrf });
    expect(remove.status).to.equal(403);
    expect(await coOrganisers(session.id)).to.deep.equal([f.contexts.C]);
  });

  it('answers 400 with a French message for an unknown course, the owner itself or a course of another platform, and adds nothing', async () => {
    const { session } = await buildSession(t.database.db, { title: 'Session sans renfort', ownerContextRef: f.contexts.A });
    const elsewhere = await signIn(t, { issuer: 'https://moodle.autre-academie.fr', deploymentId: SIMULATOR_DEPLOYMENT_ID, contextId: 'course-X', role: 'organiser' });
    const csrf = await csrfOf(f.as.organiserA);
    for (const course of ['00000000-0000-4000-8000-000000000000', 'pas-un-identifiant', f.contexts.A, elsewhere.contextRef!, '']) {
      const res = await f.as.organiserA.postForm(`/organiser/sessions/${session.id}/co-organisers`, { _csrf: csrf, course });
      expect(res.status, course).to.equal(400);
      expect(await res.text()).to.contain('Choisissez un des cours proposés.');
    }
    expect(await coOrganisers(session.id)).to.deep.equal([]);
  });

  it('shows the organiser of a linking course a page of what their course may do, with only their own people', async () => {
    const page = await f.as.organiserB.get(`/organiser/sessions/${f.published.id}`);
    expect(page.status).to.equal(200);
    const html = await page.text();
    expect(html).to.contain('Session d&#x27;un autre cours').and.contain('Cette session appartient au cours « Cours A »');
    expect(html).not.to.contain('name="title"').and.not.contain('/activities');
    const participants = await (await f.as.organiserB.get(`/organiser/sessions/${f.published.id}/participants`)).text();
    expect(participants).to.contain(B_LEARNER.name).and.contain('vous voyez seulement les personnes de votre cours').and.not.contain(A_LEARNER.email);
    expect(participants).not.to.contain('participants/present');
    const roster = await (await f.as.organiserB.get(`/organiser/sessions/${f.published.id}/roster`)).text();
    expect(roster).to.contain(B_LEARNER.name).and.not.contain(A_LEARNER.name);
    const grades = await (await f.as.organiserB.get(`/organiser/sessions/${f.published.id}/grades`)).text();
    expect(grades).to.match(/data-count="refused">0</).and.not.contain('grades/settings');
  });

  it('shows the owner every course’s participants and refused scores of its session', async () => {
    const owner = await (await f.as.organiserA.get(`/organiser/sessions/${f.published.id}/participants`)).text();
    expect(owner).to.contain(A_LEARNER.name).and.contain(B_LEARNER.name);
    const grades = await (await f.as.organiserA.get(`/organiser/sessions/${f.published.id}/grades`)).text();
    expect(grades).to.match(/data-count="refused">1</).and.contain(A_LEARNER.name);
  });

  it('keeps a draft to the courses that manage it: a 404 for other courses’ learners and organisers, a page for its own', async () => {
    const draft = `/sessions/${f.draftId}`;
    expect((await f.as.organiserB.get(draft)).status).to.equal(404);
    expect((await f.as.organiserC.get(draft)).status).to.equal(404);
    expect((await f.as.learnerA.get(draft)).status).to.equal(404);
    const own = await f.as.organiserA.get(draft);
    expect(own.status).to.equal(200);
    expect(await own.text()).to.contain(A_DRAFT_TITLE);
    expect((await f.as.organiserB.get(`/organiser/sessions/${f.draftId}`)).status).to.equal(403);
  });
});
