import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { badgeAwards, badgeClasses, badgeConsents, badgeStatusTombstones } from './badges.tables';
import type { Rule } from './rules';

/** Badge classes, awards and consents: the only SQL of the slice besides the learning-record reads. */

export type BadgeClassRow = typeof badgeClasses.$inferSelect;
export type BadgeClassInsert = typeof badgeClasses.$inferInsert;
export type AwardRow = typeof badgeAwards.$inferSelect;
export type AwardInsert = typeof badgeAwards.$inferInsert;
export type Competence = { framework: string; code: string; title: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids come from URLs: anything that is not a uuid is simply not found (never a database error). */
export const isUuid = (v: string) => UUID.test(v);

export async function insertClass(db: DbOrTx, values: BadgeClassInsert): Promise<BadgeClassRow> {
  const [row] = await db.insert(badgeClasses).values(values).returning();
  return row!;
}

export async function updateClass(db: DbOrTx, id: string, values: Partial<BadgeClassInsert>): Promise<void> {
  await db.update(badgeClasses).set({ ...values, updatedAt: new Date() }).where(eq(badgeClasses.id, id));
}

export async function findClass(db: DbOrTx, id: string): Promise<BadgeClassRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(badgeClasses).where(eq(badgeClasses.id, id));
  return row;
}

/**
 * Classes an organiser sees: their course's, the académie-wide ones, and the course badges of the sessions
 * they manage (`managed`: owner or co-organiser course); administrators see all.
 */
export async function listClasses(db: DbOrTx, q: { contextRef: string | null; all: boolean; managed?: string[]; sessionId?: string; seriesId?: string }) {
  const managed = (q.managed ?? []).filter(isUuid);
  const ofSessions = managed.length ? and(isNotNull(badgeClasses.contextRef), inArray(badgeClasses.sessionId, managed)) : undefined;
  const scope = q.all ? undefined : or(q.contextRef ? eq(badgeClasses.contextRef, q.contextRef) : undefined, isNull(badgeClasses.contextRef), ofSessions);
  const filters = [scope, q.sessionId ? eq(badgeClasses.sessionId, q.sessionId) : undefined, q.seriesId ? eq(badgeClasses.seriesId, q.seriesId) : undefined].filter(Boolean);
  return db
    .select({
      id: badgeClasses.id,
      name: badgeClasses.name,
      contextRef: badgeClasses.contextRef,
      sessionId: badgeClasses.sessionId,
      rule: badgeClasses.rule,
      archived: badgeClasses.archived,
      awards: sql<number>`(select count(*)::int from badge_awards a where a.badge_class_id = ${badgeClasses.id} and a.revoked_at is null)`,
    })
    .from(badgeClasses)
    .where(and(...filters))
    .orderBy(desc(badgeClasses.createdAt));
}

/** The classes (not archived) one can earn through these sessions or this series: what their pages list. */
export async function listEarnable(db: DbOrTx, q: { sessionIds: string[]; seriesId: string | null }): Promise<BadgeClassRow[]> {
  const sessions = q.sessionIds.filter(isUuid);
  const through = or(sessions.length ? inArray(badgeClasses.sessionId, sessions) : undefined, q.seriesId && isUuid(q.seriesId) ? eq(badgeClasses.seriesId, q.seriesId) : undefined);
  if (!through) return [];
  return db.select().from(badgeClasses).where(and(eq(badgeClasses.archived, false), through)).orderBy(asc(badgeClasses.name), asc(badgeClasses.id));
}

/** Active classes whose rule is of one of the kinds (what the awarding hook evaluates). */
export async function listActiveClassesByKind(db: DbOrTx, kinds: Array<Rule['kind']>): Promise<Array<{ id: string; rule: unknown }>> {
  return db
    .select({ id: badgeClasses.id, rule: badgeClasses.rule })
    .from(badgeClasses)
    .where(and(eq(badgeClasses.archived, false), inArray(sql`${badgeClasses.rule} ->> 'kind'`, kinds)));
}

