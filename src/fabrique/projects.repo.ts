import { and, asc, desc, eq, inArray, lte, ne, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { ltiUsers } from '../lti/lti.tables';
import { fabriqueComments, fabriqueDeliverables, fabriqueHistory, fabriqueProgress, fabriqueProjects, fabriqueReviews, fabriqueSupports, type Stage } from './fabrique.tables';

/** SQL of la Fabrique's projects: the project row and what hangs from it (deliverables, supports, comments, history, reviews, progress). */

export type ProjectRow = typeof fabriqueProjects.$inferSelect;
export type ProjectInsert = typeof fabriqueProjects.$inferInsert;
export type DeliverableRow = typeof fabriqueDeliverables.$inferSelect;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Whether a string is a UUID (so a malformed id is "not found", not a database error). */
export const isUuid = (v: string) => UUID_RE.test(v);

/** A person's display fields, joined where a row names its author. */
const person = { name: ltiUsers.name, givenName: ltiUsers.givenName, service: ltiUsers.service };

export async function insertProject(db: DbOrTx, values: ProjectInsert): Promise<ProjectRow> {
  const [row] = await db.insert(fabriqueProjects).values(values).returning();
  return row!;
}

export async function findProject(db: DbOrTx, id: string): Promise<ProjectRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(fabriqueProjects).where(eq(fabriqueProjects.id, id));
  return row;
}

export async function findProjectByCreationKey(db: DbOrTx, key: string): Promise<ProjectRow | undefined> {
  const [row] = await db.select().from(fabriqueProjects).where(eq(fabriqueProjects.creationKey, key));
  return row;
}

/** Updates a project and bumps its version; with `expectedVersion`, only if nobody changed it since (else undefined). */
export async function updateProject(db: DbOrTx, id: string, values: Partial<ProjectInsert>, expectedVersion?: number): Promise<ProjectRow | undefined> {
  const where = expectedVersion === undefined ? eq(fabriqueProjects.id, id) : and(eq(fabriqueProjects.id, id), eq(fabriqueProjects.version, expectedVersion));
  const [row] = await db
    .update(fabriqueProjects)
    .set({ ...values, version: sql`${fabriqueProjects.version} + 1` })
    .where(where)
    .returning();
  return row;
}

/** Projects in the given stages, most recently changed first. */
export function listProjects(db: DbOrTx, options: { stages?: readonly Stage[]; proposerRef?: string; limit?: number } = {}): Promise<ProjectRow[]> {
  const conditions = [];
  if (options.stages) conditions.push(inArray(fabriqueProjects.stage, [...options.stages]));
  if (options.proposerRef) conditions.push(eq(fabriqueProjects.proposerRef, options.proposerRef));
  return db
    .select()
    .from(fabriqueProjects)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(fabriqueProjects.updatedAt))
    .limit(options.limit ?? 500);
}

/** Proposals and projects whose title resembles `title` (pg_trgm similarity or word similarity), best first. */
export async function similarProjects(db: DbOrTx, title: string, limit = 5): Promise<Array<{ id: string; title: string; stage: Stage; score: number }>> {
  const rows = await db
    .select({
      id: fabriqueProjects.id,
      title: fabriqueProjects.title,
      stage: fabriqueProjects.stage,
      score: sql<number>`greatest(similarity(${fabriqueProjects.title}, ${title}), word_similarity(${title}, ${fabriqueProjects.title}))`.as('score'),
    })
    .from(fabriqueProjects)
    .where(sql`(${fabriqueProjects.title} % ${title} or ${title} <% ${fabriqueProjects.title})`)
    .orderBy(sql`score desc`, asc(fabriqueProjects.title))
    .limit(limit);
  return rows.map((r) => ({ ...r, score: Number(r.score) }));
}

export async function replaceDeliverables(db: DbOrTx, projectId: string, list: Array<{ id?: string; title: string; dueOn: string; status: DeliverableRow['status']; deliveredAt: Date | null }>): Promise<void> {
  await db.delete(fabriqueDeliverables).where(eq(fabriqueDeliverables.projectId, projectId));
  if (list.length) await db.insert(fabriqueDeliverables).values(list.map((d, position) => ({ ...d, projectId, position })));
}

export async function listDeliverables(db: DbOrTx, projectIds: string[]): Promise<DeliverableRow[]> {
  if (!projectIds.length) return [];
  return db.select().from(fabriqueDeliverables).where(inArray(fabriqueDeliverables.projectId, projectIds)).orderBy(asc(fabriqueDeliverables.position));
}

export async function setDeliverableStatus(db: DbOrTx, projectId: string, id: string, status: DeliverableRow['status'], at: Date): Promise<DeliverableRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .update(fabriqueDeliverables)
    .set({ status, deliveredAt: status === 'delivered' ? at : null })
    .where(and(eq(fabriqueDeliverables.id, id), eq(fabriqueDeliverables.projectId, projectId)))
    .returning();
  return row;
}

