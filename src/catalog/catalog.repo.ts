import { and, asc, desc, eq, gte, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import {
  catalogCompetences,
  catalogSeries,
  catalogSessionCompetences,
  catalogSessionOrganisers,
  catalogSessions,
  type SESSION_STATUSES,
} from './catalog.tables';

/** The only place of the catalog slice that reads and writes sessions with Drizzle. */

export type SessionRow = typeof catalogSessions.$inferSelect;
export type SessionInsert = typeof catalogSessions.$inferInsert;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** A targeted competence with its framework. */
export interface SessionCompetence {
  framework: string;
  code: string;
  domain: string;
  title: string;
}

/** A session as the other slices see it: the row, its series title and its targeted competences. */
export type CatalogSession = SessionRow & { seriesTitle: string | null; competences: SessionCompetence[] };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (so a malformed id is "not found", not a database error). */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

async function competencesOf(db: DbOrTx, sessionIds: string[]): Promise<Map<string, SessionCompetence[]>> {
  const map = new Map<string, SessionCompetence[]>();
  if (sessionIds.length === 0) return map;
  const rows = await db
    .select({
      sessionId: catalogSessionCompetences.sessionId,
      framework: catalogSessionCompetences.frameworkId,
      code: catalogSessionCompetences.code,
      domain: catalogCompetences.domain,
      title: catalogCompetences.title,
    })
    .from(catalogSessionCompetences)
    .innerJoin(
      catalogCompetences,
      and(eq(catalogCompetences.frameworkId, catalogSessionCompetences.frameworkId), eq(catalogCompetences.code, catalogSessionCompetences.code)),
    )
    .where(inArray(catalogSessionCompetences.sessionId, sessionIds))
    .orderBy(asc(catalogSessionCompetences.position), asc(catalogSessionCompetences.code));
  for (const { sessionId, ...c } of rows) {
    const list = map.get(sessionId) ?? [];
    list.push(c);
    map.set(sessionId, list);
  }
  return map;
}

/** One session with its series title and competences, or undefined. */
export async function findSession(db: DbOrTx, id: string): Promise<CatalogSession | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db
    .select({ session: catalogSessions, seriesTitle: catalogSeries.title })
    .from(catalogSessions)
    .leftJoin(catalogSeries, eq(catalogSeries.id, catalogSessions.seriesId))
    .where(eq(catalogSessions.id, id));
  if (!row) return undefined;
  const competences = (await competencesOf(db, [id])).get(id) ?? [];
  return { ...row.session, seriesTitle: row.seriesTitle, competences };
}

/** Filters for `searchSessions`. */
export interface SessionSearch {
  /** Words matched against title, tool and tags (case-insensitive). */
  q?: string;
  status?: SessionStatus | SessionStatus[];
  /** Only sessions owned by this course (lti_contexts.id). */
  contextRef?: string;
  /** Only sessions this course owns or co-organises (lti_contexts.id). */
  managedBy?: string;
  /** Only sessions this course may link from its activities: published ones, and its own in any status (null: published only). */
  linkableBy?: string | null;
  seriesId?: string;
  /** Only sessions ending at or after this instant. */
  endsAfter?: Date;
  /** Soonest first (default: most recent first). */
  upcomingFirst?: boolean;
  limit?: number;
  offset?: number;
}