/** Inserts an award unless the person already has this badge; returns it only when inserted. */
export async function insertAwardOnce(db: DbOrTx, values: AwardInsert): Promise<AwardRow | undefined> {
  const [row] = await db.insert(badgeAwards).values(values).onConflictDoNothing({ target: [badgeAwards.badgeClassId, badgeAwards.userRef] }).returning();
  return row;
}

export async function hasAward(db: DbOrTx, badgeClassId: string, userRef: string): Promise<boolean> {
  const [row] = await db.select({ id: badgeAwards.id }).from(badgeAwards).where(and(eq(badgeAwards.badgeClassId, badgeClassId), eq(badgeAwards.userRef, userRef)));
  return Boolean(row);
}

export async function findAward(db: DbOrTx, id: string): Promise<{ award: AwardRow; badge: BadgeClassRow } | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select({ award: badgeAwards, badge: badgeClasses }).from(badgeAwards).innerJoin(badgeClasses, eq(badgeClasses.id, badgeAwards.badgeClassId)).where(eq(badgeAwards.id, id));
  return row;
}

export async function findAwardByStatusIndex(db: DbOrTx, index: number): Promise<{ award: AwardRow; badge: BadgeClassRow } | undefined> {
  const [row] = await db.select({ award: badgeAwards, badge: badgeClasses }).from(badgeAwards).innerJoin(badgeClasses, eq(badgeClasses.id, badgeAwards.badgeClassId)).where(eq(badgeAwards.statusIndex, index));
  return row;
}

/** A person's awards, newest first. */
export async function listAwardsOf(db: DbOrTx, userRef: string) {
  return db
    .select({ award: badgeAwards, badge: { id: badgeClasses.id, name: badgeClasses.name, description: badgeClasses.description } })
    .from(badgeAwards)
    .innerJoin(badgeClasses, eq(badgeClasses.id, badgeAwards.badgeClassId))
    .where(eq(badgeAwards.userRef, userRef))
    .orderBy(desc(badgeAwards.issuedOn));
}

/**
 * Awards of a class. Earners' names only for people of the viewer's course (administrators see all), and
 * for the participants of `session` when the viewer manages that session (its organisers see every
 * participant): a badge of a session that other courses link can be earned by their learners, whom a
 * course with no say over the session must not see.
 */
export async function listAwardsOfClass(db: DbOrTx, badgeClassId: string, viewer: { contextRef: string | null; all: boolean; session?: string | null }) {
  const ofCourse = viewer.contextRef ? sql`exists (select 1 from lti_launches l where l.user_ref = ${badgeAwards.userRef} and l.context_ref = ${viewer.contextRef}::uuid)` : sql`false`;
  const ofSession = viewer.session && isUuid(viewer.session) ? sessionPersonSql(viewer.session, sql`${badgeAwards.userRef}`) : sql`false`;
  const seen = viewer.all ? sql`true` : sql`(${ofCourse} or ${ofSession})`;
  return db
    .select({
      id: badgeAwards.id,
      issuedOn: badgeAwards.issuedOn,
      method: badgeAwards.method,
      reason: badgeAwards.reason,
      revokedAt: badgeAwards.revokedAt,
      revocationReason: badgeAwards.revocationReason,
      inCourse: sql<boolean>`${seen}`,
      name: sql<string | null>`case when ${seen} then (select u.name from lti_users u where u.id = ${badgeAwards.userRef}) end`,
    })
    .from(badgeAwards)
    .where(eq(badgeAwards.badgeClassId, badgeClassId))
    .orderBy(desc(badgeAwards.issuedOn));
}

export async function revokeAward(db: DbOrTx, id: string, values: { at: Date; reason: string; by: string }): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await db
    .update(badgeAwards)
    .set({ revokedAt: values.at, revocationReason: values.reason, revokedBy: values.by })
    .where(and(eq(badgeAwards.id, id), isNull(badgeAwards.revokedAt)))
    .returning({ id: badgeAwards.id });
  return r.length > 0;
}

