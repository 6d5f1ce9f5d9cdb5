import type { DbOrTx } from '../platform/db/client';
import { findSession, insertSession } from './catalog.repo';
import { insertResource } from './resources.repo';
import { insertSeries, listSeries } from './series.repo';

/** Demonstration data (`seed --demo`): a course's series of sessions, with their competences and resources. */

export interface DemoCatalogSession {
  title: string;
  tool: string;
  descriptionMd: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  competences: Array<{ framework: string; code: string }>;
  resources: Array<{ type: 'link'; title: string; url: string; estimatedMinutes: number }>;
}

/** A created session, with what its learning records name (competence titles from the framework, resource ids). */
export interface DemoCatalogRecord {
  id: string;
  title: string;
  tool: string;
  startsAt: Date;
  seriesId: string;
  seriesTitle: string;
  competences: Array<{ framework: string; code: string; title: string }>;
  resources: Array<{ id: string; title: string; url: string }>;
}

/** Whether the course already owns a series of this title (the demo year was seeded before). */
export async function hasSeries(db: DbOrTx, ownerContextRef: string, title: string): Promise<boolean> {
  return (await listSeries(db, ownerContextRef)).some((s) => s.title === title);
}

/** Creates a series owned by the course and its published sessions, in one transaction of the caller's. */
export async function createDemoCatalog(
  tx: DbOrTx,
  o: { ownerContextRef: string; series: { title: string; description: string }; sessions: DemoCatalogSession[]; now: Date },
): Promise<DemoCatalogRecord[]> {
  const series = await insertSeries(tx, { title: o.series.title, description: o.series.description, ownerContextRef: o.ownerContextRef, createdAt: o.now, updatedAt: o.now });
  const records: DemoCatalogRecord[] = [];
  for (const s of o.sessions) {
    const published = new Date(Math.min(o.now.getTime(), s.startsAt.getTime() - 14 * 86_400_000));
    const row = await insertSession(
      tx,
      { seriesId: series.id, title: s.title, tool: s.tool, descriptionMd: s.descriptionMd, startsAt: s.startsAt, endsAt: s.endsAt, place: s.place, status: 'published', publishedAt: published, ownerContextRef: o.ownerContextRef, createdAt: published, updatedAt: published },
      s.competences,
    );
    const resources = [];
    for (const r of s.resources) {
      const res = await insertResource(tx, { sessionId: row.id, type: r.type, title: r.title, url: r.url, estimatedMinutes: r.estimatedMinutes, createdAt: published, updatedAt: published });
      resources.push({ id: res.id, title: res.title, url: r.url });
    }
    const full = (await findSession(tx, row.id))!;
    records.push({ id: row.id, title: row.title, tool: s.tool, startsAt: s.startsAt, seriesId: series.id, seriesTitle: series.title, competences: full.competences.map((c) => ({ framework: c.framework, code: c.code, title: c.title })), resources });
  }
  return records;
}
