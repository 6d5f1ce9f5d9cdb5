import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { DataSubject } from '../platform/personal-data';

/** Proposals and projects of a person (src/fabrique/personal-data.ts). */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

export async function projectsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  // The other person of a project (its proposer, its facilitator) is not theirs to export.
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select to_jsonb(p) - 'creation_key'
      || jsonb_build_object('proposer_ref', case when p.proposer_ref = ${who.userId} then p.proposer_ref end, 'facilitator_ref', case when p.facilitator_ref = ${who.userId} then p.facilitator_ref end) as row
    from fabrique_projects p
    where p.proposer_ref = ${who.userId} or p.facilitator_ref = ${who.userId} order by p.created_at`)).map((r) => r.row);
}

/**
 * A proposal that was never selected (proposed, declined) is its author's: it goes, with its comments and
 * supports. A selected project is the académie's: its proposer and facilitator are detached from it.
 */
export async function eraseFromProjects(db: DbOrTx, who: DataSubject): Promise<number> {
  const deleted = rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from fabrique_projects where proposer_ref = ${who.userId} and stage in ('proposed', 'declined') returning 1) select count(*)::int as n from d`))[0]!.n;
  const detached = rowsOf<{ n: number }>(await db.execute(sql`with d as (update fabrique_projects set
      proposer_ref = case when proposer_ref = ${who.userId} then null else proposer_ref end,
      facilitator_ref = case when facilitator_ref = ${who.userId} then null else facilitator_ref end
    where proposer_ref = ${who.userId} or facilitator_ref = ${who.userId} returning 1) select count(*)::int as n from d`))[0]!.n;
  return deleted + detached;
}
