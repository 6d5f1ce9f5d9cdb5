import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { DataSubject } from '../platform/personal-data';

/** Sessions the person created or is named in as presenter or contributor (src/catalog/personal-data.ts). */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

// Presenters and contributors are names organisers typed: the person's name, in any case, is theirs.
const named = (who: DataSubject) => sql`(${who.name ?? ''} <> '' and (exists (select 1 from unnest(s.presenters) p where lower(p) = lower(${who.name ?? ''}))
  or exists (select 1 from unnest(s.contributors) c where lower(c) = lower(${who.name ?? ''}))))`;

export async function sessionsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select jsonb_build_object('id', s.id, 'title', s.title, 'starts_at', s.starts_at,
      'created_by_you', s.created_by is not distinct from ${who.userId}::uuid, 'presenters', s.presenters, 'contributors', s.contributors) as row
    from catalog_sessions s where s.created_by = ${who.userId} or ${named(who)} order by s.starts_at`)).map((r) => r.row);
}

/** Detaches the person from the sessions they created, and takes their name out of presenters and contributors. */
export async function detachFromSessions(db: DbOrTx, who: DataSubject): Promise<number> {
  const created = rowsOf<{ n: number }>(await db.execute(sql`with d as (update catalog_sessions set created_by = null where created_by = ${who.userId} returning 1) select count(*)::int as n from d`))[0]!.n;
  if (!who.name) return created;
  const renamed = rowsOf<{ n: number }>(await db.execute(sql`with d as (update catalog_sessions s set
      presenters = array(select p from unnest(s.presenters) p where lower(p) <> lower(${who.name})),
      contributors = array(select c from unnest(s.contributors) c where lower(c) <> lower(${who.name}))
    where ${named(who)} returning 1) select count(*)::int as n from d`))[0]!.n;
  return created + renamed;
}
