import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../../platform/clock';
import type { Db, DbOrTx } from '../../platform/db/client';
import type { Logger } from '../../platform/logger';
import { clampRetryAfterMs } from '../../platform/retry-after';
import { outbox } from '../xapi.tables';

/**
 * The generic outbox: rows written in the same transaction as the change they announce, delivered later by
 * a worker through the handler registered for their kind (xAPI forwarding, AGS scores…). At least once:
 * rows are claimed with FOR UPDATE SKIP LOCKED and a lease, so any number of workers can run and a crashed
 * worker's rows come back when the lease ends; a delivered row is deleted, a refused one becomes a dead letter.
 */

/** A row handed to a handler. */
export interface OutboxItem<P = unknown> {
  id: number;
  kind: string;
  destination: string;
  ref: string | null;
  payload: P;
  attempts: number;
  createdAt: Date;
}

/** What happened to one item. */
export type DeliveryOutcome =
  | { status: 'delivered' }
  /** Refused for good (e.g. a 400 for this statement): becomes a dead letter with the remote answer. */
  | { status: 'dead'; error: string; remoteStatus?: number; remoteBody?: string }
  /** Could not be delivered now (network, 5xx, 429): tried again after a backoff (at least `retryAfterMs`, at most 5 min of it). */
  | { status: 'retry'; error: string; retryAfterMs?: number; remoteStatus?: number };

/** Delivers a batch of one kind to one destination; returns one outcome per item, in the same order. */
export interface OutboxHandler {
  /** Most items per batch (default 100); may depend on the destination. */
  batchSize?(destination: string): Promise<number> | number;
  deliver(destination: string, items: OutboxItem[]): Promise<DeliveryOutcome[]>;
}

/** A row to enqueue. */
export interface NewOutboxRow {
  kind: string;
  destination: string;
  ref?: string | null;
  payload: unknown;
}

/** Due at once, whatever the worker's clock says (the database's now() may be ahead of the application's). */
export const DUE_NOW = new Date(0);

const OUTBOX_CHUNK = 1000;
const insertOf = (tx: DbOrTx, rows: NewOutboxRow[]) => tx.insert(outbox).values(rows.map((r) => ({ kind: r.kind, destination: r.destination, ref: r.ref ?? null, payload: r.payload, nextAttemptAt: DUE_NOW })));

/** Writes outbox rows, in the caller's transaction, in the given order (ids follow it). */
export async function enqueueOutbox(tx: DbOrTx, rows: NewOutboxRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += OUTBOX_CHUNK) await insertOf(tx, rows.slice(i, i + OUTBOX_CHUNK));
}

/** The statements that write outbox rows (in order), for the caller to run inside one of its own. */
export function outboxInserts(tx: DbOrTx, rows: NewOutboxRow[]): SQL[] {
  const out: SQL[] = [];
  for (let i = 0; i < rows.length; i += OUTBOX_CHUNK) out.push(insertOf(tx, rows.slice(i, i + OUTBOX_CHUNK)).getSQL());
  return out;
}

export interface OutboxOptions {
  db: Db;
  clock: Clock;
  log: Logger;
  /** How long a claim lasts before another worker may take the rows again (default 60 s). */
  leaseMs?: number;
  /** First retry delay (default 1 s), doubled per consecutive failure up to `maxBackoffMs` (default 1 min: after an outage, a destination is caught up at most about a minute after it is back). */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Source of jitter in [0, 1) (tests may fix it). */
  random?: () => number;
}

interface ClaimedRow extends Record<string, unknown> {
  id: string | number;
  kind: string;
  destination: string;
  ref: string | null;
  payload: unknown;
  attempts: number;
  created_at: string | Date;
}

/** The outbox worker and handler registry of one application. */
export class Outbox {
  private readonly handlers = new Map<string, OutboxHandler>();
  private readonly leaseMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;

  constructor(private readonly o: OutboxOptions) {
    this.leaseMs = o.leaseMs ?? 60_000;
    this.baseBackoffMs = o.baseBackoffMs ?? 1000;
    this.maxBackoffMs = o.maxBackoffMs ?? 60_000;
    this.random = o.random ?? Math.random;
  }

