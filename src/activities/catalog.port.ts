import { asc, eq } from 'drizzle-orm';
import { getSession, type CatalogSession } from '../catalog';
import { catalogCompetences, catalogFrameworks, catalogResources } from '../catalog/catalog.tables';
import type { DbOrTx } from '../platform/db/client';
import { renderMarkdown } from '../platform/markdown';

/**
 * What the activities slice reads of the catalogue: a session and its resources. Sessions come through the
 * catalog slice's public surface; resources are read from its table here (read-only) until the catalog
 * slice exports a reader for them.
 */

export type { CatalogSession };

/** A resource as participants see it. */
export interface SessionResource {
  id: string;
  title: string;
  type: 'link' | 'video' | 'slides' | 'document';
  description: string;
  estimatedMinutes: number | null;
  /** Where "open" leads: the link, or the uploaded file. */
  target: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One session, or undefined (also for an id that is not a UUID). */
export function loadSession(db: DbOrTx, id: string): Promise<CatalogSession | undefined> {
  return UUID_RE.test(id) ? getSession(db, id) : Promise.resolve(undefined);
}

/** The resources of a session, in their order. */
export async function loadResources(db: DbOrTx, sessionId: string): Promise<SessionResource[]> {
  const rows = await db.select().from(catalogResources).where(eq(catalogResources.sessionId, sessionId)).orderBy(asc(catalogResources.position), asc(catalogResources.createdAt));
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    type: r.type,
    description: r.description,
    estimatedMinutes: r.estimatedMinutes,
    target: r.url ?? `/files/${r.fileId}`,
  }));
}

/** The session description rendered from Markdown, with anything that could run script removed. */
export function renderDescription(markdown: string): string {
  return renderMarkdown(markdown);
}

/** Code → title of the competences of the default framework (the CRCN unless an admin changed it). */
export async function competenceTitles(db: DbOrTx): Promise<Map<string, string>> {
  const rows = await db
    .select({ code: catalogCompetences.code, title: catalogCompetences.title })
    .from(catalogCompetences)
    .innerJoin(catalogFrameworks, eq(catalogFrameworks.id, catalogCompetences.frameworkId))
    .where(eq(catalogFrameworks.isDefault, true))
    .orderBy(asc(catalogCompetences.position));
  return new Map(rows.map((r) => [r.code, r.title]));
}
