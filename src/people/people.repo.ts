import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { ltiUsers } from '../lti/lti.tables';
import type { Db, DbOrTx } from '../platform/db/client';
import { peopleChoices, peopleImports, peopleProfiles, type ProfileField } from './people.tables';

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

/**
 * Recomputes a person's effective service and job family in one statement and writes them where
 * statements and dashboards read them (lti_users): per field, the declared profile, else the imported row
 * (the pseudonym names the person exactly, so its row wins over the e-mail's), else the launch values; an
 * empty value counts as none. With `launch`, the launch's custom-parameter values are recorded first, in
 * the same statement (a field left undefined keeps its previous value). Also tells whether the person was
 * ever asked the profile screen and whether the administrator keeps lists (the launch hook's question).
 */
export async function refreshEffectiveValues(
  db: DbOrTx,
  who: { userRef: string; pseudonym: string },
  now: Date,
  launch?: Partial<Values>,
): Promise<Values & { asked: boolean; lists: boolean }> {
  const u = sql`${who.userRef}::uuid`;
  const lv = launch
    ? sql`insert into people_launch_values (user_ref, service, job_family, updated_at) values (${u}, ${launch.service ?? null}, ${launch.jobFamily ?? null}, ${now})
        on conflict (user_ref) do update set ${launch.service !== undefined ? sql`service = excluded.service, ` : sql``}${launch.jobFamily !== undefined ? sql`job_family = excluded.job_family, ` : sql``}updated_at = excluded.updated_at
        returning service, job_family`
    : sql`select service, job_family from people_launch_values where user_ref = ${u}`;
  const result = await db.execute(sql`
    with lv as (${lv}),
    p as (select service, job_family from people_profiles where user_ref = ${u}),
    i as (select service, job_family from people_imports
          where (key_kind = 'pseudonym' and key = ${who.pseudonym})
             or (key_kind = 'email' and key = (select lower(trim(email)) from lti_users where id = ${u}))
          order by key_kind = 'pseudonym' desc limit 1),
    v as (select coalesce(nullif((select service from p), ''), nullif((select service from i), ''), nullif((select service from lv), '')) as service,
                 coalesce(nullif((select job_family from p), ''), nullif((select job_family from i), ''), nullif((select job_family from lv), '')) as job_family),
    w as (update lti_users set service = v.service, job_family = v.job_family, updated_at = ${now} from v where lti_users.id = ${u} returning 1)
    select v.service, v.job_family, exists (select 1 from p) as asked, exists (select 1 from people_choices where archived_at is null) as lists from v`);
  const [row] = (result as unknown as { rows: Array<{ service: string | null; job_family: string | null; asked: boolean; lists: boolean }> }).rows;
  return { service: row?.service ?? null, jobFamily: row?.job_family ?? null, asked: row?.asked === true, lists: row?.lists === true };
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
