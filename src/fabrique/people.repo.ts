import { and, asc, eq, gte, ilike, inArray, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { ltiUsers } from '../lti/lti.tables';
import { fabriqueCommittee, fabriqueMembers, fabriqueProfiles, fabriqueProfileSkills, fabriqueProjects } from './fabrique.tables';

/** SQL of la Fabrique's people: the committee, team members and invitations, the directory of resource persons. */

export type MemberRow = typeof fabriqueMembers.$inferSelect;
export type ProfileRow = typeof fabriqueProfiles.$inferSelect;
export type Skill = { framework: string; code: string; level: number };

/** What is shown of a person: never the e-mail address. */
export interface PersonRow {
  id: string;
  name: string | null;
  givenName: string | null;
  service: string | null;
}
const person = { id: ltiUsers.id, name: ltiUsers.name, givenName: ltiUsers.givenName, service: ltiUsers.service };

export async function usersByIds(db: DbOrTx, ids: string[]): Promise<Map<string, PersonRow>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db.select(person).from(ltiUsers).where(inArray(ltiUsers.id, unique));
  return new Map(rows.map((r) => [r.id, r]));
}

/** People whose name contains `q` (for an administrator naming committee members). */
export function searchUsers(db: DbOrTx, q: string, limit = 20): Promise<PersonRow[]> {
  const like = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
  return db.select(person).from(ltiUsers).where(ilike(ltiUsers.name, like)).orderBy(asc(ltiUsers.name)).limit(limit);
}

export async function isNamedToCommittee(db: DbOrTx, userRef: string): Promise<boolean> {
  const [row] = await db.select({ u: fabriqueCommittee.userRef }).from(fabriqueCommittee).where(eq(fabriqueCommittee.userRef, userRef));
  return Boolean(row);
}

export function listCommittee(db: DbOrTx) {
  return db.select({ ...person, namedAt: fabriqueCommittee.namedAt }).from(fabriqueCommittee).innerJoin(ltiUsers, eq(ltiUsers.id, fabriqueCommittee.userRef)).orderBy(asc(ltiUsers.name));
}

export async function nameToCommittee(db: DbOrTx, userRef: string, namedBy: string, at: Date): Promise<void> {
  await db.insert(fabriqueCommittee).values({ userRef, namedBy, namedAt: at }).onConflictDoNothing();
}

export async function removeFromCommittee(db: DbOrTx, userRef: string): Promise<void> {
  await db.delete(fabriqueCommittee).where(eq(fabriqueCommittee.userRef, userRef));
}

/** Accepted facilitator of a project still under way: may search the directory and invite. */
export async function isActiveFacilitator(db: DbOrTx, userRef: string): Promise<boolean> {
  const [row] = await db
    .select({ id: fabriqueMembers.id })
    .from(fabriqueMembers)
    .innerJoin(fabriqueProjects, eq(fabriqueProjects.id, fabriqueMembers.projectId))
    .where(and(eq(fabriqueMembers.userRef, userRef), eq(fabriqueMembers.role, 'facilitator'), eq(fabriqueMembers.status, 'accepted'), inArray(fabriqueProjects.stage, ['investigation', 'construction', 'acceleration'])))
    .limit(1);
  return Boolean(row);
}

/** Invites a person (again, if they had declined or left); undefined when they are already invited or in the team. */
export async function upsertInvitation(db: DbOrTx, values: typeof fabriqueMembers.$inferInsert): Promise<MemberRow | undefined> {
  const [row] = await db
    .insert(fabriqueMembers)
    .values(values)
    .onConflictDoUpdate({
      target: [fabriqueMembers.projectId, fabriqueMembers.userRef],
      set: { role: values.role, status: 'invited', message: values.message, timeAsked: values.timeAsked, invitedBy: values.invitedBy, invitedAt: values.invitedAt, respondedAt: null, hoursCommitted: null, shownOnBoard: false },
      setWhere: inArray(fabriqueMembers.status, ['declined', 'left']),
    })
    .returning();
  return row;
}

export async function findMember(db: DbOrTx, id: string): Promise<MemberRow | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(fabriqueMembers).where(eq(fabriqueMembers.id, id));
  return row;
}

export async function findMembership(db: DbOrTx, projectId: string, userRef: string): Promise<MemberRow | undefined> {
  const [row] = await db.select().from(fabriqueMembers).where(and(eq(fabriqueMembers.projectId, projectId), eq(fabriqueMembers.userRef, userRef)));
  return row;
}

export async function updateMember(db: DbOrTx, id: string, values: Partial<typeof fabriqueMembers.$inferInsert>, fromStatus?: MemberRow['status']): Promise<MemberRow | undefined> {
  const where = fromStatus ? and(eq(fabriqueMembers.id, id), eq(fabriqueMembers.status, fromStatus)) : eq(fabriqueMembers.id, id);
  const [row] = await db.update(fabriqueMembers).set(values).where(where).returning();
  return row;
}

/** Members and invitations of projects, with each person's display fields. */
export function listMembers(db: DbOrTx, projectIds: string[]) {
  if (!projectIds.length) return Promise.resolve([]);
  return db
    .select({ member: fabriqueMembers, name: ltiUsers.name, givenName: ltiUsers.givenName, service: ltiUsers.service })
    .from(fabriqueMembers)
    .innerJoin(ltiUsers, eq(ltiUsers.id, fabriqueMembers.userRef))
    .where(inArray(fabriqueMembers.projectId, projectIds))
    .orderBy(asc(fabriqueMembers.invitedAt));
}

