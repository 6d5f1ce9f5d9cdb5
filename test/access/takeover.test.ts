import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { activityAttendances, activityConfigs, activityNeedTopics } from '../../src/activities/activities.tables';
import { gradesScores, gradesSettings } from '../../src/grades/grades.tables';
import { ltiResourceLinks } from '../../src/lti/lti.tables';
import { dashTargets } from '../../src/dashboard/dashboard.tables';
import { createTestApp, type TestApp } from '../support/app';
import { csrfTokenFrom, type Browser } from '../support/http';
import { launchAs } from '../support/lti';
import { SIMULATOR_ISSUER } from '../support/lti-simulator';
import { A_CODE, A_DRAFT_TITLE, A_LEARNER, B_LEARNER, buildAccessFixture, linkedSessionOf, type AccessFixture } from './fixture';

/**
 * Issue #12's takeover, step by step, as the organiser of course B tried it against course A: binding,
 * deep linking, then every management action on A's session once B's activity links it. Each step must
 * be refused (or scoped to B's own people) and write nothing.
 */
describe('access: the course B takeover of course A is refused at every step', () => {
  let t: TestApp;
  let f: AccessFixture;
  before(async () => {
    t = await createTestApp();
    f = await buildAccessFixture(t);
  });
  after(async () => t?.close());

  const courseB = { role: 'organiser' as const, contextId: 'course-B', contextTitle: 'Cours B', name: 'Octave Organisateur B' };
  const linkRef = async (resourceLinkId: string) => {
    const [row] = await t.database.db.select({ id: ltiResourceLinks.id }).from(ltiResourceLinks).where(and(eq(ltiResourceLinks.issuer, SIMULATOR_ISSUER), eq(ltiResourceLinks.resourceLinkId, resourceLinkId)));
    return row!.id;
  };
  const csrfOf = async (browser: Browser) => csrfTokenFrom(await (await browser.get('/me/offers')).text());

  it('step 1: the binding picker of B does not list A’s draft', async () => {
    const { response, location } = await launchAs(t, { ...courseB, resourceLinkId: 'takeover-1' });
    expect(location).to.equal('/lti/bind');
    expect(await response.text()).not.to.contain(A_DRAFT_TITLE);
  });

  it('step 2: binding B’s activity to A’s draft is a 403 and leaves the activity unbound', async () => {
    const { response, browser } = await launchAs(t, { ...courseB, resourceLinkId: 'takeover-2' });
    const csrf = csrfTokenFrom(await response.text());
    const res = await browser.postForm('/lti/bind', { _csrf: csrf, sessionId: f.draftId });
    expect(res.status).to.equal(403);
    expect(await linkedSessionOf(t, await linkRef('takeover-2'))).to.equal(null);
  });

  it('step 3: once B’s activity links A’s published session, B manages none of A’s session and changes nothing', async () => {
    const { response, browser } = await launchAs(t, { ...courseB, resourceLinkId: 'takeover-3' });
    const bindCsrf = csrfTokenFrom(await response.text());
    const bound = await browser.postForm('/lti/bind', { _csrf: bindCsrf, sessionId: f.published.id });
    expect(bound.status).to.equal(303);
    expect(await linkedSessionOf(t, await linkRef('takeover-3'))).to.equal(f.published.id);
    const csrf = await csrfOf(browser);
    const id = f.published.id;
    const db = t.database.db;

    expect((await browser.get(`/organiser/sessions/${id}/activities`)).status, 'activities page').to.equal(403);
    const rewrite = await browser.postForm(`/organiser/sessions/${id}/activities`, { _csrf: csrf, satisfaction_enabled: 'on' });
    expect(rewrite.status, 'activities rewrite').to.equal(403);
    const kinds = (await db.select({ kind: activityConfigs.kind }).from(activityConfigs).where(eq(activityConfigs.sessionId, id))).map((r) => r.kind);
    expect(kinds, 'A’s quiz is still there').to.include('quiz');

    const participants = await browser.get(`/organiser/sessions/${id}/participants`);
    const html = await participants.text();
    expect(participants.status, 'participants page of B’s own people').to.equal(200);
    expect(html, 'participants page').not.to.contain(A_LEARNER.name).and.not.to.contain(A_LEARNER.email);
    expect(html, 'B’s own learner is listed').to.contain(B_LEARNER.name);

    const checkin = await browser.get(`/organiser/sessions/${id}/checkin`);
    expect(checkin.status, 'check-in screen').to.equal(403);
    expect(await checkin.text()).not.to.contain(A_CODE);
    expect((await browser.get(`/organiser/sessions/${id}/checkin/count`, { headers: { accept: 'application/json' } })).status, 'check-in count').to.equal(403);

    const mark = await browser.postForm(`/organiser/sessions/${id}/participants/present`, { _csrf: csrf, user: f.aLearner.userId });
    expect(mark.status, 'mark A’s learner present').to.equal(403);
    expect(await db.select().from(activityAttendances).where(eq(activityAttendances.userRef, f.aLearner.userId))).to.have.length(0);

    const settings = await browser.postForm(`/organiser/sessions/${id}/grades/settings`, { _csrf: csrf, mode: 'quiz' });
    expect(settings.status, 'grade settings').to.equal(403);
    expect(await db.select().from(gradesSettings).where(eq(gradesSettings.sessionId, id))).to.have.length(0);

    await browser.postForm(`/organiser/sessions/${id}/grades/retry`, { _csrf: csrf });
    const [score] = await db.select({ status: gradesScores.status }).from(gradesScores).where(eq(gradesScores.userRef, f.aLearner.userId));
    expect(score!.status, 'A’s refused score is not retried by B').to.equal('refused');
    expect(await (await browser.get(`/organiser/sessions/${id}/grades`)).text(), 'grades page').not.to.contain(A_LEARNER.name);

    const edit = await browser.postForm(`/organiser/sessions/${id}/status`, { _csrf: csrf, action: 'cancel', reason: 'prise de contrôle' });
    expect(edit.status, 'status change').to.equal(403);
  });

  it('step 4: deep linking from B lists no draft of A and refuses to sign one', async () => {
    const { response, browser } = await launchAs(t, { ...courseB, messageType: 'LtiDeepLinkingRequest', resourceLinkId: 'takeover-4' });
    const page = await response.text();
    expect(page).not.to.contain(A_DRAFT_TITLE);
    const res = await browser.postForm('/lti/deep-linking', { _csrf: csrfTokenFrom(page), sessions: f.draftId });
    expect(res.status).to.equal(403);
    expect(await res.text()).not.to.contain('name="JWT"');
  });

  it('step 5: a launch whose custom parameter names A’s draft leaves B’s activity unbound', async () => {
    const { location } = await launchAs(t, { ...courseB, resourceLinkId: 'takeover-5', custom: { instants_session: f.draftId } });
    expect(location).to.equal('/lti/bind');
    expect(await linkedSessionOf(t, await linkRef('takeover-5'))).to.equal(null);
  });

  it('step 6: an organiser who is not an administrator changes no académie-wide setting', async () => {
    const browser = f.as.organiserB;
    const csrf = await csrfOf(browser);
    const target = await browser.postForm('/organiser/dashboard/competences/targets', { _csrf: csrf, competence: '1.1', jobFamily: 'Enseignement', level: '6' });
    expect(target.status, 'competence target').to.equal(403);
    expect(await t.database.db.select().from(dashTargets)).to.have.length(0);
    const topic = await browser.postForm('/organiser/wishes/topics', { _csrf: csrf, kind: 'tool', label: 'Outil imposé par B' });
    expect(topic.status, 'survey topic').to.equal(403);
    expect(await t.database.db.select().from(activityNeedTopics).where(eq(activityNeedTopics.label, 'Outil imposé par B'))).to.have.length(0);
  });
});
