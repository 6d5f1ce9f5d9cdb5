import { sql } from 'drizzle-orm';
import { referencesOf } from '../../lrs';
import type { DbOrTx } from '../../platform/db/client';
import type { DataSubject } from '../../platform/personal-data';
import { rowsOf } from '../outbox/outbox';
import { XAPI_OUTBOX_KIND } from './destinations';

/**
 * Which destinations may hold copies of whose statements (migrations/1001_xapi_forwarded_copies.sql), and the
 * outbox rows carrying a person's statements or scores (src/xapi/personal-data.ts).
 */

/** Records, before a batch is sent, that `destinationId` may now hold these statements of the agents they name. */
export async function recordCopies(db: DbOrTx, destinationId: string, statements: unknown[], at: Date): Promise<void> {
  const counts = new Map<string, number>();
  for (const s of statements) {
    const agents = new Set(referencesOf(s as Record<string, unknown>).agents.filter((a) => a.role !== 'authority').map((a) => a.ifi));
    for (const ifi of agents) counts.set(ifi, (counts.get(ifi) ?? 0) + 1);
  }
  if (!counts.size) return;
  const rows = [...counts].map(([ifi, n]) => ({ ifi, n }));
  await db.execute(sql`insert into xapi_forwarded as f (destination_id, ifi, statements, first_at, last_at)
    select ${destinationId}::uuid, x.ifi, x.n, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(ifi text, n bigint)
    on conflict (destination_id, ifi) do update set statements = f.statements + excluded.statements, last_at = excluded.last_at`);
}

/** A destination that may hold copies of one identifier's statements. */
export interface HeldCopies {
  destinationId: string;
  name: string | null;
  endpoint: string | null;
  statements: number;
  firstAt: Date;
  lastAt: Date;
}

/** Where copies of these identifiers' statements went (destinations since removed keep their id, without a name). */
export async function copiesOf(db: DbOrTx, ifis: string[]): Promise<HeldCopies[]> {
  const rows = rowsOf<{ destination_id: string; name: string | null; endpoint: string | null; statements: string | number; first_at: string | Date; last_at: string | Date }>(
    await db.execute(sql`select f.destination_id, d.name, d.endpoint, sum(f.statements) as statements, min(f.first_at) as first_at, max(f.last_at) as last_at
      from xapi_forwarded f left join xapi_destinations d on d.id = f.destination_id
      where f.ifi in (select jsonb_array_elements_text(${JSON.stringify(ifis)}::jsonb)) group by f.destination_id, d.name, d.endpoint order by d.name`),
  );
  return rows.map((r) => ({ destinationId: r.destination_id, name: r.name, endpoint: r.endpoint, statements: Number(r.statements), firstAt: new Date(r.first_at), lastAt: new Date(r.last_at) }));
}

export async function forwardedRowsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select to_jsonb(f) || jsonb_build_object('destination', d.name) as row
    from xapi_forwarded f left join xapi_destinations d on d.id = f.destination_id where f.ifi = ${who.ifi} order by f.first_at`)).map((r) => r.row);
}

export async function deleteCopiesOf(db: DbOrTx, ifis: string[]): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from xapi_forwarded where ifi in (select jsonb_array_elements_text(${JSON.stringify(ifis)}::jsonb)) returning 1) select count(*)::int as n from d`))[0]!.n;
}

// Rows carrying a statement naming the person (any role), or one of their scores for Moodle's gradebook.
const outboxOf = (ifis: string[], userId: string | null) => sql`(o.kind = ${XAPI_OUTBOX_KIND} and o.ref in (select s.id::text from lrs_statements s
    where s.actor_ifi in (select jsonb_array_elements_text(${JSON.stringify(ifis)}::jsonb))
      or s.seq in (select a.statement_seq from lrs_statement_agents a where a.ifi in (select jsonb_array_elements_text(${JSON.stringify(ifis)}::jsonb)))))
  or (o.kind = 'ags-score' and o.payload->>'scoreId' in (select g.id::text from grades_scores g where g.user_ref = ${userId}::uuid))`;

export async function outboxRowsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select to_jsonb(o) - 'payload' - 'claim_token' - 'remote_body' as row from outbox o where ${outboxOf([who.ifi], who.userId)} order by o.id`)).map((r) => r.row);
}

/** Deletes the outbox rows carrying these identifiers' statements (nothing more of theirs leaves) and the user's scores. */
export async function deleteOutboxRowsOf(db: DbOrTx, ifis: string[], userId: string | null): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from outbox o where ${outboxOf(ifis, userId)} returning 1) select count(*)::int as n from d`))[0]!.n;
}
