import { expect } from 'chai';
import { addPlatform, ltiOf, nrpsRolesOf } from '../../src/lti';
import { activityCheckinCodes, catalogSessions } from '../../src/platform/db/schema';
import { createTestApp, type TestApp } from '../support/app';
import { csrfTokenFrom } from '../support/http';
import { launchAs, simulatorFor } from '../support/lti';
import { SIMULATOR_CLIENT_ID, SIMULATOR_DEPLOYMENT_ID, SIMULATOR_ISSUER } from '../support/lti-simulator';
import { startPlatformServices, type PlatformServices } from '../support/platform-services';

const AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
const NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';

/**
 * The whole path: a real LTI launch (engineer A's simulator) whose AGS and NRPS claims point at the Moodle
 * services simulator, a check-in that completes the session (engineer E's activities), the outbox worker, and
 * the grade as Moodle's gradebook records it; then the organiser's roster and grade sync pages.
 */
describe('grades: end to end from a launch to the Moodle gradebook', function () {
  this.timeout(90_000);
  let t: TestApp;
  let services: PlatformServices;

  before(async () => {
    t = await createTestApp();
    services = await startPlatformServices({ now: () => t.clock.now() });
    const lti = await simulatorFor(t);
    // Same registration, with Moodle's token endpoint played by the services simulator.
    await addPlatform(ltiOf(t.instants.ctx), { issuer: SIMULATOR_ISSUER, clientId: SIMULATOR_CLIENT_ID, name: 'Moodle (simulateur)', authEndpoint: lti.endpoints.authEndpoint, tokenEndpoint: services.tokenUrl, keys: { method: 'JWK_SET', key: lti.endpoints.keySetUrl } }, [SIMULATOR_DEPLOYMENT_ID]);
    services.registerTool({ clientId: SIMULATOR_CLIENT_ID, typeId: SIMULATOR_DEPLOYMENT_ID, jwksUrl: `${t.url}/lti/keys` });
  });
  after(async () => {
    await services?.close();
    await t?.close();
  });

  it("puts a participant's completion in the gradebook exactly as Moodle records it, and shows it to the organiser", async () => {
    const course = services.addCourse('2', [
      { userId: '31', roles: ['Learner'], name: 'Camille Agent' },
      { userId: '32', roles: ['Learner'], name: 'Dominique Absent' },
      { userId: '40', roles: nrpsRolesOf('organiser'), name: 'Organisatrice' },
      // A non-editing teacher: Instructor at launch, Learner in Moodle's NRPS.
      { userId: '41', roles: nrpsRolesOf('non-editing-teacher'), name: 'Enseignant Non Éditeur' },
    ], SIMULATOR_DEPLOYMENT_ID);
    const coupled = services.addLineItem('2', { label: 'Instant OpenStreetMap', scoreMaximum: 20, resourceLinkId: 'rl-e2e' }, SIMULATOR_DEPLOYMENT_ID);
    const [session] = await t.database.db
      .insert(catalogSessions)
      .values({ title: 'Instant OpenStreetMap', startsAt: new Date(t.clock.now().getTime() - 5 * 60_000), endsAt: new Date(t.clock.now().getTime() + 40 * 60_000), place: 'Hall du rectorat', status: 'published' })
      .returning();
    await t.database.db.insert(activityCheckinCodes).values({ sessionId: session!.id, code: '4321' });
    const claims = (payload: Record<string, unknown>) => {
      const ags = payload[AGS] as { scope: string[] };
      payload[AGS] = { scope: ags.scope, lineitems: course.lineitems, lineitem: coupled };
      payload[NRPS] = { context_memberships_url: course.memberships, service_versions: ['2.0'] };
    };
    const learner = await launchAs(t, {
      role: 'participant',
      sub: '31',
      contextId: '2',
      resourceLinkId: 'rl-e2e',
      sessionId: session!.id,
      tamper: (x) => (claims(x.payload), x.sign()),
    });
    expect(learner.location).to.equal(`/sessions/${session!.id}`);
    const page = await learner.browser.get(`/sessions/${session!.id}/checkin`);
    const done = await learner.browser.postForm(`/sessions/${session!.id}/checkin`, { _csrf: csrfTokenFrom(await page.text()), code: '4321' });
    expect(done.status).to.equal(303);

    await t.instants.jobs.runOnce('outbox');
    const grade = services.gradebook(coupled).get('31');
    expect(grade).to.deep.include({ grade: 20, activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
    expect(services.scorePosts.filter((p) => p.userId === '31')).to.have.length(1);

    const organiser = await launchAs(t, { role: 'organiser', sub: '40', contextId: '2', resourceLinkId: 'rl-e2e', sessionId: session!.id, tamper: (x) => (claims(x.payload), x.sign()) });
    const roster = await organiser.browser.get(`/organiser/sessions/${session!.id}/roster`);
    expect(roster.status).to.equal(200);
    const html = await roster.text();
    expect(/<th scope="row">Camille Agent<\/th>([\s\S]*?)<\/tr>/.exec(html)![1]).to.match(/Oui[\s\S]*Oui[\s\S]*Oui/);
    expect(/<th scope="row">Dominique Absent<\/th>([\s\S]*?)<\/tr>/.exec(html)![1]).to.not.contain('Oui');
    // Moodle lists the non-editing teacher as a learner; once they open Instants (as an organiser), the roster says both.
    expect(/<th scope="row">Enseignant Non Éditeur<\/th>([\s\S]*?)<\/tr>/.exec(html)![1]).to.contain('Apprenant').and.not.contain('organise dans Instants');
    await launchAs(t, { role: 'non-editing-teacher', sub: '41', contextId: '2', resourceLinkId: 'rl-e2e', sessionId: session!.id, tamper: (x) => (claims(x.payload), x.sign()) });
    const refreshed = await (await organiser.browser.get(`/organiser/sessions/${session!.id}/roster`)).text();
    expect(/<th scope="row">Enseignant Non Éditeur<\/th>([\s\S]*?)<\/tr>/.exec(refreshed)![1]).to.contain('Apprenant, organise dans Instants');
    expect(/<th scope="row">Camille Agent<\/th>([\s\S]*?)<\/tr>/.exec(refreshed)![1]).to.not.contain('organise dans Instants');
    expect(services.scorePosts.filter((p) => p.userId === '41'), 'no score for an organiser').to.have.length(0);
    const grades = await (await organiser.browser.get(`/organiser/sessions/${session!.id}/grades`)).text();
    expect(grades).to.match(/data-count="delivered">1</).and.match(/data-count="refused">0</);
  });
});