  /** Registers the handler of a kind (one per kind). */
  register(kind: string, handler: OutboxHandler): void {
    if (this.handlers.has(kind)) throw new Error(`An outbox handler for ${kind} is already registered`);
    this.handlers.set(kind, handler);
  }

  /** Delivers at most one batch per due (kind, destination); returns how many items were settled. */
  async runOnce(): Promise<number> {
    const now = this.o.clock.now();
    const due = await this.o.db.execute<{ kind: string; destination: string }>(sql`
      select o.kind, o.destination from outbox o
      left join outbox_progress p on p.kind = o.kind and p.destination = o.destination
      where o.status = 'pending' and o.next_attempt_at <= ${now.toISOString()}::timestamptz
        and (p.paused_until is null or p.paused_until <= ${now.toISOString()}::timestamptz)
      group by o.kind, o.destination`);
    let settled = 0;
    for (const { kind, destination } of rowsOf<{ kind: string; destination: string }>(due)) {
      const handler = this.handlers.get(kind);
      if (!handler) continue;
      settled += await this.deliverBatch(kind, destination, handler);
    }
    return settled;
  }

  /** Claims the oldest due rows of one destination, hands them to the handler and records the outcomes. */
  async deliverBatch(kind: string, destination: string, handler: OutboxHandler): Promise<number> {
    const size = (await handler.batchSize?.(destination)) ?? 100;
    const items = await this.claim(kind, destination, size);
    if (!items.length) return 0;
    let outcomes: DeliveryOutcome[];
    try {
      outcomes = await handler.deliver(destination, items);
      if (outcomes.length !== items.length) throw new Error(`handler for ${kind} returned ${outcomes.length} outcomes for ${items.length} items`);
    } catch (err) {
      this.o.log.error({ err, kind, destination }, 'outbox handler failed');
      outcomes = items.map(() => ({ status: 'retry', error: `handler error: ${(err as Error).message}` }));
    }
    await this.settle(kind, destination, items, outcomes);
    return items.length;
  }

  private async claim(kind: string, destination: string, size: number): Promise<OutboxItem[]> {
    const now = this.o.clock.now();
    const leaseEnd = new Date(now.getTime() + this.leaseMs);
    const token = crypto.randomUUID();
    const result = await this.o.db.execute<ClaimedRow>(sql`
      with due as (
        select id from outbox
        where kind = ${kind} and destination = ${destination} and status = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
        order by id limit ${size}
        for update skip locked
      )
      update outbox o set next_attempt_at = ${leaseEnd.toISOString()}::timestamptz, claim_token = ${token}, attempts = o.attempts + 1
      from due where o.id = due.id
      returning o.id, o.kind, o.destination, o.ref, o.payload, o.attempts, o.created_at`);
    return rowsOf<ClaimedRow>(result)
      .map((r) => ({ id: Number(r.id), kind: r.kind, destination: r.destination, ref: r.ref, payload: r.payload, attempts: r.attempts, createdAt: new Date(r.created_at) }))
      .sort((a, b) => a.id - b.id);
  }

