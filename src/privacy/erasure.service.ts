import crypto from 'node:crypto';
import type { DbOrTx } from '../platform/db/client';
import type { ErasureWork, RemovedStatement } from '../platform/personal-data';
import { removeAgentNames, removeAuditLines, removeDocumentsOf, removeStatementsNaming } from '../lrs';
import { copiesOf, deleteCopiesOf, deleteOutboxRowsOf, queueErasureRequests } from '../xapi';
import { personalTables, REGISTRY } from './registry';
import { insertAudit } from './subject.repo';
import { loadSubject, type PrivacyDeps } from './subject.service';
import { eraseLinked } from './tables.repo';

/** What an erasure did: rows per table, and the destinations that hold copies of the person's statements. */
export interface ErasureReport {
  erasureId: string;
  at: Date;
  tables: Record<string, number>;
  statements: number;
  /** `requested`: an erasure request is queued for it (it may hold copies until it answers). */
  destinations: Array<{ name: string | null; statements: number; requested: boolean }>;
}

/** Runs every slice's hook on removed statements (dashboard facts), in the caller's transaction. */
export async function afterStatementsRemoved(tx: DbOrTx, removed: RemovedStatement[], erased: string[]): Promise<void> {
  for (const d of REGISTRY) await d.afterStatementsRemoved?.(tx, removed, erased);
}

/**
 * Erases one person everywhere, in one transaction (RGPD art. 17): each declared table in registry order
 * (the slice's own erasure, or its links: rows deleted, references detached), then the facts derived from
 * their statements; erasure requests are queued for destinations that received copies. The audit entry
 * says what went and who acted, never whom it was about. `actorRef`: the administrator (null for the job).
 */
export async function erasePerson(deps: Pick<PrivacyDeps, 'db' | 'clock' | 'secrets'>, userId: string, actorRef: string | null, reason: 'request' | 'departure'): Promise<ErasureReport> {
  const now = deps.clock.now();
  const erasureId = crypto.randomUUID();
  return deps.db.transaction(async (tx) => {
    const who = await loadSubject(tx, deps.secrets.pseudonymKey, userId);
    const held = await copiesOf(tx, [who.ifi]);
    const work: ErasureWork = { now, removedStatements: [] };
    const tables: Record<string, number> = {};
    for (const t of personalTables(REGISTRY)) {
      const n = t.ops ? await t.ops.erase(tx, who, work) : await eraseLinked(tx, t.table, t.links, who);
      if (n) tables[t.table] = n;
    }
    await afterStatementsRemoved(tx, work.removedStatements, [who.ifi]);
    const agent = { objectType: 'Agent', account: { homePage: who.issuer, name: who.pseudonym } };
    const queued = new Set((await queueErasureRequests(tx, deps.secrets.ltiKey, erasureId, agent, held)).map((r) => r.destinationId));
    const destinations = held.map((h) => ({ name: h.name, statements: h.statements, requested: queued.has(h.destinationId) }));
    const statements = work.removedStatements.length;
    // An administrator erasing themselves is gone from lti_users by now: the entry then names no one.
    await insertAudit(tx, { id: erasureId, action: 'person.erased', actorRef: actorRef === userId ? null : actorRef, detail: { reason, tables, statements, destinations }, at: now });
    return { erasureId, at: now, tables, statements, destinations };
  });
}

/**
 * Erases what the LRS holds for one identifier, at another Instants' request (its statements were
 * forwarded here): statements naming it, documents, names, outbox rows, derived facts; and passes the
 * request on to the destinations this instance forwarded them to. Returns what went.
 */
export async function eraseIdentifier(deps: Pick<PrivacyDeps, 'db' | 'clock' | 'secrets'>, agent: Record<string, unknown>, ifi: string, requestedBy: string): Promise<{ statements: number; documents: number }> {
  const now = deps.clock.now();
  const erasureId = crypto.randomUUID();
  return deps.db.transaction(async (tx) => {
    const held = await copiesOf(tx, [ifi]);
    await deleteOutboxRowsOf(tx, [ifi], null);
    const removed = await removeStatementsNaming(tx, [ifi]);
    const documents = await removeDocumentsOf(tx, [ifi]);
    await removeAgentNames(tx, [ifi]);
    await removeAuditLines(tx, [ifi]);
    await afterStatementsRemoved(tx, removed, [ifi]);
    await deleteCopiesOf(tx, [ifi]);
    const queued = await queueErasureRequests(tx, deps.secrets.ltiKey, erasureId, agent, held);
    await insertAudit(tx, { id: erasureId, action: 'person.erased', actorRef: null, detail: { reason: 'erasure-request', requestedBy, statements: removed.length, documents, passedOn: queued.length }, at: now });
    return { statements: removed.length, documents };
  });
}
