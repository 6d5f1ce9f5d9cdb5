import { configureDemoActivities, recordDemoAttendance } from '../activities';
import { createDemoCatalog, hasSeries } from '../catalog';
import { planDemoSessions, seedDemo, type DemoAttendance, type DemoQuestion } from '../dashboard';
import { DEMO_COURSE, DEMO_DEPLOYMENT_ID, DEMO_ISSUER, ensureDemoContext, ensureDemoUsers } from '../lti';
import type { Db } from '../platform/db/client';

/**
 * `seed --demo`: a year of Instants in the demo Moodle's course, made of real records: a series of sessions in
 * the catalogue (past and upcoming, published, with CRCN competences and resources), their activities (a quiz,
 * self-positioning, needs, satisfaction, follow-up), the people who came (attendance and completion) and the
 * learning records of the year, which name those very sessions, resources and questions.
 */

export const DEMO_SERIES = { title: 'Instants numériques 2025-2026', description: "Une heure à l'heure du déjeuner, dans le hall du rectorat, pour découvrir un outil numérique." };

export interface DemoYearOptions {
  baseIri: string;
  pseudonymKey: string;
  /** Last day of the year of records (usually now). */
  end: Date;
  now: Date;
  past?: number;
  upcoming?: number;
  people?: number;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export type DemoYearResult = { seeded: false; reason: 'already_seeded' } | { seeded: true; sessions: number; upcoming: number; statements: number; attendances: number };

const GIVEN = ['Camille', 'Dominique', 'Claude', 'Alix', 'Sasha', 'Lou', 'Eden', 'Morgan', 'Yannick', 'Maël', 'Andrea', 'Gaël', 'Loïc', 'Manon', 'Inès', 'Hugo', 'Lucie', 'Nathan', 'Chloé', 'Karim', 'Fatou', 'Jules', 'Léna', 'Samuel'];
const FAMILY = ['Martin', 'Bernard', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Faure'];

const quizOf = (tool: string, questions: DemoQuestion[]) => ({ title: `Quiz : ${tool}`, masteryPercent: 75, questions });

/** Seeds the demo year once (a second run finds the series and leaves everything as it is). */
export async function seedDemoYear(db: Db, o: DemoYearOptions): Promise<DemoYearResult> {
  const plan = planDemoSessions({ end: o.end, now: o.now, past: o.past, upcoming: o.upcoming });
  const created = await db.transaction(async (tx) => {
    const contextRef = await ensureDemoContext(tx, { issuer: DEMO_ISSUER, deploymentId: DEMO_DEPLOYMENT_ID, contextId: DEMO_COURSE.id, title: DEMO_COURSE.title }, o.now);
    if (await hasSeries(tx, contextRef, DEMO_SERIES.title)) return undefined;
    const records = await createDemoCatalog(tx, { ownerContextRef: contextRef, series: DEMO_SERIES, sessions: plan, now: o.now });
    const sessions = records.map((r, i) => ({ ...r, quiz: quizOf(r.tool, plan[i]!.questions), past: plan[i]!.past }));
    for (const r of sessions) await configureDemoActivities(tx, r.id, r.quiz, o.now);
    return sessions;
  });
  if (!created) return { seeded: false, reason: 'already_seeded' };
  const past = created.filter((r) => r.past);
  const attendances: DemoAttendance[] = [];
  const statements = await seedDemo(db, {
    baseIri: o.baseIri,
    pseudonymKey: o.pseudonymKey,
    issuer: DEMO_ISSUER,
    contextId: DEMO_COURSE.id,
    contextTitle: DEMO_COURSE.title,
    end: o.end,
    people: o.people,
    seed: o.seed,
    records: past,
    onProgress: o.onProgress,
    onAttendance: (a) => attendances.push(a),
  });
  await db.transaction(async (tx) => {
    const people = [...new Map(attendances.map((a) => [a.sub, a.profile]))];
    const users = await ensureDemoUsers(
      tx,
      DEMO_ISSUER,
      people.map(([sub, profile], i) => ({ sub, givenName: GIVEN[i % GIVEN.length]!, familyName: FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!, service: profile.service, jobFamily: profile.jobFamily })),
    );
    await recordDemoAttendance(tx, attendances.map((a) => ({ sessionId: a.sessionId, userRef: users.get(a.sub)!, method: a.method, attendedAt: a.attendedAt, completedAt: a.completedAt })));
  });
  return { seeded: true, sessions: past.length, upcoming: created.length - past.length, statements, attendances: attendances.length };
}
