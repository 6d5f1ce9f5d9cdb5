import { expect } from 'chai';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { gradesScores } from '../../src/grades/grades.tables';
import { parisWeek } from '../../src/home/home.service';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { buildLaunch, signIn } from '../support/factories';
import { Browser } from '../support/http';
import { launchAs } from '../support/lti';
import { SIMULATOR_CLIENT_ID, SIMULATOR_DEPLOYMENT_ID, SIMULATOR_ISSUER } from '../support/lti-simulator';

/** A Wednesday at noon in Paris: the week runs from Monday 8 June 2026 to Sunday 14 June. */
const NOW = new Date('2026-06-10T10:00:00Z');
const at = (iso: string) => new Date(iso);
const course = (id: string) => ({ issuer: SIMULATOR_ISSUER, deploymentId: SIMULATOR_DEPLOYMENT_ID, contextId: id, contextTitle: `Cours ${id}` });

/** Issue #17 ("a home for launched users") and #16 ("the participant's home lists their sessions and links the catalogue"). */
describe('home: the page a launched person lands on', function () {
  this.timeout(120_000);
  let t: TestApp;
  const ids: Record<string, string> = {};
  let organiserA: Browser;
  let organiserC: Browser;
  let learner: Browser;

  before(async () => {
    t = await createTestApp({ clock: new TestClock(NOW) });
    const db = t.database.db;
    const a = await signIn(t, { ...course('course-A'), role: 'organiser', name: 'Olivia Organisatrice' });
    organiserA = a.browser;
    organiserC = (await signIn(t, { ...course('course-C'), role: 'organiser' })).browser;
    const session = async (key: string, title: string, startsAt: string, status: 'draft' | 'published' = 'published', owner: string | null = a.contextRef) => {
      const [row] = await db
        .insert(catalogSessions)
        .values({ title, startsAt: at(startsAt), endsAt: new Date(at(startsAt).getTime() + 3600_000), status, place: 'Hall du rectorat', ownerContextRef: owner })
        .returning({ id: catalogSessions.id });
      ids[key] = row!.id;
    };
    await session('week', 'Atelier Framapad de la semaine', '2026-06-11T10:00:00Z');
    await session('draft', 'Brouillon confidentiel sur Tchap', '2026-06-25T10:00:00Z', 'draft');
    await session('july', 'Découvrir Peertube en juillet', '2026-07-02T10:00:00Z');
    await session('past', 'Session passée sur OpenStreetMap', '2026-05-05T10:00:00Z');
    await session('other', 'Session d’un autre cours', '2026-06-12T10:00:00Z', 'published', null);

    // A learner of course A, launched from the week's session; earlier, from the past session.
    const sub = 'learner-home';
    const past = await buildLaunch(db, { ...course('course-A'), sub, name: 'Lucie Participante', resourceLinkId: 'link-past', sessionId: ids.past });
    learner = (await signIn(t, { ...course('course-A'), sub, name: 'Lucie Participante', resourceLinkId: 'link-week', sessionId: ids.week })).browser;
    // Moodle refused the past session's grade.
    await db.insert(gradesScores).values({
      resourceLinkRef: past.resourceLinkRef,
      userRef: past.userId,
      sessionId: ids.past,
      issuer: SIMULATOR_ISSUER,
      clientId: SIMULATOR_CLIENT_ID,
      deploymentId: SIMULATOR_DEPLOYMENT_ID,
      scoreGiven: 100,
      scoreMaximum: 100,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      scoreTimestamp: NOW,
      status: 'refused',
      remoteStatus: 400,
      remoteBody: 'refused for the test',
    });
  });
  after(async () => t?.close());

  const section = (html: string, id: string) => new RegExp(`<section[^>]*aria-labelledby="${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? '';

  it('computes the Paris week from Monday 00:00 to the next Monday, across a change of time', () => {
    expect(parisWeek(NOW)).to.deep.equal({ start: at('2026-06-07T22:00:00Z'), end: at('2026-06-14T22:00:00Z') });
    // Sunday 29 March 2026 at 23:30 Paris: still the week of Monday 23 March (UTC+1), ending Monday 30 March at 00:00 (UTC+2).
    expect(parisWeek(at('2026-03-29T21:30:00Z'))).to.deep.equal({ start: at('2026-03-22T23:00:00Z'), end: at('2026-03-29T22:00:00Z') });
  });

  it('shows a participant the session of the activity they launched, their upcoming and past sessions, and the catalogue', async () => {
    const res = await learner.get('/home');
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain('Bonjour Lucie Participante');
    expect(section(html, 'home-current')).to.contain('Atelier Framapad de la semaine').and.to.contain(`href="/sessions/${ids.week}"`);
    expect(section(html, 'home-upcoming')).to.contain('Atelier Framapad de la semaine').and.to.contain('href="/catalogue"');
    expect(section(html, 'home-past')).to.contain('Session passée sur OpenStreetMap');
    expect(html).not.to.contain('Brouillon confidentiel sur Tchap');
    expect(html).to.contain('jeudi 11 juin 2026').and.to.contain('12:00');
  });

  it('shows an organiser what needs attention in their course: this week’s sessions with the check-in screen, drafts, refused grades; then the next sessions', async () => {
    const html = await (await organiserA.get('/home')).text();
    const attention = section(html, 'home-attention');
    expect(attention).to.contain('Sessions de cette semaine').and.to.contain('Atelier Framapad de la semaine').and.to.contain(`/organiser/sessions/${ids.week}/checkin`);
    expect(attention).to.contain('Brouillons à publier').and.to.contain('Brouillon confidentiel sur Tchap');
    expect(attention).to.contain('Notes refusées par Moodle').and.to.contain('Notes refusées : 1').and.to.contain(`/organiser/sessions/${ids.past}/grades`);
    expect(section(html, 'home-next')).to.contain('Découvrir Peertube en juillet');
    expect(html).not.to.contain('Session d’un autre cours');
    expect(html).to.contain('href="/organiser/sessions/new"');
  });

  it('shows another course’s organiser none of course A’s sessions, drafts or refused grades', async () => {
    const html = await (await organiserC.get('/home')).text();
    for (const title of ['Atelier Framapad de la semaine', 'Brouillon confidentiel sur Tchap', 'Session passée sur OpenStreetMap', 'Découvrir Peertube en juillet']) expect(html).not.to.contain(title);
    expect(html).to.contain('Aucune session pour ce cours pour le moment');
  });

  it('asks nobody without a launch to open Moodle (401) and changes nothing', async () => {
    const res = await new Browser(t.url).get('/home');
    expect(res.status).to.equal(401);
  });

  it('lands an administrator’s launch from an unbound activity on the home, with the way to bind it; a teacher’s still on the binding page', async () => {
    const admin = await launchAs(t, { role: 'admin', ...course('course-A') });
    expect(admin.location).to.equal('/home');
    const html = await admin.response.text();
    expect(section(html, 'home-attention')).to.contain('Cette activité Moodle n&#x27;est encore liée à aucune session.').and.to.contain('href="/lti/bind"');
    // Académie-wide: the administrator sees every course's drafts.
    expect(html).to.contain('Brouillon confidentiel sur Tchap');
    const teacher = await launchAs(t, { role: 'organiser', ...course('course-A') });
    expect(teacher.location).to.equal('/lti/bind');
  });
});
