import { expect } from 'chai';
import { desc, eq } from 'drizzle-orm';
import { ROLE_URI } from '../../src/lti';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { ltiContexts, ltiLaunches, ltiResourceLinks, ltiUsers } from '../../src/lti/lti.tables';
import { createTestApp, type TestApp } from '../support/app';
import { launchAs, type LaunchAsOptions } from '../support/lti';
import { SIMULATOR_ISSUER } from '../support/lti-simulator';

describe('lti: accepted launches', () => {
  let t: TestApp;
  let sessionId: string;
  before(async () => {
    t = await createTestApp();
    const start = new Date(Date.now() + 7 * 86400_000);
    const [s] = await t.database.db
      .insert(catalogSessions)
      .values({ title: 'OpenStreetMap', tool: 'OSM', startsAt: start, endsAt: new Date(start.getTime() + 3600_000), status: 'published' })
      .returning({ id: catalogSessions.id });
    sessionId = s!.id;
  });
  after(async () => t?.close());

  /** Launches and returns the stored launch row with its user, course and link. */
  async function launched(opts: LaunchAsOptions) {
    const sub = opts.sub ?? `u${Math.random().toString(36).slice(2)}`;
    const result = await launchAs(t, { ...opts, sub });
    const [row] = await t.database.db
      .select({ launch: ltiLaunches, user: ltiUsers, context: ltiContexts, link: ltiResourceLinks })
      .from(ltiLaunches)
      .innerJoin(ltiUsers, eq(ltiUsers.id, ltiLaunches.userRef))
      .leftJoin(ltiContexts, eq(ltiContexts.id, ltiLaunches.contextRef))
      .leftJoin(ltiResourceLinks, eq(ltiResourceLinks.id, ltiLaunches.resourceLinkRef))
      .where(eq(ltiUsers.sub, sub))
      .orderBy(desc(ltiLaunches.launchedAt))
      .limit(1);
    return { ...result, row: row! };
  }

  it('records a learner launch with its course, link, AGS and NRPS endpoints, locale and return URL', async () => {
    const { row, location, response } = await launched({ role: 'participant', contextId: 'course-7', resourceLinkId: 'rl-7', custom: { Color: 'blue' } });
    expect(location).to.equal('/lti/not-ready');
    expect(response.status).to.equal(200);
    expect(row.launch).to.include({ role: 'participant', isAdmin: false, issuer: SIMULATOR_ISSUER, deploymentId: '1', messageType: 'LtiResourceLinkRequest', locale: 'fr' });
    expect(row.launch.returnUrl).to.equal(`${SIMULATOR_ISSUER}/course/view.php`);
    expect(row.launch.nrpsUrl).to.contain('/memberships');
    expect(row.launch.custom).to.deep.equal({ color: 'blue' });
    expect(row.context).to.include({ contextId: 'course-7', title: 'Instants numériques' });
    expect(row.link).to.include({ resourceLinkId: 'rl-7', sessionId: null });
    expect(row.link!.agsLineitem).to.contain('/lineitem');
    expect(row.link!.agsScopes).to.include('https://purl.imsglobal.org/spec/lti-ags/scope/score');
    expect(row.user.email).to.match(/@ac-dijon\.fr$/);
  });

  it('keeps the service and job family sent as custom parameters, ignoring an unsubstituted Moodle variable', async () => {
    const sub = `svc${Math.random().toString(36).slice(2)}`;
    const first = await launched({ role: 'participant', sub, custom: { Service: ' DANE ', job_family: '$Person.address.department' } });
    expect(first.row.user).to.include({ service: 'DANE', jobFamily: null });
    const second = await launched({ role: 'participant', sub, custom: { color: 'red' } });
    expect(second.row.user, 'absent parameters keep the stored values').to.include({ service: 'DANE', jobFamily: null });
  });

  it('sends an instructor of an unbound link to the binding page, which lists upcoming sessions', async () => {
    const { row, location, response } = await launched({ role: 'organiser' });
    expect(row.launch.role).to.equal('organiser');
    expect(location).to.equal('/lti/bind');
    expect(await response.text()).to.contain('OpenStreetMap').and.to.contain('Relier à cette session');
  });

  it('binds the resource link to the session named by the lower-cased custom parameter and opens it', async () => {
    const participant = await launched({ role: 'participant', resourceLinkId: 'rl-bound', custom: { INSTANTS_SESSION: sessionId } });
    expect(participant.row.link!.sessionId).to.equal(sessionId);
    expect(participant.location).to.equal(`/sessions/${sessionId}`);
    const organiser = await launched({ role: 'organiser', resourceLinkId: 'rl-bound' });
    expect(organiser.location).to.equal(`/organiser/sessions/${sessionId}`);
  });

  it('ignores a custom parameter naming no session', async () => {
    const { row, location } = await launched({ role: 'participant', custom: { instants_session: '00000000-0000-4000-8000-000000000000' } });
    expect(row.link!.sessionId).to.equal(null);
    expect(location).to.equal('/lti/not-ready');
  });

  it('lets an organiser bind an unbound link on first launch, with the form token checked', async () => {
    const { browser, response } = await launchAs(t, { role: 'organiser', resourceLinkId: 'rl-to-bind' });
    const html = await response.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const refused = await browser.postForm('/lti/bind', { sessionId, _csrf: 'wrong' });
    expect(refused.status).to.equal(403);
    const bad = await browser.postForm('/lti/bind', { sessionId: 'not-a-uuid', _csrf: csrf });
    expect(bad.status).to.equal(400);
    const [unbound] = await t.database.db.select().from(ltiResourceLinks).where(eq(ltiResourceLinks.resourceLinkId, 'rl-to-bind'));
    expect(unbound!.sessionId).to.equal(null);
    const ok = await browser.postForm('/lti/bind', { sessionId, _csrf: csrf });
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal(`/organiser/sessions/${sessionId}`);
    const [bound] = await t.database.db.select().from(ltiResourceLinks).where(eq(ltiResourceLinks.resourceLinkId, 'rl-to-bind'));
    expect(bound!.sessionId).to.equal(sessionId);
  });

  it('maps several roles (Learner and Instructor) to organiser', async () => {
    expect((await launched({ roles: [ROLE_URI.Learner, ROLE_URI.Instructor] })).row.launch.role).to.equal('organiser');
  });

  it('maps short role names', async () => {
    expect((await launched({ roles: ['Instructor'] })).row.launch.role).to.equal('organiser');
    expect((await launched({ roles: ['Learner'] })).row.launch.role).to.equal('participant');
    expect((await launched({ roles: ['TeachingAssistant'] })).row.launch.role).to.equal('organiser');
  });

  it('maps content developers, mentors and teaching-assistant sub-roles to organiser', async () => {
    expect((await launched({ roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper'] })).row.launch.role).to.equal('organiser');
    expect((await launched({ roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor'] })).row.launch.role).to.equal('organiser');
    expect((await launched({ roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'] })).row.launch.role).to.equal('organiser');
  });

  it('maps an institution or system administrator to an organiser who is admin', async () => {
    const inst = (await launched({ roles: [ROLE_URI.InstitutionAdmin] })).row.launch;
    expect(inst).to.include({ role: 'organiser', isAdmin: true });
    const sys = (await launched({ roles: [ROLE_URI.SystemAdmin, ROLE_URI.Learner] })).row.launch;
    expect(sys).to.include({ role: 'organiser', isAdmin: true });
  });

  it('maps an unknown role to participant (least privilege)', async () => {
    expect((await launched({ roles: ['http://example.org/roles#Wizard'] })).row.launch).to.include({ role: 'participant', isAdmin: false });
  });

  it('maps an empty role [""] to participant', async () => {
    expect((await launched({ roles: [''] })).row.launch.role).to.equal('participant');
  });

  it('accepts email only (no names)', async () => {
    const { row } = await launched({ name: null, givenName: null, familyName: null, email: 'seul@ac-dijon.fr' });
    expect(row.user).to.include({ name: null, email: 'seul@ac-dijon.fr' });
  });

  it('accepts names only (no email)', async () => {
    const { row } = await launched({ givenName: 'Alix', familyName: 'Durand', name: 'Alix Durand', email: null });
    expect(row.user).to.include({ name: 'Alix Durand', givenName: 'Alix', familyName: 'Durand', email: null });
  });

  it('accepts a launch with no personal data', async () => {
    const { row, response } = await launched({ name: null, givenName: null, familyName: null, email: null });
    expect(response.status).to.equal(200);
    expect(row.user).to.include({ name: null, email: null });
  });

  it('accepts a launch with no context', async () => {
    const { row } = await launched({ contextId: null });
    expect(row.launch.contextRef).to.equal(null);
    expect(row.link!.contextRef).to.equal(null);
  });

  it('follows launch_presentation.locale: English when Moodle says en', async () => {
    const { response } = await launched({ locale: 'en-GB' });
    expect(await response.text()).to.match(/<html lang="en"[ >]/).and.to.contain('Activity not ready yet');
  });

  it('frames Instants only from registered platform origins (CSP frame-ancestors)', async () => {
    const { response, simulator } = await launchAs(t);
    expect(response.headers.get('content-security-policy')).to.contain(`frame-ancestors 'self'`).and.to.contain(simulator.url).and.to.contain(SIMULATOR_ISSUER);
  });

  it('serves the tool key set with open CORS and no credentials', async () => {
    const res = await fetch(`${t.url}/lti/keys`, { headers: { origin: 'https://elsewhere.example' } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    expect(res.headers.get('access-control-allow-credentials')).to.equal(null);
    const body = (await res.json()) as { keys: Array<{ kty: string; alg: string }> };
    expect(body.keys[0]).to.include({ kty: 'RSA', alg: 'RS256' });
    const login = await fetch(`${t.url}/lti/login`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(login.headers.get('access-control-allow-origin')).to.equal(null);
  });
});
