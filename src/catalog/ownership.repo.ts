import { and, asc, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { ltiContexts, ltiResourceLinks } from '../lti/lti.tables';
import type { DbOrTx } from '../platform/db/client';
import { isUuid } from './catalog.repo';
import { catalogSessionOrganisers, catalogSessions } from './catalog.tables';

/**
 * Reads and writes of the ownership model: co-organiser courses, and how a course stands towards a session.
 * Correlated subqueries name the outer column `catalog_sessions.id` literally: Drizzle writes a lone table's
 * columns unqualified, and an unqualified "id" inside the subquery would be the subquery's own.
 */

/** A session's status and owner, and whether a course co-organises it or shows it through one of its links. */
export interface SessionStanding {
  status: string;
  ownerContextRef: string | null;
  coOrganiser: boolean;
  linked: boolean;
}

/** How the course `contextRef` (none: null) stands towards a session, in one query; undefined when there is no such session. */
export async function findSessionStanding(db: DbOrTx, sessionId: string, contextRef: string | null): Promise<SessionStanding | undefined> {
  if (!isUuid(sessionId)) return undefined;
  const ctx = contextRef && isUuid(contextRef) ? contextRef : null;
  const [row] = await db
    .select({
      status: catalogSessions.status,
      ownerContextRef: catalogSessions.ownerContextRef,
      coOrganiser: ctx
        ? sql<boolean>`exists (select 1 from ${catalogSessionOrganisers} o where o.session_id = catalog_sessions.id and o.context_ref = ${ctx})`
        : sql<boolean>`false`,
      linked: ctx ? sql<boolean>`exists (select 1 from ${ltiResourceLinks} r where r.session_id = catalog_sessions.id and r.context_ref = ${ctx})` : sql<boolean>`false`,
    })
    .from(catalogSessions)
    .where(eq(catalogSessions.id, sessionId));
  return row ? { ...row, coOrganiser: Boolean(row.coOrganiser), linked: Boolean(row.linked) } : undefined;
}

/** Which of these sessions the course `contextRef` owns or co-organises. */
export async function findManagedAmong(db: DbOrTx, sessionIds: string[], contextRef: string | null): Promise<Set<string>> {
  const ids = sessionIds.filter(isUuid);
  if (!contextRef || !isUuid(contextRef) || ids.length === 0) return new Set();
  const rows = await db
    .select({ id: catalogSessions.id })
    .from(catalogSessions)
    .where(
      and(
        inArray(catalogSessions.id, ids),
        or(eq(catalogSessions.ownerContextRef, contextRef), sql`exists (select 1 from ${catalogSessionOrganisers} o where o.session_id = catalog_sessions.id and o.context_ref = ${contextRef})`),
      ),
    );
  return new Set(rows.map((r) => r.id));
}

/** Titles of courses by our id (the LMS context id when the course has no title). */
export async function findCourseTitles(db: DbOrTx, contextRefs: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(contextRefs.filter(isUuid))];
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: ltiContexts.id, title: ltiContexts.title, contextId: ltiContexts.contextId }).from(ltiContexts).where(inArray(ltiContexts.id, ids));
  return new Map(rows.map((r) => [r.id, r.title ?? r.contextId]));
}

/** Our id of the course a launch names (issuer, deployment, LMS context id), when Instants knows it. */
export async function findContextRef(db: DbOrTx, course: { issuer: string; deploymentId: string; contextId: string }): Promise<string | undefined> {
  const [row] = await db
    .select({ id: ltiContexts.id })
    .from(ltiContexts)
    .where(and(eq(ltiContexts.issuer, course.issuer), eq(ltiContexts.deploymentId, course.deploymentId), eq(ltiContexts.contextId, course.contextId)));
  return row?.id;
}

/** A course as the co-organiser list shows it. */
export interface CourseChoice {
  contextRef: string;
  title: string | null;
  contextId: string;
}

/** The co-organiser courses of a session, by title. */
export async function listCoOrganisers(db: DbOrTx, sessionId: string): Promise<CourseChoice[]> {
  return db
    .select({ contextRef: ltiContexts.id, title: ltiContexts.title, contextId: ltiContexts.contextId })
    .from(catalogSessionOrganisers)
    .innerJoin(ltiContexts, eq(ltiContexts.id, catalogSessionOrganisers.contextRef))
    .where(eq(catalogSessionOrganisers.sessionId, sessionId))
    .orderBy(asc(ltiContexts.title), asc(ltiContexts.contextId));
}

/** Courses of the same platform that could be added as co-organisers (not the owner), by title. */
export async function listCourseChoices(db: DbOrTx, issuer: string, ownerContextRef: string | null, limit = 500): Promise<CourseChoice[]> {
  return db
    .select({ contextRef: ltiContexts.id, title: ltiContexts.title, contextId: ltiContexts.contextId })
    .from(ltiContexts)
    .where(and(eq(ltiContexts.issuer, issuer), ownerContextRef ? ne(ltiContexts.id, ownerContextRef) : undefined))
    .orderBy(asc(ltiContexts.title), asc(ltiContexts.contextId))
    .limit(limit);
}

/** The course with this id on this platform, if any. */
export async function findCourse(db: DbOrTx, contextRef: string, issuer: string): Promise<CourseChoice | undefined> {
  if (!isUuid(contextRef)) return undefined;
  const [row] = await db
    .select({ contextRef: ltiContexts.id, title: ltiContexts.title, contextId: ltiContexts.contextId })
    .from(ltiContexts)
    .where(and(eq(ltiContexts.id, contextRef), eq(ltiContexts.issuer, issuer)));
  return row;
}

/** The title of a course (any platform), or null. */
export async function findCourseTitle(db: DbOrTx, contextRef: string | null): Promise<string | null> {
  if (!contextRef || !isUuid(contextRef)) return null;
  const [row] = await db.select({ title: ltiContexts.title, contextId: ltiContexts.contextId }).from(ltiContexts).where(eq(ltiContexts.id, contextRef));
  return row ? (row.title ?? row.contextId) : null;
}

/** Adds a co-organiser course; false when it already was one. */
export async function insertCoOrganiser(db: DbOrTx, row: { sessionId: string; contextRef: string; addedBy: string; addedAt: Date }): Promise<boolean> {
  const rows = await db.insert(catalogSessionOrganisers).values(row).onConflictDoNothing().returning({ s: catalogSessionOrganisers.sessionId });
  return rows.length === 1;
}

/** Removes a co-organiser course; false when it was not one. */
export async function deleteCoOrganiser(db: DbOrTx, sessionId: string, contextRef: string): Promise<boolean> {
  if (!isUuid(contextRef)) return false;
  const rows = await db
    .delete(catalogSessionOrganisers)
    .where(and(eq(catalogSessionOrganisers.sessionId, sessionId), eq(catalogSessionOrganisers.contextRef, contextRef)))
    .returning({ s: catalogSessionOrganisers.sessionId });
  return rows.length === 1;
}