/** Deliverables not delivered whose due date is on or before `day`, with their project's title. */
export function dueDeliverables(db: DbOrTx, day: string) {
  return db
    .select({ id: fabriqueDeliverables.id, title: fabriqueDeliverables.title, dueOn: fabriqueDeliverables.dueOn, projectId: fabriqueProjects.id, projectTitle: fabriqueProjects.title })
    .from(fabriqueDeliverables)
    .innerJoin(fabriqueProjects, eq(fabriqueProjects.id, fabriqueDeliverables.projectId))
    .where(and(ne(fabriqueDeliverables.status, 'delivered'), lte(fabriqueDeliverables.dueOn, day), notInArray(fabriqueProjects.stage, ['declined', 'transferred', 'stopped'])))
    .orderBy(asc(fabriqueDeliverables.dueOn));
}

/** Adds a "me too"; false when the person had already supported it. */
export async function addSupport(db: DbOrTx, projectId: string, userRef: string, at: Date): Promise<boolean> {
  const rows = await db.insert(fabriqueSupports).values({ projectId, userRef, createdAt: at }).onConflictDoNothing().returning();
  return rows.length > 0;
}

export async function supportCounts(db: DbOrTx, projectIds: string[]): Promise<Map<string, number>> {
  if (!projectIds.length) return new Map();
  const rows = await db
    .select({ projectId: fabriqueSupports.projectId, n: sql<number>`count(*)::int` })
    .from(fabriqueSupports)
    .where(inArray(fabriqueSupports.projectId, projectIds))
    .groupBy(fabriqueSupports.projectId);
  return new Map(rows.map((r) => [r.projectId, Number(r.n)]));
}

export async function hasSupported(db: DbOrTx, projectId: string, userRef: string): Promise<boolean> {
  const [row] = await db.select({ u: fabriqueSupports.userRef }).from(fabriqueSupports).where(and(eq(fabriqueSupports.projectId, projectId), eq(fabriqueSupports.userRef, userRef)));
  return Boolean(row);
}

export async function insertComment(db: DbOrTx, values: typeof fabriqueComments.$inferInsert): Promise<void> {
  await db.insert(fabriqueComments).values(values);
}

export function listComments(db: DbOrTx, projectId: string) {
  return db
    .select({ id: fabriqueComments.id, kind: fabriqueComments.kind, body: fabriqueComments.body, createdAt: fabriqueComments.createdAt, authorRef: fabriqueComments.authorRef, ...person })
    .from(fabriqueComments)
    .leftJoin(ltiUsers, eq(ltiUsers.id, fabriqueComments.authorRef))
    .where(eq(fabriqueComments.projectId, projectId))
    .orderBy(asc(fabriqueComments.createdAt));
}

/** One line of a project's history: who did what, when and why. */
export async function insertHistory(db: DbOrTx, values: typeof fabriqueHistory.$inferInsert): Promise<void> {
  await db.insert(fabriqueHistory).values(values);
}

export function listHistory(db: DbOrTx, projectId: string) {
  return db
    .select({ action: fabriqueHistory.action, reason: fabriqueHistory.reason, detail: fabriqueHistory.detail, at: fabriqueHistory.at, ...person })
    .from(fabriqueHistory)
    .leftJoin(ltiUsers, eq(ltiUsers.id, fabriqueHistory.actorRef))
    .where(eq(fabriqueHistory.projectId, projectId))
    .orderBy(asc(fabriqueHistory.at), asc(fabriqueHistory.id));
}

export async function insertReview(db: DbOrTx, values: typeof fabriqueReviews.$inferInsert): Promise<void> {
  await db.insert(fabriqueReviews).values(values);
}

export function listReviews(db: DbOrTx, projectId: string) {
  return db.select().from(fabriqueReviews).where(eq(fabriqueReviews.projectId, projectId)).orderBy(asc(fabriqueReviews.heldOn), asc(fabriqueReviews.createdAt));
}

export async function insertProgress(db: DbOrTx, values: typeof fabriqueProgress.$inferInsert): Promise<void> {
  await db.insert(fabriqueProgress).values(values);
}

export function listProgress(db: DbOrTx, projectId: string) {
  return db
    .select({ body: fabriqueProgress.body, at: fabriqueProgress.at, ...person })
    .from(fabriqueProgress)
    .leftJoin(ltiUsers, eq(ltiUsers.id, fabriqueProgress.authorRef))
    .where(eq(fabriqueProgress.projectId, projectId))
    .orderBy(desc(fabriqueProgress.at))
    .limit(100);
}