export async function setAwardPublic(db: DbOrTx, id: string, userRef: string, value: boolean): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await db.update(badgeAwards).set({ public: value }).where(and(eq(badgeAwards.id, id), eq(badgeAwards.userRef, userRef))).returning({ id: badgeAwards.id });
  return r.length > 0;
}

/** Revoked awards, for the published revocation list. */
export async function listRevoked(db: DbOrTx): Promise<Array<{ id: string; statusIndex: number; reason: string | null }>> {
  return db
    .select({ id: badgeAwards.id, statusIndex: badgeAwards.statusIndex, reason: badgeAwards.revocationReason })
    .from(badgeAwards)
    .where(isNotNull(badgeAwards.revokedAt))
    .orderBy(asc(badgeAwards.statusIndex));
}

export async function maxStatusIndex(db: DbOrTx): Promise<number> {
  const [awarded] = await db.select({ max: sql<number | null>`max(${badgeAwards.statusIndex})` }).from(badgeAwards);
  const [erased] = await db.select({ max: sql<number | null>`max(${badgeStatusTombstones.statusIndex})` }).from(badgeStatusTombstones);
  return Math.max(Number(awarded?.max ?? 0), Number(erased?.max ?? 0));
}

/** Status-list indexes of awards erased with their earner: revoked for good. */
export async function listErasedIndexes(db: DbOrTx): Promise<number[]> {
  const rows = await db.select({ i: badgeStatusTombstones.statusIndex }).from(badgeStatusTombstones).orderBy(asc(badgeStatusTombstones.statusIndex));
  return rows.map((r) => Number(r.i));
}

export async function findConsent(db: DbOrTx, userRef: string) {
  const [row] = await db.select().from(badgeConsents).where(eq(badgeConsents.userRef, userRef));
  return row;
}

export async function saveConsent(db: DbOrTx, userRef: string, publicAllowed: boolean, at: Date): Promise<void> {
  await db.insert(badgeConsents).values({ userRef, publicAllowed, answeredAt: at }).onConflictDoUpdate({ target: badgeConsents.userRef, set: { publicAllowed, answeredAt: at } });
}

/** Awards (not revoked) per badge and Paris month since a date, for the badges the viewer sees. */
export async function countAwardsByMonth(db: DbOrTx, since: Date, viewer: { contextRef: string | null; all: boolean }) {
  const scope = viewer.all ? undefined : viewer.contextRef ? or(eq(badgeClasses.contextRef, viewer.contextRef), isNull(badgeClasses.contextRef)) : isNull(badgeClasses.contextRef);
  return db
    .select({
      badgeId: badgeClasses.id,
      name: badgeClasses.name,
      month: sql<string>`to_char(${badgeAwards.issuedOn} at time zone 'Europe/Paris', 'YYYY-MM')`,
      awards: sql<number>`count(*)::int`,
    })
    .from(badgeAwards)
    .innerJoin(badgeClasses, eq(badgeClasses.id, badgeAwards.badgeClassId))
    .where(and(gte(badgeAwards.issuedOn, since), isNull(badgeAwards.revokedAt), scope))
    .groupBy(badgeClasses.id, badgeClasses.name, sql`3`)
    .orderBy(badgeClasses.name, sql`3`);
}

/** The identity an award needs: the LMS issuer and subject, and the e-mail when the LMS shares it. */
export async function findUser(db: DbOrTx, userRef: string): Promise<{ id: string; issuer: string; sub: string; email: string | null; name: string | null } | undefined> {
  const r = await db.execute(sql`select id, issuer, sub, email, name from lti_users where id = ${userRef}::uuid`);
  const rows = (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ id: string; issuer: string; sub: string; email: string | null; name: string | null }>;
  return rows[0];
}

/** People who launched Instants from a course (participants and organisers), by name. */
export async function listCoursePeople(db: DbOrTx, contextRef: string): Promise<Array<{ id: string; name: string | null }>> {
  const r = await db.execute(sql`select u.id, u.name from lti_users u where exists (select 1 from lti_launches l where l.user_ref = u.id and l.context_ref = ${contextRef}::uuid) order by u.name nulls last, u.id`);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ id: string; name: string | null }>;
}

