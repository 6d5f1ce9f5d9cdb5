import { and, desc, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { catalogSessions } from './catalog.tables';

/** Published or past sessions whose presenters list names this person (as typed by organisers, case ignored). */
export async function sessionsPresentedBy(db: DbOrTx, name: string | null): Promise<Array<{ id: string; title: string; tool: string | null; startsAt: Date }>> {
  if (!name || name.trim().length < 3) return [];
  return db
    .select({ id: catalogSessions.id, title: catalogSessions.title, tool: catalogSessions.tool, startsAt: catalogSessions.startsAt })
    .from(catalogSessions)
    .where(and(inArray(catalogSessions.status, ['published', 'archived']), sql`exists (select 1 from unnest(${catalogSessions.presenters}) as p where lower(trim(p)) = lower(${name.trim()}))`))
    .orderBy(desc(catalogSessions.startsAt))
    .limit(50);
}
