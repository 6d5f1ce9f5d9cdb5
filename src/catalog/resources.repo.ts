import crypto from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { catalogFiles, catalogResources, catalogSessions } from './catalog.tables';
import { isUuid } from './catalog.repo';

export type ResourceRow = typeof catalogResources.$inferSelect;
export type ResourceWithFile = ResourceRow & { file: { filename: string; contentType: string; sizeBytes: number } | null };

/** The resources of a session in their order, with the name, type and size of uploaded files. */
export async function listResourceRows(db: DbOrTx, sessionId: string): Promise<ResourceWithFile[]> {
  if (!isUuid(sessionId)) return [];
  const rows = await db
    .select({ resource: catalogResources, filename: catalogFiles.filename, contentType: catalogFiles.contentType, sizeBytes: catalogFiles.sizeBytes })
    .from(catalogResources)
    .leftJoin(catalogFiles, eq(catalogFiles.id, catalogResources.fileId))
    .where(eq(catalogResources.sessionId, sessionId))
    .orderBy(asc(catalogResources.position), asc(catalogResources.createdAt));
  return rows.map((r) => ({
    ...r.resource,
    file: r.filename !== null ? { filename: r.filename, contentType: r.contentType!, sizeBytes: r.sizeBytes! } : null,
  }));
}

export async function findResource(db: DbOrTx, sessionId: string, id: string): Promise<ResourceRow | undefined> {
  if (!isUuid(id) || !isUuid(sessionId)) return undefined;
  const [row] = await db.select().from(catalogResources).where(and(eq(catalogResources.id, id), eq(catalogResources.sessionId, sessionId)));
  return row;
}

export async function insertResource(db: DbOrTx, values: typeof catalogResources.$inferInsert): Promise<ResourceRow> {
  const [{ next }] = (await db
    .select({ next: sql<number>`coalesce(max(${catalogResources.position}), 0) + 1` })
    .from(catalogResources)
    .where(eq(catalogResources.sessionId, values.sessionId))) as [{ next: number }];
  const [row] = await db.insert(catalogResources).values({ ...values, position: Number(next) }).returning();
  return row!;
}

export async function updateResource(db: DbOrTx, id: string, values: Partial<typeof catalogResources.$inferInsert>): Promise<void> {
  await db.update(catalogResources).set(values).where(eq(catalogResources.id, id));
}

/** Deletes a resource, and its file when no other resource uses it. */
export async function deleteResource(db: DbOrTx, resource: ResourceRow): Promise<void> {
  await db.delete(catalogResources).where(eq(catalogResources.id, resource.id));
  if (resource.fileId) await deleteFileIfUnused(db, resource.fileId);
}

export async function deleteFileIfUnused(db: DbOrTx, fileId: string): Promise<void> {
  const [used] = await db.select({ id: catalogResources.id }).from(catalogResources).where(eq(catalogResources.fileId, fileId)).limit(1);
  if (!used) await db.delete(catalogFiles).where(eq(catalogFiles.id, fileId));
}

/** Swaps a resource's position with its neighbour above or below. */
export async function moveResource(db: DbOrTx, resource: ResourceRow, direction: 'up' | 'down'): Promise<void> {
  const siblings = await db
    .select({ id: catalogResources.id, position: catalogResources.position })
    .from(catalogResources)
    .where(eq(catalogResources.sessionId, resource.sessionId))
    .orderBy(asc(catalogResources.position), asc(catalogResources.createdAt));
  const i = siblings.findIndex((s) => s.id === resource.id);
  const j = direction === 'up' ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= siblings.length) return;
  // Renumber everything so equal positions (old data, concurrent inserts) cannot make a move a no-op.
  const order = siblings.map((s) => s.id);
  [order[i], order[j]] = [order[j]!, order[i]!];
  for (const [k, id] of order.entries()) await db.update(catalogResources).set({ position: k + 1 }).where(eq(catalogResources.id, id));
}

/** Copies the resources of one session to another (uploaded files are shared, not duplicated). */
export async function copyResources(db: DbOrTx, fromSessionId: string, toSessionId: string): Promise<void> {
  const rows = await db.select().from(catalogResources).where(eq(catalogResources.sessionId, fromSessionId));
  if (rows.length === 0) return;
  await db.insert(catalogResources).values(
    rows.map((r) => ({
      sessionId: toSessionId,
      type: r.type,
      title: r.title,
      description: r.description,
      estimatedMinutes: r.estimatedMinutes,
      url: r.url,
      fileId: r.fileId,
      position: r.position,
    })),
  );
}

/** Stores an uploaded file; returns its id. */
export async function insertFile(db: DbOrTx, file: { filename: string; contentType: string; data: Buffer; createdBy: string | null }): Promise<string> {
  const [row] = await db
    .insert(catalogFiles)
    .values({ ...file, sizeBytes: file.data.length, sha256: crypto.createHash('sha256').update(file.data).digest('hex') })
    .returning({ id: catalogFiles.id });
  return row!.id;
}

/** A stored file with the sessions whose resources use it (their status and owner course, for access checks). */
export async function findFileWithSessions(db: DbOrTx, fileId: string) {
  if (!isUuid(fileId)) return undefined;
  const [file] = await db.select().from(catalogFiles).where(eq(catalogFiles.id, fileId));
  if (!file) return undefined;
  const sessions = await db
    .selectDistinct({ id: catalogSessions.id, status: catalogSessions.status, ownerContextRef: catalogSessions.ownerContextRef })
    .from(catalogResources)
    .innerJoin(catalogSessions, eq(catalogSessions.id, catalogResources.sessionId))
    .where(eq(catalogResources.fileId, fileId));
  return { file, sessions };
}

/** Number of resources per session, for lists. */
export async function countResources(db: DbOrTx, sessionIds: string[]): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  if (sessionIds.length === 0) return map;
  const rows = await db
    .select({ sessionId: catalogResources.sessionId, n: sql<number>`count(*)::int` })
    .from(catalogResources)
    .where(inArray(catalogResources.sessionId, sessionIds))
    .groupBy(catalogResources.sessionId);
  for (const r of rows) map.set(r.sessionId, Number(r.n));
  return map;
}

