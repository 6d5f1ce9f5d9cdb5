import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { activityAttendances, activitySessionCompletions, ltiContexts, ltiLaunches, ltiUsers } from '../platform/db/schema';
import { gradesRosters } from './grades.tables';
import type { NrpsMember } from './nrps.client';

export async function findContext(db: DbOrTx, contextRef: string) {
  const [row] = await db.select().from(ltiContexts).where(eq(ltiContexts.id, contextRef));
  return row;
}

/** The most recent NRPS URL and client id seen in a launch from this course. */
export async function findMembershipsUrl(db: DbOrTx, contextRef: string): Promise<{ url: string; clientId: string | null } | undefined> {
  const [row] = await db
    .select({ url: ltiLaunches.nrpsUrl, clientId: ltiLaunches.clientId })
    .from(ltiLaunches)
    .where(and(eq(ltiLaunches.contextRef, contextRef), isNotNull(ltiLaunches.nrpsUrl)))
    .orderBy(desc(ltiLaunches.launchedAt))
    .limit(1);
  return row?.url ? { url: row.url, clientId: row.clientId } : undefined;
}

export async function findCachedRoster(db: DbOrTx, contextRef: string) {
  const [row] = await db.select().from(gradesRosters).where(eq(gradesRosters.contextRef, contextRef));
  return row ? { ...row, members: row.members as NrpsMember[] } : undefined;
}

export async function saveRoster(db: DbOrTx, contextRef: string, members: NrpsMember[], pages: number, at: Date): Promise<void> {
  const values = { contextRef, members, memberCount: members.length, pages, fetchedAt: at };
  await db.insert(gradesRosters).values(values).onConflictDoUpdate({ target: gradesRosters.contextRef, set: values });
}

/** Platform user ids (sub) of people who launched from a course, attended a session, completed it. */
export async function findStatuses(db: DbOrTx, issuer: string, contextRef: string, sessionId: string) {
  const launched = await db
    .selectDistinct({ sub: ltiUsers.sub, role: ltiLaunches.role })
    .from(ltiLaunches)
    .innerJoin(ltiUsers, eq(ltiUsers.id, ltiLaunches.userRef))
    .where(and(eq(ltiLaunches.contextRef, contextRef), eq(ltiUsers.issuer, issuer)));
  const attended = await db
    .select({ sub: ltiUsers.sub })
    .from(activityAttendances)
    .innerJoin(ltiUsers, eq(ltiUsers.id, activityAttendances.userRef))
    .where(and(eq(activityAttendances.sessionId, sessionId), eq(ltiUsers.issuer, issuer)));
  const completed = await db
    .select({ sub: ltiUsers.sub })
    .from(activitySessionCompletions)
    .innerJoin(ltiUsers, eq(ltiUsers.id, activitySessionCompletions.userRef))
    .where(and(eq(activitySessionCompletions.sessionId, sessionId), eq(ltiUsers.issuer, issuer)));
  return {
    launched: new Set(launched.map((r) => r.sub)),
    // Who launched Instants from this course as an organiser (Moodle's non-editing teachers among them, whom its NRPS lists as Learner).
    organisers: new Set(launched.filter((r) => r.role === 'organiser').map((r) => r.sub)),
    attended: new Set(attended.map((r) => r.sub)), completed: new Set(completed.map((r) => r.sub)) };
}
