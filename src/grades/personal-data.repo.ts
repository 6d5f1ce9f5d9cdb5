import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { DataSubject } from '../platform/personal-data';

/** The person's entries in the cached course rosters (src/grades/personal-data.ts). */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

const rostersWith = (who: DataSubject) => sql`r.context_ref in (select id from lti_contexts where issuer = ${who.issuer})
  and r.members @> ${JSON.stringify([{ userId: who.sub }])}::jsonb`;

export async function rosterEntriesOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select jsonb_build_object('context_ref', r.context_ref, 'fetched_at', r.fetched_at, 'member', m) as row
    from grades_rosters r, jsonb_array_elements(r.members) m where ${rostersWith(who)} and m->>'userId' = ${who.sub} order by r.fetched_at`)).map((r) => r.row);
}

/** Takes the person out of every cached roster of their platform (Moodle lists them again at the next read while enrolled). */
export async function removeFromRosters(db: DbOrTx, who: DataSubject): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (update grades_rosters r set
      members = (select coalesce(jsonb_agg(m), '[]'::jsonb) from jsonb_array_elements(r.members) m where m->>'userId' <> ${who.sub}),
      member_count = r.member_count - 1
    where ${rostersWith(who)} returning 1) select count(*)::int as n from d`))[0]!.n;
}
