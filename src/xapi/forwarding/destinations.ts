import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../platform/db/client';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import { toFieldIssues } from '../../platform/http';
import { xapiDestinations } from '../xapi.tables';
import { basicAuth, encryptAuth } from './credentials';

/** The outbox kind of statements forwarded to external LRSs. */
export const XAPI_OUTBOX_KIND = 'xapi-statement';

const iri = z.url({ protocol: /^https?$/, error: 'expected an absolute http(s) IRI' });

/** What an administrator gives to add a forwarding destination (CLI or page). */
export const DestinationInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(100).regex(/^[\w.-]+$/, 'letters, digits, ".", "-" and "_" only (e.g. lrs-academie)'),
  endpoint: z.url({ protocol: /^https?$/, error: 'expected the LRS endpoint as an http(s) URL (e.g. https://lrs.ac-dijon.fr/xapi/)' }),
  key: z.string().min(1, 'must not be empty'),
  secret: z.string().min(1, 'must not be empty'),
  version: z.enum(['1.0.3', '2.0.0'], { error: 'expected 1.0.3 or 2.0.0' }).default('1.0.3'),
  verbs: z.array(iri).default([]),
  activities: z.array(iri).default([]),
  batchSize: z.int().min(1).max(5000).default(200),
});
export type DestinationInput = z.input<typeof DestinationInputSchema>;

/** A destination as the rest of the slice sees it (credentials stay encrypted). */
export type Destination = typeof xapiDestinations.$inferSelect;

/** Adds a destination; a clear ValidationError on bad input, ConflictError on a name already used. */
export async function addDestination(db: DbOrTx, ltiKey: string, input: DestinationInput): Promise<Destination> {
  const parsed = DestinationInputSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('Invalid destination', toFieldIssues(parsed.error), { messageKey: 'errors.validation_failed' });
  const d = parsed.data;
  const [existing] = await db.select({ id: xapiDestinations.id }).from(xapiDestinations).where(eq(xapiDestinations.name, d.name));
  if (existing) throw new ConflictError(`A destination named ${d.name} already exists`);
  const [row] = await db
    .insert(xapiDestinations)
    .values({
      name: d.name,
      endpoint: d.endpoint.endsWith('/') ? d.endpoint : `${d.endpoint}/`,
      authEncrypted: encryptAuth(ltiKey, basicAuth(d.key, d.secret)),
      xapiVersion: d.version,
      verbs: d.verbs,
      activities: d.activities,
      batchSize: d.batchSize,
    })
    .returning();
  return row!;
}

/** Every destination, by name. */
export function listDestinations(db: DbOrTx): Promise<Destination[]> {
  return db.select().from(xapiDestinations).orderBy(asc(xapiDestinations.name));
}

/** One destination by id or name, or a NotFoundError. */
export async function findDestination(db: DbOrTx, idOrName: string): Promise<Destination> {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrName);
  const [row] = await db.select().from(xapiDestinations).where(isUuid ? eq(xapiDestinations.id, idOrName) : eq(xapiDestinations.name, idOrName));
  if (!row) throw new NotFoundError(`No forwarding destination ${idOrName}`);
  return row;
}

/** Enables or disables a destination (a disabled one gets nothing new and delivers nothing). */
export async function setDestinationEnabled(db: DbOrTx, id: string, enabled: boolean): Promise<void> {
  await db.update(xapiDestinations).set({ enabled, updatedAt: new Date() }).where(eq(xapiDestinations.id, id));
}

/** Replaces a destination's key and secret (e.g. after the LRS rotated them). */
export async function setDestinationCredentials(db: DbOrTx, ltiKey: string, id: string, key: string, secret: string): Promise<void> {
  if (!key || !secret) throw new ValidationError('Invalid credentials', [{ path: key ? 'secret' : 'key', message: 'must not be empty' }]);
  await db.update(xapiDestinations).set({ authEncrypted: encryptAuth(ltiKey, basicAuth(key, secret)), updatedAt: new Date() }).where(eq(xapiDestinations.id, id));
}

/** Removes a destination; its pending outbox rows are left for the worker to dead-letter. */
export async function removeDestination(db: DbOrTx, id: string): Promise<void> {
  await db.delete(xapiDestinations).where(eq(xapiDestinations.id, id));
}

/** Whether a statement passes a destination's optional verb and activity filters. */
export function matchesFilter(d: Pick<Destination, 'verbs' | 'activities'>, s: { verb: { id: string }; object: { id?: unknown } }): boolean {
  if (d.verbs.length && !d.verbs.includes(s.verb.id)) return false;
  if (d.activities.length && !d.activities.some((prefix) => typeof s.object.id === 'string' && s.object.id.startsWith(prefix))) return false;
  return true;
}
