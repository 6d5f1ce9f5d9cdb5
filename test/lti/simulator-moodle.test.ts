import { expect } from 'chai';
import { desc, eq } from 'drizzle-orm';
import { ltiLaunches, ltiUsers } from '../../src/lti/lti.tables';
import { createTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/http';
import { launchAs, simulatorFor } from '../support/lti';
import { formFrom } from '../support/lti-simulator';

/** The simulator plays Moodle 4.5 as it behaves for real (shared/reference/lti.md, last section). */
describe('lti: the simulator behaves as Moodle 4.5', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t?.close());

  const lastLaunch = async (sub: string) =>
    (await t.database.db.select({ launch: ltiLaunches, user: ltiUsers }).from(ltiLaunches).innerJoin(ltiUsers, eq(ltiUsers.id, ltiLaunches.userRef)).where(eq(ltiUsers.sub, sub)).orderBy(desc(ltiLaunches.launchedAt)).limit(1))[0]!;

  it('substitutes only the variables Moodle knows and sends the others literally, which Instants then ignores', async () => {
    await launchAs(t, { sub: 'subst-1', givenName: 'Alix', custom: { Service: '$Person.address.department', job_family: '$Person.name.suffix', prenom: '$Person.name.given', cours: '$Context.title' } });
    const { launch, user } = await lastLaunch('subst-1');
    expect(launch.custom).to.deep.equal({ service: '$Person.address.department', job_family: '$Person.name.suffix', prenom: 'Alix', cours: 'Instants numériques' });
    expect(user).to.include({ service: null, jobFamily: null });
  });

  it('sends Moodle 4.5 claims (tool platform, ext, LTI 1.1 user id), which Instants accepts', async () => {
    const sim = await simulatorFor(t);
    const claims = sim.core.claims({ sub: '42' }, 'n');
    expect(claims['https://purl.imsglobal.org/spec/lti/claim/tool_platform']).to.include({ product_family_code: 'moodle', version: '2024100700' });
    expect(claims['https://purl.imsglobal.org/spec/lti/claim/ext']).to.deep.equal({ user_username: 'user42', lms: 'moodle-2' });
    expect(claims['https://purl.imsglobal.org/spec/lti/claim/lti11_legacy_user_id']).to.equal('42');
    expect((await launchAs(t, { sub: 'claims-1' })).location).to.equal('/lti/not-ready');
  });

  it('launches a non-editing teacher as Instructor, an organiser in Instants', async () => {
    await launchAs(t, { sub: 'net-1', role: 'non-editing-teacher' });
    const { launch } = await lastLaunch('net-1');
    expect(launch.role).to.equal('organiser');
    expect(launch.roles).to.deep.equal(['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor']);
  });

  it('refuses an authentication request that comes without its SameSite=Lax session (a form post), like Moodle 4.5.11', async () => {
    const sim = await simulatorFor(t);
    const moodle = new Browser(sim.url);
    const start = await moodle.get(new URL(sim.startUrl({ role: 'participant' })).pathname);
    expect(start.headers.get('set-cookie')).to.match(/MoodleSession=[^;]+;.*SameSite=Lax/i);
    const initiation = formFrom(await start.text());
    const tool = new Browser(t.url);
    const login = await tool.postForm('/lti/login', initiation.fields);
    const auth = new URL(login.headers.get('location')!);
    const posted = await fetch(`${auth.origin}${auth.pathname}`, { method: 'POST', body: auth.searchParams, redirect: 'manual' });
    expect(posted.status, 'a cross-site form post carries no Lax cookie').to.equal(400);
    const redirected = await moodle.get(auth.pathname + auth.search);
    expect(redirected.status, 'the GET redirect Instants sends carries it').to.equal(200);
    expect(formFrom(await redirected.text()).fields.id_token).to.be.a('string');
  });

  it('gets the tool URL with no cookie when an activity is saved, and Instants answers it harmlessly', async () => {
    const sim = await simulatorFor(t);
    const probe = await sim.probeToolUrl();
    expect(probe.status).to.equal(200);
    expect(probe.setCookie).to.deep.equal([]);
  });
});
