import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { ltiUsers } from '../lti/lti.tables';
import type { Db, DbOrTx } from '../platform/db/client';
import { peopleChoices, peopleImports, peopleLaunchValues, peopleProfiles, type ProfileField } from './people.tables';

/** The only SQL of the people slice. It also keeps lti_users.service / job_family (the effective values). */

export type ChoiceRow = typeof peopleChoices.$inferSelect;
export type ProfileRow = typeof peopleProfiles.$inferSelect;
export interface Values {
  service: string | null;
  jobFamily: string | null;
}

export async function listChoices(db: DbOrTx, options: { archived?: boolean } = {}): Promise<ChoiceRow[]> {
  return db
    .select()
    .from(peopleChoices)
    .where(options.archived ? undefined : isNull(peopleChoices.archivedAt))
    .orderBy(asc(peopleChoices.kind), asc(peopleChoices.position), asc(peopleChoices.label));
}

/** Adds a choice, or brings an archived one back; returns false when it already exists and is live. */
export async function addChoice(db: DbOrTx, kind: ProfileField, label: string): Promise<boolean> {
  const [max] = await db.select({ p: sql<number>`coalesce(max(${peopleChoices.position}), 0)` }).from(peopleChoices).where(eq(peopleChoices.kind, kind));
  const rows = await db
    .insert(peopleChoices)
    .values({ kind, label, position: Number(max?.p ?? 0) + 1 })
    .onConflictDoUpdate({ target: [peopleChoices.kind, peopleChoices.label], set: { archivedAt: null }, setWhere: sql`${peopleChoices.archivedAt} is not null` })
    .returning({ id: peopleChoices.id });
  return rows.length === 1;
}

export async function archiveChoice(db: DbOrTx, id: string, now: Date): Promise<boolean> {
  const rows = await db.update(peopleChoices).set({ archivedAt: now }).where(and(eq(peopleChoices.id, id), isNull(peopleChoices.archivedAt))).returning({ id: peopleChoices.id });
  return rows.length === 1;
}

export async function findProfile(db: DbOrTx, userRef: string): Promise<ProfileRow | undefined> {
  const [row] = await db.select().from(peopleProfiles).where(eq(peopleProfiles.userRef, userRef));
  return row;
}

export async function saveProfile(db: DbOrTx, row: typeof peopleProfiles.$inferInsert): Promise<void> {
  const { userRef: _u, ...set } = row;
  await db.insert(peopleProfiles).values(row).onConflictDoUpdate({ target: peopleProfiles.userRef, set });
}

/** Records the custom-parameter values of a launch; a field left undefined keeps its previous value. */
export async function saveLaunchValues(db: DbOrTx, userRef: string, values: Partial<Values>, now: Date): Promise<void> {
  const set = { ...(values.service !== undefined ? { service: values.service } : {}), ...(values.jobFamily !== undefined ? { jobFamily: values.jobFamily } : {}), updatedAt: now };
  await db.insert(peopleLaunchValues).values({ userRef, service: values.service ?? null, jobFamily: values.jobFamily ?? null, updatedAt: now }).onConflictDoUpdate({ target: peopleLaunchValues.userRef, set });
}

/** A person's three sources: declared profile, imported rows (by e-mail or pseudonym), launch values. */
export async function sourcesOf(db: DbOrTx, userRef: string, pseudonym: string) {
  const [user] = await db.select({ email: ltiUsers.email }).from(ltiUsers).where(eq(ltiUsers.id, userRef));
  const keys = [{ kind: 'pseudonym' as const, key: pseudonym }, ...(user?.email ? [{ kind: 'email' as const, key: user.email.trim().toLowerCase() }] : [])];
  const imported = await db
    .select()
    .from(peopleImports)
    .where(inArray(sql`(${peopleImports.keyKind} || ':' || ${peopleImports.key})`, keys.map((k) => `${k.kind}:${k.key}`)));
  const [launch] = await db.select().from(peopleLaunchValues).where(eq(peopleLaunchValues.userRef, userRef));
  return {
    profile: await findProfile(db, userRef),
    // The pseudonym names the person exactly: it wins over an e-mail row.
    imported: imported.find((r) => r.keyKind === 'pseudonym') ?? imported.find((r) => r.keyKind === 'email'),
    launch,
  };
}

/** Writes the effective values where statements and dashboards read them. */
export async function setEffective(db: DbOrTx, userRef: string, values: Values, now: Date): Promise<void> {
  await db.update(ltiUsers).set({ service: values.service, jobFamily: values.jobFamily, updatedAt: now }).where(eq(ltiUsers.id, userRef));
}

/** Our id for a person of a platform. */
export async function findUserId(db: DbOrTx, issuer: string, sub: string): Promise<string | undefined> {
  const [row] = await db.select({ id: ltiUsers.id }).from(ltiUsers).where(and(eq(ltiUsers.issuer, issuer), eq(ltiUsers.sub, sub)));
  return row?.id;
}

/** Everyone known, for matching an import (id, issuer, sub, e-mail). */
export async function listUsers(db: DbOrTx) {
  return db.select({ id: ltiUsers.id, issuer: ltiUsers.issuer, sub: ltiUsers.sub, email: ltiUsers.email }).from(ltiUsers);
}

/** Replaces the imported rows for the given keys in one transaction. */
export async function upsertImports(db: Db, rows: Array<typeof peopleImports.$inferInsert>, apply: (tx: DbOrTx) => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insert(peopleImports)
        .values(rows.slice(i, i + 500))
        .onConflictDoUpdate({ target: [peopleImports.keyKind, peopleImports.key], set: { service: sql`excluded.service`, jobFamily: sql`excluded.job_family`, importedAt: sql`excluded.imported_at` } });
    }
    await apply(tx);
  });
}

/** How many people have no effective service (for dashboards: the share of people the reach by service misses). */
export async function countWithoutService(db: DbOrTx): Promise<{ people: number; withoutService: number }> {
  const [row] = await db.select({ people: sql<number>`count(*)`, without: sql<number>`count(*) filter (where ${ltiUsers.service} is null)` }).from(ltiUsers);
  return { people: Number(row?.people ?? 0), withoutService: Number(row?.without ?? 0) };
}
