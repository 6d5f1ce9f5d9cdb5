import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { queueSessionScore } from '../../src/grades';
import { gradesScores, gradesSettings } from '../../src/grades/grades.tables';
import { addPlatform, ltiOf } from '../../src/lti';
import { ltiLaunches, ltiResourceLinks } from '../../src/lti/lti.tables';
import { activityAttendances, activitySessionCompletions, catalogSessions } from '../../src/platform/db/schema';
import { outboxOf } from '../../src/xapi';
import { createTestApp, type TestApp } from '../support/app';
import { buildLaunch, signIn } from '../support/factories';
import { checkA11y, withPage } from '../support/browser';
import { csrfTokenFrom } from '../support/http';
import { startPlatformServices, type PlatformServices, type SimMember } from '../support/platform-services';

const CLIENT_ID = 'instants-routes';
const TYPE_ID = '5';

describe('grades: organiser pages for grade sync and course roster', function () {
  this.timeout(60_000);
  let t: TestApp;
  let sim: PlatformServices;
  let sessionId: string;
  let organiser: Awaited<ReturnType<typeof signIn>>;
  const members: SimMember[] = [];

  const coursePath = (contextId: string) => `/mod/lti/services.php/CourseSection/${contextId}/bindings/${TYPE_ID}/memberships`;
  const launchAs = async (o: { sub: string; role?: 'participant' | 'organiser'; contextId?: string; nrps?: boolean; sessionId?: string }) => {
    const contextId = o.contextId ?? '42';
    const l = await buildLaunch(t.database.db, { issuer: sim.issuer, deploymentId: TYPE_ID, sub: o.sub, contextId, resourceLinkId: `rl-${contextId}`, sessionId: o.sessionId ?? sessionId, role: o.role });
    await t.database.db
      .update(ltiLaunches)
      .set({ clientId: CLIENT_ID, nrpsUrl: o.nrps === false ? null : `${sim.url}${coursePath(contextId)}` })
      .where(eq(ltiLaunches.id, l.launchId));
    await t.database.db
      .update(ltiResourceLinks)
      .set({ agsLineitems: `${sim.url}/mod/lti/services.php/${contextId}/lineitems?type_id=${TYPE_ID}`, agsScopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/score'] })
      .where(eq(ltiResourceLinks.id, l.resourceLinkRef));
    return l;
  };

  before(async () => {
    t = await createTestApp();
    sim = await startPlatformServices({ now: () => t.clock.now() });
    // The platform knows Instants by its real key set (/lti/keys), as Moodle would fetch it.
    await addPlatform(ltiOf(t.instants.ctx), { issuer: sim.issuer, clientId: CLIENT_ID, name: 'Moodle (simulateur)', authEndpoint: `${sim.url}/mod/lti/auth.php`, tokenEndpoint: sim.tokenUrl, keys: { method: 'JWK_SET', key: `${sim.url}/mod/lti/certs.php` } }, [TYPE_ID]);
    sim.registerTool({ clientId: CLIENT_ID, typeId: TYPE_ID, jwksUrl: `${t.url}/lti/keys` });
    for (let i = 1; i <= 250; i++) members.push({ userId: String(1000 + i), roles: ['Learner'], name: `Agent ${String(i).padStart(3, '0')}` });
    members.push({ userId: '900', roles: ['Instructor'], name: 'Zoé Formatrice' });
    members.push({ userId: '901', roles: ['Learner'], name: 'Suspendu', status: 'Inactive' });
    sim.addCourse('42', members, TYPE_ID);
    sim.addCourse('77', [{ userId: '5000', roles: ['Learner'], name: 'Autre cours' }], TYPE_ID);
    organiser = await signIn(t, { role: 'organiser', issuer: sim.issuer, deploymentId: TYPE_ID, sub: '900', contextId: '42', resourceLinkId: 'rl-42', sessionId: null });
    await t.database.db.update(ltiLaunches).set({ clientId: CLIENT_ID, nrpsUrl: `${sim.url}${coursePath('42')}` }).where(eq(ltiLaunches.id, organiser.launchId));
    const [session] = await t.database.db
      .insert(catalogSessions)
      .values({ title: 'Instant OpenStreetMap', startsAt: new Date('2026-12-01T11:30:00Z'), endsAt: new Date('2026-12-01T12:30:00Z'), ownerContextRef: organiser.contextRef, status: 'published' })
      .returning();
    sessionId = session!.id;
    const a = await launchAs({ sub: '1001' });
    const b = await launchAs({ sub: '1002' });
    await launchAs({ sub: '1003' });
    await t.database.db.insert(activityAttendances).values([
      { sessionId, userRef: a.userId, method: 'code' },
      { sessionId, userRef: b.userId, method: 'qr' },
    ]);
    await t.database.db.insert(activitySessionCompletions).values({ sessionId, userRef: a.userId });
  });
  after(async () => {
    await sim?.close();
    await t?.close();
  });

  it('shows every active member of the course, read page by page, with who launched, attended and completed', async () => {
    const res = await organiser.browser.get(`/organiser/sessions/${sessionId}/roster`);
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(sim.stats.membershipPages).to.equal(3);
    expect(html).to.contain('Agent 001').and.contain('Agent 250').and.contain('Zoé Formatrice').and.not.contain('Suspendu');
    expect(html).to.contain('Enseignant').and.contain('Apprenant');
    expect(html, 'the roster page has the session navigation').to.contain(`href="/organiser/sessions/${sessionId}/participants"`).and.to.contain('aria-current="page"');
    const row = (name: string) => new RegExp(`<th scope="row">${name}</th>([\\s\\S]*?)</tr>`).exec(html)![1]!;
    const cells = (name: string) => [...row(name).matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(cells('Agent 001')).to.deep.equal(['Apprenant', 'Oui', 'Oui', 'Oui']);
    expect(cells('Agent 002')).to.deep.equal(['Apprenant', 'Oui', 'Oui', 'Non']);
    expect(cells('Agent 003')).to.deep.equal(['Apprenant', 'Oui', 'Non', 'Non']);
    expect(cells('Agent 004')).to.deep.equal(['Apprenant', 'Non', 'Non', 'Non']);
    expect(html).to.match(/N&#x27;ont pas ouvert Instants<\/th><td class="text-end">247</);
  });

  it('reuses the stored roster until the organiser asks to read it again (CSRF-protected)', async () => {
    const before = sim.stats.membershipPages;
    const page = await organiser.browser.get(`/organiser/sessions/${sessionId}/roster?filter=not_launched`);
    const html = await page.text();
    expect(sim.stats.membershipPages).to.equal(before);
    expect(html).to.contain('copie gardée').and.contain('Agent 004').and.not.contain('<th scope="row">Agent 001</th>');
    const refused = await organiser.browser.postForm(`/organiser/sessions/${sessionId}/roster/refresh`, {});
    expect(refused.status).to.equal(403);
    expect(sim.stats.membershipPages).to.equal(before);
    const ok = await organiser.browser.postForm(`/organiser/sessions/${sessionId}/roster/refresh`, { _csrf: csrfTokenFrom(html) });
    expect(ok.status).to.equal(303);
    expect(sim.stats.membershipPages).to.equal(before + 3);
  });

  it('never shows the roster or grade sync to a participant (403)', async () => {
    const participant = await signIn(t, { role: 'participant', issuer: sim.issuer, deploymentId: TYPE_ID, sub: '1005', contextId: '42', resourceLinkId: 'rl-42', sessionId });
    const before = sim.stats.membershipPages;
    for (const path of ['roster', 'grades']) {
      const res = await participant.browser.get(`/organiser/sessions/${sessionId}/${path}`);
      expect(res.status, path).to.equal(403);
      expect(await res.text()).to.not.contain('Agent 001');
    }
    const json = await participant.browser.get(`/organiser/sessions/${sessionId}/roster`, { headers: { accept: 'application/json' } });
    expect(json.status).to.equal(403);
    expect(((await json.json()) as { error: { code: string } }).error.code).to.equal('forbidden');
    expect(sim.stats.membershipPages).to.equal(before);
  });

  it("refuses an organiser of another course (403) and answers 404 for a malformed or unknown session id, 400 for a bad filter", async () => {
    const other = await signIn(t, { role: 'organiser', issuer: sim.issuer, deploymentId: TYPE_ID, sub: '5001', contextId: '77', resourceLinkId: 'rl-77', sessionId: null });
    expect((await other.browser.get(`/organiser/sessions/${sessionId}/roster`)).status).to.equal(403);
    expect((await other.browser.get(`/organiser/sessions/${sessionId}/grades`)).status).to.equal(403);
    expect((await organiser.browser.get('/organiser/sessions/not-a-uuid/roster')).status).to.equal(404);
    expect((await organiser.browser.get(`/organiser/sessions/${sessionId}/roster?filter=everyone`)).status).to.equal(400);
    expect((await organiser.browser.get('/organiser/sessions/00000000-0000-4000-8000-000000000000/grades')).status).to.equal(404);
  });

  it('explains with a 409, without a roster, when the course gave no membership service', async () => {
    const lonely = await signIn(t, { role: 'organiser', issuer: sim.issuer, deploymentId: TYPE_ID, sub: '6001', contextId: '88', resourceLinkId: 'rl-88', sessionId: null });
    const [s] = await t.database.db.insert(catalogSessions).values({ title: 'Sans NRPS', startsAt: new Date('2026-12-02T11:30:00Z'), endsAt: new Date('2026-12-02T12:30:00Z'), ownerContextRef: lonely.contextRef }).returning();
    const res = await lonely.browser.get(`/organiser/sessions/${s!.id}/roster`);
    expect(res.status).to.equal(409);
    expect(await res.text()).to.contain('Noms et rôles');
  });

  it('shows delivered, pending and refused counts with Moodle’s answer, and retries refusals on request', async () => {
    const learner = await launchAs({ sub: '1010' });
    const teacher = await launchAs({ sub: '900', role: 'organiser' });
    const waiting = await launchAs({ sub: '1011' });
    await queueSessionScore(t.database.db, { userId: learner.userId, sessionId, at: t.clock.now() });
    await queueSessionScore(t.database.db, { userId: teacher.userId, sessionId, at: t.clock.now() });
    await outboxOf(t.instants.ctx).runOnce();
    await queueSessionScore(t.database.db, { userId: waiting.userId, sessionId, at: t.clock.now() });
    const item = sim.lineItems('42')[0]!;
    expect(sim.gradebook(item.id).get('1010')!.grade).to.equal(100);

    const page = await organiser.browser.get(`/organiser/sessions/${sessionId}/grades`);
    const html = await page.text();
    expect(page.status).to.equal(200);
    expect(html).to.match(/data-count="delivered">1</).and.match(/data-count="pending">1</).and.match(/data-count="refused">1</);
    expect(html).to.contain('user not gradable');

    const noCsrf = await organiser.browser.postForm(`/organiser/sessions/${sessionId}/grades/retry`, {});
    expect(noCsrf.status).to.equal(403);
    const [still] = await t.database.db.select().from(gradesScores).where(eq(gradesScores.userRef, teacher.userId));
    expect(still!.status).to.equal('refused');

    const retry = await organiser.browser.postForm(`/organiser/sessions/${sessionId}/grades/retry`, { _csrf: csrfTokenFrom(html) });
    expect(retry.status).to.equal(303);
    expect(retry.headers.get('location')).to.equal(`/organiser/sessions/${sessionId}/grades?retried=1`);
    const after = await (await organiser.browser.get(retry.headers.get('location')!)).text();
    expect(after).to.contain('1 note remise').and.match(/data-count="pending">2</);
  });

  it('tells the organiser when scores wait after a temporary failure, with the platform answer', async () => {
    const learner = await launchAs({ sub: '1020' });
    await queueSessionScore(t.database.db, { userId: learner.userId, sessionId, at: t.clock.now() });
    sim.setDown(true);
    try {
      await outboxOf(t.instants.ctx).runOnce();
    } finally {
      sim.setDown(false);
    }
    const html = await (await organiser.browser.get(`/organiser/sessions/${sessionId}/grades`)).text();
    expect(html).to.match(/id="grade-retrying">[^<]*échec passager/).and.contain('503');
    const [row] = await t.database.db.select().from(gradesScores).where(eq(gradesScores.userRef, learner.userId));
    expect(row!.status).to.equal('pending');
  });

  it('saves the score setting, and refuses an unknown one without changing it', async () => {
    const html = await (await organiser.browser.get(`/organiser/sessions/${sessionId}/grades`)).text();
    const csrf = csrfTokenFrom(html);
    const bad = await organiser.browser.postForm(`/organiser/sessions/${sessionId}/grades/settings`, { _csrf: csrf, mode: 'best-of-three' });
    expect(bad.status).to.equal(400);
    expect(await t.database.db.select().from(gradesSettings).where(eq(gradesSettings.sessionId, sessionId))).to.have.length(0);
    const ok = await organiser.browser.postForm(`/organiser/sessions/${sessionId}/grades/settings`, { _csrf: csrf, mode: 'quiz' });
    expect(ok.status).to.equal(303);
    const [row] = await t.database.db.select().from(gradesSettings).where(eq(gradesSettings.sessionId, sessionId));
    expect(row!.scoreMode).to.equal('quiz');
    expect(await (await organiser.browser.get(`/organiser/sessions/${sessionId}/grades`)).text()).to.match(/id="mode-quiz" value="quiz" checked/);
  });

  it('has accessible grade and roster pages (axe, WCAG AA) whose filter works from the keyboard', async () => {
    await withPage(
      t,
      async (page) => {
        await page.goto(`/organiser/sessions/${sessionId}/grades`);
        expect(await checkA11y(page)).to.deep.equal([]);
        await page.goto(`/organiser/sessions/${sessionId}/roster`);
        expect(await checkA11y(page)).to.deep.equal([]);
        await page.getByLabel('Afficher').focus();
        await page.keyboard.press('ArrowDown');
        await page.getByRole('button', { name: 'Filtrer' }).focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(/filter=not_launched/);
        const launchedCells = await page.locator('#roster-members tbody tr td:nth-of-type(2)').allTextContents();
        expect(launchedCells.length).to.be.greaterThan(200);
        expect(new Set(launchedCells)).to.deep.equal(new Set(['Non']));
      },
      { signedIn: organiser.browser },
    );
  });
});
