import { eq } from 'drizzle-orm';
import { activityCheckinCodes } from '../../src/activities/activities.tables';
import { gradesRosters, gradesScores } from '../../src/grades/grades.tables';
import { ltiResourceLinks } from '../../src/lti/lti.tables';
import { buildSession, configure } from '../activities/helpers';
import type { TestApp } from '../support/app';
import { buildLaunch, signIn } from '../support/factories';
import type { Browser } from '../support/http';
import { SIMULATOR_CLIENT_ID, SIMULATOR_DEPLOYMENT_ID, SIMULATOR_ISSUER } from '../support/lti-simulator';

/**
 * Two courses and their people, for the access tests: course A owns a published session (activities, a
 * resource, a check-in code, a refused grade) and a draft; course B links A's published session from one of
 * its activities, and has a learner who took part; course C links nothing.
 */

export const A_LEARNER = { name: 'Aline Apprenante-Adélaïde', email: 'aline.apprenante@ac-dijon.fr' };
export const B_LEARNER = { name: 'Bruno Bapprenant-Bérénice', email: 'bruno.bapprenant@ac-dijon.fr' };
export const A_DRAFT_TITLE = 'Brouillon confidentiel du cours A';
export const A_CODE = 'QWERTY';

const course = (id: 'A' | 'B' | 'C') => ({ issuer: SIMULATOR_ISSUER, deploymentId: SIMULATOR_DEPLOYMENT_ID, contextId: `course-${id}`, contextTitle: `Cours ${id}` });

export interface AccessFixture {
  published: { id: string; title: string; resourceId: string };
  draftId: string;
  contexts: { A: string; B: string; C: string };
  links: { A: string; B: string };
  aLearner: { userId: string };
  bLearner: { userId: string };
  /** Browsers signed in as: a learner of A, an organiser of A, an organiser of B (linking), one of C (no link), an administrator. */
  as: { learnerA: Browser; organiserA: Browser; organiserB: Browser; organiserC: Browser; admin: Browser };
}

/** Builds the fixture in a test app's database. */
export async function buildAccessFixture(t: TestApp): Promise<AccessFixture> {
  const db = t.database.db;
  const organiserA = await signIn(t, { ...course('A'), role: 'organiser', name: 'Olivia Organisatrice A' });
  const contextA = organiserA.contextRef!;
  const { session, resources } = await buildSession(db, { title: 'Découvrir OpenStreetMap (cours A)', ownerContextRef: contextA });
  await configure(db, session.id, [{ kind: 'self-positioning' }, { kind: 'quiz' }, { kind: 'needs' }, { kind: 'satisfaction' }, { kind: 'follow-up' }]);
  const { session: draft } = await buildSession(db, { title: A_DRAFT_TITLE, ownerContextRef: contextA, status: 'draft' });
  await db.insert(activityCheckinCodes).values({ sessionId: session.id, code: A_CODE });

  const linkA = `a-link-${session.id}`;
  const aLearner = await buildLaunch(db, { ...course('A'), ...A_LEARNER, resourceLinkId: linkA, sessionId: session.id });
  const learnerA = await signIn(t, { ...course('A'), name: 'Lina Learner', resourceLinkId: linkA, sessionId: session.id });
  const linkB = `b-link-${session.id}`;
  const bLearner = await buildLaunch(db, { ...course('B'), ...B_LEARNER, resourceLinkId: linkB, sessionId: session.id });
  const organiserB = await signIn(t, { ...course('B'), role: 'organiser', name: 'Octave Organisateur B', resourceLinkId: linkB, sessionId: session.id });
  const organiserC = await signIn(t, { ...course('C'), role: 'organiser', name: 'Capucine Organisatrice C' });
  const admin = await signIn(t, { ...course('C'), role: 'organiser', isAdmin: true, name: 'Ada Administratrice' });

  // Course rosters as the platform's NRPS gave them a moment ago (cached, so no platform is asked).
  const member = (userId: string, who: { name: string; email: string }) => ({ userId, roles: ['Learner'], name: who.name, email: who.email });
  await db.insert(gradesRosters).values([
    { contextRef: contextA, members: [member(aLearner.sub, A_LEARNER)], memberCount: 1, pages: 1, fetchedAt: new Date() },
    { contextRef: organiserB.contextRef!, members: [member(bLearner.sub, B_LEARNER)], memberCount: 1, pages: 1, fetchedAt: new Date() },
  ]);

  // A refused gradebook score of A's learner (for retry), on A's link.
  await db.insert(gradesScores).values({
    resourceLinkRef: aLearner.resourceLinkRef,
    userRef: aLearner.userId,
    sessionId: session.id,
    issuer: SIMULATOR_ISSUER,
    clientId: SIMULATOR_CLIENT_ID,
    deploymentId: SIMULATOR_DEPLOYMENT_ID,
    scoreGiven: 100,
    scoreMaximum: 100,
    activityProgress: 'Completed',
    gradingProgress: 'FullyGraded',
    scoreTimestamp: new Date(),
    status: 'refused',
    remoteStatus: 400,
    remoteBody: 'refused for the test',
  });
  return {
    published: { id: session.id, title: session.title, resourceId: resources[0]!.id },
    draftId: draft.id,
    contexts: { A: contextA, B: organiserB.contextRef!, C: organiserC.contextRef! },
    links: { A: aLearner.resourceLinkRef, B: organiserB.resourceLinkRef },
    aLearner: { userId: aLearner.userId },
    bLearner: { userId: bLearner.userId },
    as: { learnerA: learnerA.browser, organiserA: organiserA.browser, organiserB: organiserB.browser, organiserC: organiserC.browser, admin: admin.browser },
  };
}

/** The session a resource link shows. */
export async function linkedSessionOf(t: TestApp, resourceLinkRef: string): Promise<string | null> {
  const [row] = await t.database.db.select({ s: ltiResourceLinks.sessionId }).from(ltiResourceLinks).where(eq(ltiResourceLinks.id, resourceLinkRef));
  return row?.s ?? null;
}
