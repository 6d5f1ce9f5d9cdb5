import { eq, sql } from 'drizzle-orm';
import type { Clock } from '../../platform/clock';
import type { Db, DbOrTx } from '../../platform/db/client';
import { parseRetryAfter } from '../../platform/retry-after';
import { enqueueOutbox, rowsOf, type DeliveryOutcome, type OutboxHandler, type OutboxItem } from '../outbox/outbox';
import { xapiDestinations, xapiErasureRequests } from '../xapi.tables';
import { decryptAuth } from './credentials';
import type { HeldCopies } from './copies.repo';
import { seal, unseal } from './seal';

/**
 * Erasure requests to forwarding destinations (issue 20). Statements already forwarded cannot be recalled;
 * a destination that is another Instants says so in its /about (the Instants LRS extension names its
 * erasure resource), and erases the agent's statements there when asked with the destination's own
 * credentials (scope `all`). Any other LRS is recorded as holding copies that only its operator can erase.
 */

export const ERASURE_OUTBOX_KIND = 'xapi-erasure';
/** The extension of /xapi/about by which an Instants LRS announces itself (src/lrs/about.routes.ts). */
export const INSTANTS_LRS_EXTENSION = 'https://instants.ac-dijon.fr/xapi/extensions/lrs';

interface ErasurePayload {
  requestId: string;
  agent: string;
}

/** Queues one erasure request per destination holding copies, in the erasure's transaction; returns them. */
export async function queueErasureRequests(tx: DbOrTx, ltiKey: string, erasureId: string, agent: Record<string, unknown>, held: HeldCopies[]): Promise<Array<{ id: string; destinationId: string }>> {
  const live = held.filter((h) => h.name !== null);
  if (!live.length) return [];
  const rows = await tx
    .insert(xapiErasureRequests)
    .values(live.map((h) => ({ erasureId, destinationId: h.destinationId, destinationName: h.name!, statements: h.statements })))
    .returning({ id: xapiErasureRequests.id, destinationId: xapiErasureRequests.destinationId });
  await enqueueOutbox(tx, rows.map((r) => ({ kind: ERASURE_OUTBOX_KIND, destination: r.destinationId, ref: r.id, payload: { requestId: r.id, agent: seal(ltiKey, agent) } satisfies ErasurePayload })));
  return rows;
}

/** The erasure requests of one erasure, as the admin report shows them. */
export async function erasureRequestsOf(db: DbOrTx, erasureId: string) {
  return db.select().from(xapiErasureRequests).where(eq(xapiErasureRequests.erasureId, erasureId)).orderBy(xapiErasureRequests.destinationName);
}

async function settle(db: Db, clock: Clock, id: string, status: 'done' | 'refused' | 'unsupported', remoteStatus: number | null, erasedThere: Record<string, unknown> | null): Promise<void> {
  await db.update(xapiErasureRequests).set({ status, remoteStatus, erasedThere, settledAt: clock.now() }).where(eq(xapiErasureRequests.id, id));
}

const timeout = () => AbortSignal.timeout(15_000);

/** Where a destination takes erasure requests, from its /about; null when it is not an Instants (or says nothing). */
async function erasureUrl(endpoint: string, auth: string): Promise<string | null> {
  const res = await fetch(new URL('about', endpoint), { headers: { 'X-Experience-API-Version': '1.0.3', Authorization: auth }, signal: timeout() });
  if (res.status >= 500 || res.status === 429) throw Object.assign(new Error(`HTTP ${res.status}`), { retryAfterMs: parseRetryAfter(res.headers.get('retry-after')), status: res.status });
  if (!res.ok) return null;
  const about = (await res.json().catch(() => null)) as { extensions?: Record<string, { erasure?: unknown }> } | null;
  const resource = about?.extensions?.[INSTANTS_LRS_EXTENSION]?.erasure;
  return typeof resource === 'string' ? new URL(resource, endpoint).toString() : null;
}

/** Builds the handler of kind `xapi-erasure`; the destination key is `xapi_destinations.id`. */
export function xapiErasureHandler(deps: { db: Db; clock: Clock; ltiKey: string }): OutboxHandler {
  const deliverOne = async (item: OutboxItem): Promise<DeliveryOutcome> => {
    const payload = item.payload as ErasurePayload;
    const [d] = await deps.db.select().from(xapiDestinations).where(eq(xapiDestinations.id, item.destination));
    if (!d) return settle(deps.db, deps.clock, payload.requestId, 'unsupported', null, null).then(() => ({ status: 'delivered' as const }));
    let auth: string;
    let agent: unknown;
    try {
      auth = decryptAuth(deps.ltiKey, d.authEncrypted);
      agent = unseal(deps.ltiKey, payload.agent);
    } catch {
      return { status: 'retry', error: 'the credentials cannot be decrypted (was LTI_KEY changed?)' };
    }
    try {
      const url = await erasureUrl(d.endpoint, auth);
      if (!url) {
        await settle(deps.db, deps.clock, payload.requestId, 'unsupported', null, null);
        return { status: 'delivered' };
      }
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3', Authorization: auth }, body: JSON.stringify({ agent }), signal: timeout() });
      if (res.status >= 500 || res.status === 429) return { status: 'retry', error: `HTTP ${res.status}`, remoteStatus: res.status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
      const answer = res.ok ? ((await res.json().catch(() => null)) as Record<string, unknown> | null) : null;
      await settle(deps.db, deps.clock, payload.requestId, res.ok ? 'done' : 'refused', res.status, answer && typeof answer === 'object' ? { statements: Number(answer.statements ?? 0), documents: Number(answer.documents ?? 0) } : null);
      return { status: 'delivered' };
    } catch (err) {
      const e = err as Error & { status?: number; retryAfterMs?: number; cause?: { code?: string } };
      return { status: 'retry', error: e.status ? `HTTP ${e.status}` : `network error: ${e.cause?.code ?? e.name}`, ...(e.status ? { remoteStatus: e.status } : {}), ...(e.retryAfterMs ? { retryAfterMs: e.retryAfterMs } : {}) };
    }
  };
  return {
    batchSize: () => 20,
    async deliver(_destination, items) {
      const out: DeliveryOutcome[] = [];
      for (const item of items) out.push(await deliverOne(item));
      return out;
    },
  };
}

/** Erasure requests still waiting, for the operations page (count only). */
export async function pendingErasureRequests(db: DbOrTx): Promise<number> {
  return Number(rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from xapi_erasure_requests where status = 'pending'`))[0]?.n ?? 0);
}
