import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client';
import { ValidationError } from '../../platform/errors';
import { DUE_NOW, rowsOf } from '../outbox/outbox';
import { findDestination, listDestinations, XAPI_OUTBOX_KIND } from './destinations';

/** What operators see per destination: backlog, lag, last error, dead letters. */
export interface DestinationStatus {
  id: string;
  name: string;
  endpoint: string;
  version: string;
  enabled: boolean;
  filter: { verbs: string[]; activities: string[] };
  pending: number;
  /** Age of the oldest statement still to deliver, in seconds (0 when caught up). */
  lagSeconds: number;
  dead: number;
  deliveredCount: number;
  lastDeliveredAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  pausedUntil: Date | null;
}

/** One dead letter: a statement a destination refused, with its answer. */
export interface DeadLetter {
  id: number;
  destinationId: string;
  statementId: string | null;
  deadAt: Date;
  attempts: number;
  error: string | null;
  remoteStatus: number | null;
  remoteBody: string | null;
}

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** Status of every destination at `now`. */
export async function destinationStatuses(db: DbOrTx, now: Date): Promise<DestinationStatus[]> {
  const destinations = await listDestinations(db);
  const counts = rowsOf<{ destination: string; pending: string; dead: string; oldest: string | null }>(
    await db.execute(sql`select destination, count(*) filter (where status = 'pending') as pending, count(*) filter (where status = 'dead') as dead,
      min(created_at) filter (where status = 'pending') as oldest from outbox where kind = ${XAPI_OUTBOX_KIND} group by destination`),
  );
  const progress = rowsOf<Record<string, unknown>>(await db.execute(sql`select * from outbox_progress where kind = ${XAPI_OUTBOX_KIND}`));
  return destinations.map((d) => {
    const c = counts.find((r) => r.destination === d.id);
    const p = progress.find((r) => r.destination === d.id);
    const oldest = date(c?.oldest);
    return {
      id: d.id,
      name: d.name,
      endpoint: redactEndpoint(d.endpoint),
      version: d.xapiVersion,
      enabled: d.enabled,
      filter: { verbs: d.verbs, activities: d.activities },
      pending: Number(c?.pending ?? 0),
      lagSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.getTime()) / 1000)) : 0,
      dead: Number(c?.dead ?? 0),
      deliveredCount: Number(p?.delivered_count ?? 0),
      lastDeliveredAt: date(p?.last_delivered_at),
      lastError: (p?.last_error as string | null) ?? null,
      lastErrorAt: date(p?.last_error_at),
      pausedUntil: date(p?.paused_until),
    };
  });
}

/** Dead letters, newest first, optionally of one destination. */
export async function listDeadLetters(db: DbOrTx, options: { destinationId?: string; limit?: number } = {}): Promise<DeadLetter[]> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`select id, destination, ref, dead_at, attempts, last_error, remote_status, remote_body from outbox
      where kind = ${XAPI_OUTBOX_KIND} and status = 'dead' ${options.destinationId ? sql`and destination = ${options.destinationId}` : sql``}
      order by dead_at desc, id desc limit ${options.limit ?? 100}`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    destinationId: r.destination as string,
    statementId: (r.ref as string | null) ?? null,
    deadAt: new Date(r.dead_at as string),
    attempts: Number(r.attempts),
    error: (r.last_error as string | null) ?? null,
    remoteStatus: r.remote_status === null ? null : Number(r.remote_status),
    remoteBody: (r.remote_body as string | null) ?? null,
  }));
}

/** Puts dead letters back in the queue (all, one destination's, or given ids); returns how many. */
export async function replayDeadLetters(db: DbOrTx, now: Date, options: { destinationId?: string; ids?: number[] } = {}): Promise<number> {
  const res = await db.execute(sql`update outbox set status = 'pending', attempts = 0, next_attempt_at = ${now.toISOString()}::timestamptz, dead_at = null, claim_token = null
    where kind = ${XAPI_OUTBOX_KIND} and status = 'dead'
    ${options.destinationId ? sql`and destination = ${options.destinationId}` : sql``}
    ${options.ids ? sql`and id = any(${`{${options.ids.map(Number).join(',')}}`}::bigint[])` : sql``}
    returning id`);
  const n = rowsOf(res).length;
  if (n) await db.execute(sql`update outbox_progress set paused_until = null, consecutive_failures = 0 where kind = ${XAPI_OUTBOX_KIND}
    ${options.destinationId ? sql`and destination = ${options.destinationId}` : sql``}`);
  return n;
}

/**
 * Queues again, for one destination, every stored statement (from any source) stored at or after `from`,
 * in storage order and through the destination's filter; duplicates are harmless at the LRS. Returns how many.
 */
export async function resendFrom(db: DbOrTx, destination: string, from: Date, now: Date): Promise<number> {
  if (Number.isNaN(from.getTime())) throw new ValidationError('Invalid date', [{ path: 'from', message: 'expected a date (e.g. 2026-11-01 or 2026-11-01T08:00:00Z)' }]);
  if (from > now) throw new ValidationError('Date in the future', [{ path: 'from', message: 'must not be in the future' }]);
  const d = await findDestination(db, destination);
  const verbs = `{${d.verbs.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  const acts = `{${d.activities.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  const res = await db.execute(sql`insert into outbox (kind, destination, ref, payload, next_attempt_at)
    select ${XAPI_OUTBOX_KIND}, ${d.id}, s.id::text, s.statement - 'stored' - 'authority' - 'version', ${DUE_NOW.toISOString()}::timestamptz
    from lrs_statements s
    where s.stored >= ${from.toISOString()}::timestamptz
      and (cardinality(${verbs}::text[]) = 0 or s.verb_id = any(${verbs}::text[]))
      and (cardinality(${acts}::text[]) = 0 or exists (select 1 from unnest(${acts}::text[]) p where starts_with(s.object_activity_id, p)))
    order by s.seq
    returning id`);
  return rowsOf(res).length;
}

/** The endpoint without any user:password part (credentials are never shown). */
export function redactEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return endpoint;
  }
}
