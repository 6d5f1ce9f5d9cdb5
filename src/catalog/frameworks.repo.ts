import { asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { catalogCompetences, catalogFrameworks, catalogSessionCompetences } from './catalog.tables';

export type FrameworkRow = typeof catalogFrameworks.$inferSelect;
export type CompetenceRow = typeof catalogCompetences.$inferSelect;

/** Frameworks, default first, with their number of competences. */
export async function listFrameworks(db: DbOrTx): Promise<Array<FrameworkRow & { competenceCount: number }>> {
  const rows = await db
    .select({
      framework: catalogFrameworks,
      competenceCount: sql<number>`(select count(*)::int from ${catalogCompetences} where ${catalogCompetences.frameworkId} = ${catalogFrameworks.id})`,
    })
    .from(catalogFrameworks)
    .orderBy(sql`${catalogFrameworks.isDefault} desc`, asc(catalogFrameworks.title));
  return rows.map((r) => ({ ...r.framework, competenceCount: Number(r.competenceCount) }));
}

/** Every competence of every framework, in framework then position order. */
export async function listCompetences(db: DbOrTx): Promise<CompetenceRow[]> {
  return db.select().from(catalogCompetences).orderBy(asc(catalogCompetences.frameworkId), asc(catalogCompetences.position));
}

export async function findFramework(db: DbOrTx, id: string): Promise<FrameworkRow | undefined> {
  const [row] = await db.select().from(catalogFrameworks).where(eq(catalogFrameworks.id, id));
  return row;
}

/** Competence codes of a framework that sessions target (they cannot be removed by a re-import). */
export async function usedCodes(db: DbOrTx, frameworkId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ code: catalogSessionCompetences.code })
    .from(catalogSessionCompetences)
    .where(eq(catalogSessionCompetences.frameworkId, frameworkId));
  return rows.map((r) => r.code);
}

/** Creates or replaces a framework and its competences (codes still in use must be part of `competences`). */
export async function upsertFramework(
  db: DbOrTx,
  framework: { id: string; title: string; source: string | null },
  competences: Array<{ code: string; domain: string; title: string }>,
): Promise<void> {
  await db
    .insert(catalogFrameworks)
    .values({ ...framework })
    .onConflictDoUpdate({ target: catalogFrameworks.id, set: { title: framework.title, source: framework.source, updatedAt: new Date() } });
  const keep = new Set(competences.map((c) => c.code));
  const existing = await db.select({ code: catalogCompetences.code }).from(catalogCompetences).where(eq(catalogCompetences.frameworkId, framework.id));
  for (const { code } of existing) {
    if (!keep.has(code)) await db.delete(catalogCompetences).where(sql`${catalogCompetences.frameworkId} = ${framework.id} and ${catalogCompetences.code} = ${code}`);
  }
  for (const [i, c] of competences.entries()) {
    await db
      .insert(catalogCompetences)
      .values({ frameworkId: framework.id, code: c.code, domain: c.domain, title: c.title, position: i + 1 })
      .onConflictDoUpdate({ target: [catalogCompetences.frameworkId, catalogCompetences.code], set: { domain: c.domain, title: c.title, position: i + 1 } });
  }
}