/** A person's invitations and memberships, with the project's title and stage. */
export function membershipsOf(db: DbOrTx, userRef: string) {
  return db
    .select({ member: fabriqueMembers, title: fabriqueProjects.title, stage: fabriqueProjects.stage })
    .from(fabriqueMembers)
    .innerJoin(fabriqueProjects, eq(fabriqueProjects.id, fabriqueMembers.projectId))
    .where(eq(fabriqueMembers.userRef, userRef))
    .orderBy(asc(fabriqueMembers.invitedAt));
}

/** A person's directory consent alone (one query: the reminder at launch). */
export async function findConsent(db: DbOrTx, userRef: string): Promise<{ optedIn: boolean; confirmedAt: Date | null } | undefined> {
  const [row] = await db.select({ optedIn: fabriqueProfiles.optedIn, confirmedAt: fabriqueProfiles.confirmedAt }).from(fabriqueProfiles).where(eq(fabriqueProfiles.userRef, userRef));
  return row;
}

export async function findProfile(db: DbOrTx, userRef: string): Promise<(ProfileRow & { skills: Skill[] }) | undefined> {
  const [row] = await db.select().from(fabriqueProfiles).where(eq(fabriqueProfiles.userRef, userRef));
  if (!row) return undefined;
  const skills = await db.select({ framework: fabriqueProfileSkills.framework, code: fabriqueProfileSkills.code, level: fabriqueProfileSkills.level }).from(fabriqueProfileSkills).where(eq(fabriqueProfileSkills.userRef, userRef));
  return { ...row, skills };
}

/**
 * Saves a directory entry and its skills; with `expectedVersion` only if unchanged since the form was shown
 * (false otherwise). A first save creates the entry (expected version 0).
 */
export async function saveProfile(db: DbOrTx, userRef: string, values: Omit<typeof fabriqueProfiles.$inferInsert, 'userRef' | 'version'>, skills: Skill[] | undefined, expectedVersion: number): Promise<boolean> {
  const [saved] =
    expectedVersion === 0
      ? await db.insert(fabriqueProfiles).values({ ...values, userRef }).onConflictDoNothing().returning()
      : await db
          .update(fabriqueProfiles)
          .set({ ...values, version: sql`${fabriqueProfiles.version} + 1` })
          .where(and(eq(fabriqueProfiles.userRef, userRef), eq(fabriqueProfiles.version, expectedVersion)))
          .returning();
  if (!saved) return false;
  if (skills) {
    await db.delete(fabriqueProfileSkills).where(eq(fabriqueProfileSkills.userRef, userRef));
    if (skills.length) await db.insert(fabriqueProfileSkills).values(skills.map((s) => ({ ...s, userRef })));
  }
  return true;
}

/** Directory entries that may be shown: opted in and confirmed since `confirmedSince`, filtered by competence and tool, by name. */
export async function searchDirectory(db: DbOrTx, filters: { confirmedSince: Date; competence?: { framework: string; code: string }; tool?: string; limit?: number }) {
  const conditions = [eq(fabriqueProfiles.optedIn, true), gte(fabriqueProfiles.confirmedAt, filters.confirmedSince)];
  if (filters.tool) conditions.push(sql`exists (select 1 from unnest(${fabriqueProfiles.tools}) as t where lower(t) = lower(${filters.tool}))`);
  if (filters.competence) {
    conditions.push(
      sql`exists (select 1 from ${fabriqueProfileSkills} s where s.user_ref = ${fabriqueProfiles.userRef} and s.framework = ${filters.competence.framework} and s.code = ${filters.competence.code})`,
    );
  }
  const rows = await db
    .select({ ...person, description: fabriqueProfiles.description, tools: fabriqueProfiles.tools })
    .from(fabriqueProfiles)
    .innerJoin(ltiUsers, eq(ltiUsers.id, fabriqueProfiles.userRef))
    .where(and(...conditions))
    .orderBy(asc(ltiUsers.name), asc(ltiUsers.id))
    .limit(filters.limit ?? 100);
  const skills = rows.length
    ? await db.select().from(fabriqueProfileSkills).where(inArray(fabriqueProfileSkills.userRef, rows.map((r) => r.id)))
    : [];
  return rows.map((r) => ({ ...r, skills: skills.filter((s) => s.userRef === r.id).map(({ framework, code, level }) => ({ framework, code, level })) }));
}

/** Whether one person's entry may be shown now (opted in and confirmed since the date). */
export async function isFindable(db: DbOrTx, userRef: string, confirmedSince: Date): Promise<boolean> {
  const [row] = await db
    .select({ u: fabriqueProfiles.userRef })
    .from(fabriqueProfiles)
    .where(and(eq(fabriqueProfiles.userRef, userRef), eq(fabriqueProfiles.optedIn, true), gte(fabriqueProfiles.confirmedAt, confirmedSince)));
  return Boolean(row);
}

/** People in the directory's "facilitator" choice: findable people and committee members named in Instants. */
export function facilitatorCandidates(db: DbOrTx, confirmedSince: Date): Promise<PersonRow[]> {
  return db
    .select(person)
    .from(ltiUsers)
    .where(
      or(
        sql`exists (select 1 from ${fabriqueProfiles} p where p.user_ref = ${ltiUsers.id} and p.opted_in and p.confirmed_at >= ${confirmedSince.toISOString()}::timestamptz)`,
        sql`exists (select 1 from ${fabriqueCommittee} c where c.user_ref = ${ltiUsers.id})`,
      ),
    )
    .orderBy(asc(ltiUsers.name))
    .limit(300);
}