/** Sessions matching the filters, with their competences. */
export async function searchSessionRows(db: DbOrTx, s: SessionSearch): Promise<CatalogSession[]> {
  const where: SQL[] = [];
  const q = s.q?.trim();
  if (q) {
    for (const word of q.split(/\s+/).slice(0, 8)) {
      const like = `%${word.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      where.push(
        or(
          ilike(catalogSessions.title, like),
          ilike(catalogSessions.tool, like),
          sql`exists (select 1 from unnest(${catalogSessions.tags}) tag where tag ilike ${like})`,
        )!,
      );
    }
  }
  if (s.status) where.push(inArray(catalogSessions.status, Array.isArray(s.status) ? s.status : [s.status]));
  if (s.contextRef !== undefined) where.push(isUuid(s.contextRef) ? eq(catalogSessions.ownerContextRef, s.contextRef) : sql`false`);
  if (s.managedBy !== undefined) {
    where.push(
      isUuid(s.managedBy)
        ? or(eq(catalogSessions.ownerContextRef, s.managedBy), sql`exists (select 1 from ${catalogSessionOrganisers} o where o.session_id = catalog_sessions.id and o.context_ref = ${s.managedBy})`)!
        : sql`false`,
    );
  }
  if (s.linkableBy !== undefined) {
    const own = s.linkableBy && isUuid(s.linkableBy) ? s.linkableBy : null;
    where.push(
      own
        ? or(
            eq(catalogSessions.status, 'published'),
            eq(catalogSessions.ownerContextRef, own),
            sql`exists (select 1 from ${catalogSessionOrganisers} o where o.session_id = catalog_sessions.id and o.context_ref = ${own})`,
          )!
        : eq(catalogSessions.status, 'published'),
    );
  }
  if (s.seriesId !== undefined) where.push(isUuid(s.seriesId) ? eq(catalogSessions.seriesId, s.seriesId) : sql`false`);
  if (s.endsAfter) where.push(gte(catalogSessions.endsAt, s.endsAfter));
  const rows = await db
    .select({ session: catalogSessions, seriesTitle: catalogSeries.title })
    .from(catalogSessions)
    .leftJoin(catalogSeries, eq(catalogSeries.id, catalogSessions.seriesId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(s.upcomingFirst ? asc(catalogSessions.startsAt) : desc(catalogSessions.startsAt), asc(catalogSessions.id))
    .limit(Math.min(Math.max(s.limit ?? 50, 1), 500))
    .offset(Math.max(s.offset ?? 0, 0));
  const competences = await competencesOf(
    db,
    rows.map((r) => r.session.id),
  );
  return rows.map((r) => ({ ...r.session, seriesTitle: r.seriesTitle, competences: competences.get(r.session.id) ?? [] }));
}

/** Inserts a session and its competences. */
export async function insertSession(db: DbOrTx, values: SessionInsert, competences: Array<{ framework: string; code: string }>): Promise<SessionRow> {
  const [row] = await db.insert(catalogSessions).values(values).returning();
  await replaceCompetences(db, row!.id, competences);
  return row!;
}

/** The session created with this creation key, if any (the form was already posted once). */
export async function findSessionByCreationKey(db: DbOrTx, creationKey: string): Promise<SessionRow | undefined> {
  if (!isUuid(creationKey)) return undefined;
  const [row] = await db.select().from(catalogSessions).where(eq(catalogSessions.creationKey, creationKey));
  return row;
}

/** Updates a session's fields (and its competences when given). */
export async function updateSession(
  db: DbOrTx,
  id: string,
  values: Partial<SessionInsert>,
  competences?: Array<{ framework: string; code: string }>,
  /** When given, the update happens only if the row was last changed at this instant (to the millisecond). */
  expectedUpdatedAt?: Date,
): Promise<SessionRow | undefined> {
  const unchanged = expectedUpdatedAt ? sql`date_trunc('milliseconds', ${catalogSessions.updatedAt}) = ${expectedUpdatedAt.toISOString()}::timestamptz` : undefined;
  const [row] = await db
    .update(catalogSessions)
    .set(values)
    .where(and(eq(catalogSessions.id, id), unchanged))
    .returning();
  if (row && competences) await replaceCompetences(db, id, competences);
  return row;
}

async function replaceCompetences(db: DbOrTx, sessionId: string, competences: Array<{ framework: string; code: string }>): Promise<void> {
  await db.delete(catalogSessionCompetences).where(eq(catalogSessionCompetences.sessionId, sessionId));
  if (competences.length === 0) return;
  await db
    .insert(catalogSessionCompetences)
    .values(competences.map((c, position) => ({ sessionId, frameworkId: c.framework, code: c.code, position })));
}
