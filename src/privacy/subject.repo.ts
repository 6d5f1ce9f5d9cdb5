import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { DataSubject } from '../platform/personal-data';
import { privacyAuditLog, privacyDepartures } from './privacy.tables';

/** People as the privacy slice finds them, their web sessions, the departures list and the audit log. */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

export interface PersonRow {
  id: string;
  issuer: string;
  sub: string;
  name: string | null;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  created_at: Date;
  last_launch: Date | null;
}

const PERSON = sql`select u.id, u.issuer, u.sub, u.name, u.given_name, u.family_name, u.email, u.created_at,
  (select max(l.launched_at) from lti_launches l where l.user_ref = u.id) as last_launch from lti_users u`;

export async function findPerson(db: DbOrTx, userId: string): Promise<PersonRow | undefined> {
  return rowsOf<PersonRow>(await db.execute(sql`${PERSON} where u.id = ${userId}::uuid`))[0];
}

/** The launches of a person (ids), for the rows keyed by launch. */
export async function launchIdsOf(db: DbOrTx, userId: string): Promise<string[]> {
  return rowsOf<{ id: string }>(await db.execute(sql`select id from lti_launches where user_ref = ${userId}::uuid order by launched_at`)).map((r) => r.id);
}

/** The courses a person launched from, with the latest launch from each. */
export async function coursesOf(db: DbOrTx, userId: string): Promise<Array<{ title: string | null; context_id: string; last: Date; role: string }>> {
  return rowsOf(await db.execute(sql`select c.title, c.context_id, max(l.launched_at) as last, max(l.role) as role from lti_launches l join lti_contexts c on c.id = l.context_ref
    where l.user_ref = ${userId}::uuid group by c.id, c.title, c.context_id order by last desc`));
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * People whose name or e-mail contains `q` (any case), or whose platform user id or pseudonym is `q`
 * exactly (`pseudonyms`: the user ids whose pseudonym the caller computed to be `q`).
 */
export async function searchPeople(db: DbOrTx, q: string, pseudonymMatches: string[], limit = 50): Promise<PersonRow[]> {
  const like = `%${escapeLike(q)}%`;
  return rowsOf<PersonRow>(await db.execute(sql`${PERSON}
    where u.name ilike ${like} or u.email ilike ${like} or u.given_name ilike ${like} or u.family_name ilike ${like} or u.sub = ${q}
      or u.id::text in (select jsonb_array_elements_text(${JSON.stringify(pseudonymMatches)}::jsonb))
    order by u.name nulls last, u.email nulls last limit ${limit}`));
}

/** Every person of a platform (issuer and sub), to find one by pseudonym. */
export async function identitiesOf(db: DbOrTx): Promise<Array<{ id: string; issuer: string; sub: string }>> {
  return rowsOf(await db.execute(sql`select id, issuer, sub from lti_users`));
}

// A browser session after a launch holds the launch id (src/lti/actor.ts LaunchSessionSchema).
const sessionsOf = (who: DataSubject) => sql`data->>'launchId' in (select jsonb_array_elements_text(${JSON.stringify(who.launchIds)}::jsonb))`;

export async function webSessionsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select to_jsonb(s) - 'id' as row from web_sessions s where ${sessionsOf(who)} order by created_at`)).map((r) => r.row);
}

/** Ends the person's browser sessions (an erased person is signed out at once). */
export async function deleteWebSessionsOf(db: DbOrTx, who: DataSubject): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from web_sessions where ${sessionsOf(who)} returning 1) select count(*)::int as n from d`))[0]!.n;
}

export type AuditAction = (typeof privacyAuditLog.$inferInsert)['action'];

/** Writes an audit entry (`id` given when other rows name it first, as an erasure's requests do). */
export async function insertAudit(db: DbOrTx, row: { id?: string; action: AuditAction; actorRef: string | null; detail: Record<string, unknown>; at: Date }): Promise<string> {
  const [r] = await db.insert(privacyAuditLog).values(row).returning({ id: privacyAuditLog.id });
  return r!.id;
}

export async function findAudit(db: DbOrTx, id: string) {
  const [row] = await db.select().from(privacyAuditLog).where(eq(privacyAuditLog.id, id));
  return row;
}

export async function listAudit(db: DbOrTx, limit = 20) {
  return db.select().from(privacyAuditLog).orderBy(desc(privacyAuditLog.at)).limit(limit);
}

/** People flagged as gone from every course, oldest absence first. */
export async function listFlagged(db: DbOrTx): Promise<Array<PersonRow & { absent_since: Date; flagged_at: Date }>> {
  return rowsOf(await db.execute(sql`select p.*, d.absent_since, d.flagged_at from (${PERSON}) p join privacy_departures d on d.user_ref = p.id
    where d.flagged_at is not null order by d.absent_since`));
}

/**
 * Each person with a launch from a course whose roster is cached, and whether any cached roster of their
 * courses lists them (by platform user id), for the departures job.
 */
export async function rosterPresence(db: DbOrTx): Promise<Array<{ user_ref: string; present: boolean; last_launch: Date; last_roster: Date }>> {
  return rowsOf(await db.execute(sql`select l.user_ref,
      bool_or(r.members @> jsonb_build_array(jsonb_build_object('userId', u.sub))) as present,
      max(l.launched_at) as last_launch, max(r.fetched_at) as last_roster
    from lti_launches l join lti_users u on u.id = l.user_ref join grades_rosters r on r.context_ref = l.context_ref
    group by l.user_ref`));
}

export async function departureOf(db: DbOrTx, userId: string) {
  const [row] = await db.select().from(privacyDepartures).where(eq(privacyDepartures.userRef, userId));
  return row;
}

/** Every recorded absence, flagged or not. */
export async function listDepartures(db: DbOrTx) {
  return db.select().from(privacyDepartures);
}

export async function upsertDeparture(db: DbOrTx, userId: string, absentSince: Date, now: Date): Promise<void> {
  await db.insert(privacyDepartures).values({ userRef: userId, absentSince, checkedAt: now }).onConflictDoUpdate({ target: privacyDepartures.userRef, set: { checkedAt: now } });
}

export async function clearDeparture(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(privacyDepartures).where(eq(privacyDepartures.userRef, userId));
}

/** Flags the departures absent since before `before`; returns the user ids newly flagged. */
export async function flagDepartures(db: DbOrTx, before: Date, now: Date): Promise<string[]> {
  const rows = await db
    .update(privacyDepartures)
    .set({ flaggedAt: now })
    .where(and(sql`${privacyDepartures.flaggedAt} is null`, sql`${privacyDepartures.absentSince} < ${before.toISOString()}::timestamptz`))
    .returning({ id: privacyDepartures.userRef });
  return rows.map((r) => r.id);
}

export async function flaggedIds(db: DbOrTx): Promise<string[]> {
  const rows = await db.select({ id: privacyDepartures.userRef }).from(privacyDepartures).where(isNotNull(privacyDepartures.flaggedAt));
  return rows.map((r) => r.id);
}

/** Courses whose launches gave a roster service (NRPS): the departures job reads their rosters. */
export async function coursesWithRoster(db: DbOrTx): Promise<string[]> {
  return rowsOf<{ id: string }>(await db.execute(sql`select distinct context_ref as id from lti_launches where nrps_url is not null and context_ref is not null`)).map((r) => r.id);
}