  private async settle(kind: string, destination: string, items: OutboxItem[], outcomes: DeliveryOutcome[]): Promise<void> {
    const now = this.o.clock.now();
    const delivered: number[] = [];
    const dead: Array<{ id: number; o: Extract<DeliveryOutcome, { status: 'dead' }> }> = [];
    const retry: Array<{ id: number; o: Extract<DeliveryOutcome, { status: 'retry' }> }> = [];
    outcomes.forEach((o, i) => {
      const id = items[i]!.id;
      if (o.status === 'delivered') delivered.push(id);
      else if (o.status === 'dead') dead.push({ id, o });
      else retry.push({ id, o });
    });
    await this.o.db.transaction(async (tx) => {
      if (delivered.length) await tx.execute(sql`delete from outbox where id = any(${pgArray(delivered)}::bigint[])`);
      for (const { id, o } of dead) {
        await tx.execute(sql`update outbox set status = 'dead', dead_at = ${now.toISOString()}::timestamptz, claim_token = null, last_error = ${o.error},
          remote_status = ${o.remoteStatus ?? null}, remote_body = ${truncate(o.remoteBody)} where id = ${id}`);
      }
      // Refused items are dead letters, not deliveries: only delivered ones count as delivered.
      const failures = await this.bumpProgress(tx, kind, destination, delivered.length, retry.length > 0, retry[0]?.o.error ?? dead[0]?.o.error ?? null);
      if (retry.length) {
        // A handler's Retry-After is clamped: an hour, or a number too big for a Date, must not stall the destination.
        const retryAfter = Math.max(0, ...retry.map((r) => clampRetryAfterMs(r.o.retryAfterMs)));
        const pausedUntil = new Date(now.getTime() + Math.max(retryAfter, this.backoffMs(failures)));
        await tx.execute(sql`update outbox set next_attempt_at = ${pausedUntil.toISOString()}::timestamptz, claim_token = null, last_error = ${retry[0]!.o.error},
          remote_status = ${retry[0]!.o.remoteStatus ?? null} where id = any(${pgArray(retry.map((r) => r.id))}::bigint[])`);
        await tx.execute(sql`update outbox_progress set paused_until = ${pausedUntil.toISOString()}::timestamptz where kind = ${kind} and destination = ${destination}`);
      }
    });
    // The remote answer (which may echo statements) stays in the outbox row for admins, out of the log.
    if (retry.length) this.o.log.warn({ kind, destination, items: retry.length, ...logReason(retry[0]!.o) }, 'outbox delivery will be retried');
    if (dead.length) this.o.log.warn({ kind, destination, items: dead.length, ...logReason(dead[0]!.o) }, 'outbox items refused: moved to dead letters');
  }

  /** Updates the destination's progress row (`delivered` items more); returns its consecutive failure count. */
  private async bumpProgress(tx: DbOrTx, kind: string, destination: string, delivered: number, failed: boolean, error: string | null): Promise<number> {
    const now = this.o.clock.now().toISOString();
    const res = await tx.execute<{ consecutive_failures: number }>(sql`
      insert into outbox_progress as p (kind, destination, delivered_count, last_delivered_at, consecutive_failures, paused_until, last_error, last_error_at)
      values (${kind}, ${destination}, ${delivered}, ${delivered ? now : null}::timestamptz, ${failed ? 1 : 0}, null, ${error}, ${error ? now : null}::timestamptz)
      on conflict (kind, destination) do update set
        delivered_count = p.delivered_count + excluded.delivered_count,
        last_delivered_at = coalesce(excluded.last_delivered_at, p.last_delivered_at),
        consecutive_failures = case when ${failed} then p.consecutive_failures + 1 else 0 end,
        paused_until = null,
        last_error = coalesce(excluded.last_error, p.last_error),
        last_error_at = coalesce(excluded.last_error_at, p.last_error_at)
      returning consecutive_failures`);
    return Number(rowsOf<{ consecutive_failures: number }>(res)[0]?.consecutive_failures ?? 0);
  }

  /** Exponential backoff with jitter: between half and all of base · 2^(failures − 1), capped. */
  backoffMs(failures: number): number {
    const full = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** Math.max(0, failures - 1));
    return Math.round(full / 2 + (this.random() * full) / 2);
  }
}

/** What a log line may say about a failed delivery: the remote status, or a network error code. */
function logReason(o: { error: string; remoteStatus?: number }): { remoteStatus?: number; error?: string } {
  if (o.remoteStatus !== undefined) return { remoteStatus: o.remoteStatus };
  return /^network error: [A-Z_]+$/.test(o.error) ? { error: o.error } : {};
}

/** Rows of a raw `execute` result, whichever driver answered (node-postgres or PGlite). */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

function pgArray(ids: number[]): string {
  return `{${ids.join(',')}}`;
}

function truncate(text: string | undefined): string | null {
  if (text === undefined) return null;
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}
