import XAPI, { type Statement as XapiJsStatement } from '@xapi/xapi';
import { eq } from 'drizzle-orm';
import type { Db } from '../../platform/db/client';
import { parseRetryAfter } from '../../platform/retry-after';
import type { DeliveryOutcome, OutboxHandler, OutboxItem } from '../outbox/outbox';
import { xapiDestinations } from '../xapi.tables';
import { loadAttachmentParts, multipartBatch } from './attachments';
import { recordCopies } from './copies.repo';
import { decryptAuth } from './credentials';

/**
 * Forwards statements to an external LRS with @xapi/xapi, one POST per batch in storage order; a batch whose
 * statements declare attachments the LRS holds goes as multipart/mixed with them (attachments.ts).
 * 200 = delivered. 409 = the LRS already holds that id: delivered. 400 (or 413/422…) on a batch: bisected until
 * the refused statements are isolated and dead-lettered with the LRS's answer, while the others flow.
 * Network errors, 5xx and 429 (with Retry-After, capped at five minutes) are retried by the outbox. 401/403/404 mean the destination
 * itself is misconfigured, not the statements: retried too, and shown as the destination's last error.
 */

/** An HTTP answer other than 2xx, kept with what the outbox needs to decide. */
export class RemoteError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
    this.name = 'RemoteError';
  }
}

// @xapi/xapi's own fetch adapter throws a bare Error on failure, losing the status and Retry-After.
type AdapterFunction = Extract<NonNullable<ConstructorParameters<typeof XAPI>[0]['adapter']>, (...args: never[]) => unknown>;
const adapter = (async ({ url, method, data, headers }: { url: string; method: string; data?: unknown; headers?: Record<string, string> }) => {
  const res = await fetch(url, {
    method,
    headers,
    body: data === undefined ? undefined : Buffer.isBuffer(data) ? new Uint8Array(data) : JSON.stringify(data),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new RemoteError(res.status, text, parseRetryAfter(res.headers.get('retry-after')));
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { data: parsed as never, headers: Object.fromEntries(res.headers.entries()), status: res.status };
}) as AdapterFunction;

const DESTINATION_FAULTS = new Set([401, 403, 404, 405, 407]);

/** Builds the handler of kind `xapi-statement`; the destination key is `xapi_destinations.id`. */
export function xapiForwardHandler(deps: { db: Db; ltiKey: string; now?: () => Date }): OutboxHandler {
  const load = async (id: string) => {
    const [row] = await deps.db.select().from(xapiDestinations).where(eq(xapiDestinations.id, id));
    return row;
  };
  return {
    async batchSize(destination) {
      return (await load(destination))?.batchSize ?? 100;
    },
    async deliver(destination, items) {
      const d = await load(destination);
      if (!d) return items.map(() => ({ status: 'dead', error: 'the destination was removed' }));
      if (!d.enabled) return items.map(() => ({ status: 'retry', error: 'the destination is disabled' }));
      let auth: string;
      try {
        auth = decryptAuth(deps.ltiKey, d.authEncrypted);
      } catch {
        return items.map(() => ({ status: 'retry', error: 'the credentials cannot be decrypted (was LTI_KEY changed?): add the destination again' }));
      }
      // xapi.js types versions up to 1.0.3; the header is sent as given, so 2.0.0 works too.
      const client = new XAPI({ endpoint: d.endpoint, auth, version: d.xapiVersion as '1.0.3', adapter });
      const parts = await loadAttachmentParts(deps.db, items.map((i) => i.payload));
      const send = (batch: OutboxItem[]) => {
        const statements = batch.map((i) => i.payload);
        const multipart = multipartBatch(statements, parts);
        if (!multipart) return client.sendStatements({ statements: statements as XapiJsStatement[] });
        const headers = { 'X-Experience-API-Version': d.xapiVersion, Authorization: auth, 'Content-Type': multipart.contentType };
        return adapter({ url: `${d.endpoint}statements`, method: 'POST', data: multipart.body, headers });
      };
      // Before sending: a batch whose answer is lost may still have been stored there (issue 20, erasure).
      await recordCopies(deps.db, d.id, items.map((i) => i.payload), deps.now?.() ?? new Date());
      return deliverBisecting(items, send);
    },
  };
}

/** Sends a batch; on a statement-level refusal, splits it in halves until each refused statement is alone. */
export async function deliverBisecting(items: OutboxItem[], send: (batch: OutboxItem[]) => Promise<unknown>): Promise<DeliveryOutcome[]> {
  try {
    await send(items);
    return items.map(() => ({ status: 'delivered' }));
  } catch (err) {
    if (!(err instanceof RemoteError)) {
      const cause = (err as Error & { cause?: { code?: string } }).cause?.code;
      return items.map(() => ({ status: 'retry', error: `network error: ${cause ?? (err as Error).message}` }));
    }
    const { status } = err;
    if (status === 409 && items.length === 1) return [{ status: 'delivered' }];
    if (status === 429 || status >= 500 || DESTINATION_FAULTS.has(status) || status < 400) {
      return items.map(() => ({ status: 'retry', error: err.message, retryAfterMs: err.retryAfterMs, remoteStatus: status }));
    }
    if (items.length === 1) return [{ status: 'dead', error: err.message, remoteStatus: status, remoteBody: err.body }];
    const mid = Math.ceil(items.length / 2);
    const first = await deliverBisecting(items.slice(0, mid), send);
    // Keep storage order: if the first half could not go now, do not send the second half ahead of it.
    if (first.some((o) => o.status === 'retry')) {
      const reason = first.find((o) => o.status === 'retry') as Extract<DeliveryOutcome, { status: 'retry' }>;
      return [...first, ...items.slice(mid).map(() => ({ ...reason }))];
    }
    return [...first, ...(await deliverBisecting(items.slice(mid), send))];
  }
}