/** Whether `user` launched the session, from any course's activity (its participants). */
const sessionPersonSql = (sessionId: string, user: SQL) =>
  sql`exists (select 1 from lti_launches l join lti_resource_links r on r.id = l.resource_link_ref where l.user_ref = ${user} and r.session_id = ${sessionId}::uuid)`;

/** People who launched the session from any course's activity, by name (for a manual award by its organisers). */
export async function listSessionPeople(db: DbOrTx, sessionId: string): Promise<Array<{ id: string; name: string | null }>> {
  if (!isUuid(sessionId)) return [];
  const r = await db.execute(sql`select u.id, u.name from lti_users u where ${sessionPersonSql(sessionId, sql`u.id`)} order by u.name nulls last, u.id`);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ id: string; name: string | null }>;
}

/** Whether the person launched the session from any course's activity. */
export async function isSessionPerson(db: DbOrTx, sessionId: string, userRef: string): Promise<boolean> {
  if (!isUuid(userRef) || !isUuid(sessionId)) return false;
  const r = await db.execute(sql`select 1 as one where ${sessionPersonSql(sessionId, sql`${userRef}::uuid`)}`);
  return ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as unknown[]).length > 0;
}

/** Whether the person launched Instants from the course (a manual award goes only to the course's people). */
export async function isCoursePerson(db: DbOrTx, contextRef: string, userRef: string): Promise<boolean> {
  if (!isUuid(userRef)) return false;
  const r = await db.execute(sql`select 1 from lti_launches l where l.user_ref = ${userRef}::uuid and l.context_ref = ${contextRef}::uuid limit 1`);
  return ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as unknown[]).length > 0;
}

/** A series as rules need it: its course and how many sessions it holds that are not cancelled. */
export async function findSeriesFacts(db: DbOrTx, id: string): Promise<{ ownerContextRef: string | null; sessions: number } | undefined> {
  if (!isUuid(id)) return undefined;
  const r = await db.execute(sql`select s.owner_context_ref, (select count(*)::int from catalog_sessions x where x.series_id = s.id and x.status not in ('cancelled', 'archived')) as sessions from catalog_series s where s.id = ${id}::uuid`);
  const row = ((Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ owner_context_ref: string | null; sessions: number }>)[0];
  return row ? { ownerContextRef: row.owner_context_ref, sessions: Number(row.sessions) } : undefined;
}

/** The competences that exist among `pairs` (framework, code), with their titles. */
export async function findCompetences(db: DbOrTx, pairs: Array<{ framework: string; code: string }>): Promise<Competence[]> {
  if (!pairs.length) return [];
  const values = sql.join(pairs.map((p) => sql`(${p.framework}, ${p.code})`), sql`, `);
  const r = await db.execute(sql`select framework_id as framework, code, title from catalog_competences where (framework_id, code) in (${values}) order by code`);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Competence[];
}

/** Series an organiser may name in a rule: their course's (all for administrators). */
export async function listSeriesOptions(db: DbOrTx, contextRef: string | null, all: boolean): Promise<Array<{ id: string; title: string }>> {
  const where = all ? sql`true` : contextRef ? sql`owner_context_ref = ${contextRef}::uuid` : sql`false`;
  const r = await db.execute(sql`select id, title from catalog_series where ${where} order by title limit 500`);
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ id: string; title: string }>;
}

/** Titles of the sessions and series rules name, for the pages. */
export async function namesOf(db: DbOrTx, ids: { sessions: string[]; series: string[] }): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const list = (xs: string[]) => `{${xs.filter(isUuid).join(',')}}`;
  const read = async (table: 'catalog_sessions' | 'catalog_series', xs: string[]) => {
    if (!xs.some(isUuid)) return;
    const r = await db.execute(sql`select id, title from ${sql.identifier(table)} where id = any(${list(xs)}::uuid[])`);
    for (const x of (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ id: string; title: string }>) out.set(x.id, x.title);
  };
  await read('catalog_sessions', ids.sessions);
  await read('catalog_series', ids.series);
  return out;
}
