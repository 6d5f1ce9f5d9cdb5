import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { catalogSeries, catalogSessions } from './catalog.tables';
import { isUuid } from './catalog.repo';

export type SeriesRow = typeof catalogSeries.$inferSelect;

/** Series owned by a course (all series when `contextRef` is undefined), with their session counts. */
export async function listSeries(db: DbOrTx, contextRef?: string | null): Promise<Array<SeriesRow & { sessionCount: number }>> {
  const rows = await db
    .select({ series: catalogSeries, sessionCount: sql<number>`(select count(*)::int from ${catalogSessions} where ${catalogSessions.seriesId} = ${catalogSeries.id})` })
    .from(catalogSeries)
    .where(contextRef === undefined ? undefined : contextRef === null ? sql`false` : eq(catalogSeries.ownerContextRef, contextRef))
    .orderBy(asc(catalogSeries.title));
  return rows.map((r) => ({ ...r.series, sessionCount: Number(r.sessionCount) }));
}

export async function findSeries(db: DbOrTx, id: string): Promise<SeriesRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(catalogSeries).where(eq(catalogSeries.id, id));
  return row;
}

export async function insertSeries(db: DbOrTx, values: typeof catalogSeries.$inferInsert): Promise<SeriesRow> {
  const [row] = await db.insert(catalogSeries).values(values).returning();
  return row!;
}

export async function updateSeries(db: DbOrTx, id: string, values: Partial<typeof catalogSeries.$inferInsert>): Promise<void> {
  await db.update(catalogSeries).set(values).where(eq(catalogSeries.id, id));
}

export async function deleteSeries(db: DbOrTx, id: string): Promise<void> {
  await db.delete(catalogSeries).where(eq(catalogSeries.id, id));
}
