import type { Actor } from '../lti';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors';
import { recordVoiding } from '../xapi';
import { findOfferForUpdate, setOfferTakenUp } from './activities.repo';
import type { ActivityDeps } from './answers.service';
import { loadSession, sessionAccessFor } from './catalog.port';
import { eventBase, record } from './events';
import crypto from 'node:crypto';

/**
 * Taking up an "I can present" offer: an organiser of the course it was made from links it to a session
 * their course manages, which records a `hosted` statement (event `session-presented`) for the person who
 * made it, in the same transaction (so a badge rule "presented N Instants" is met there). Undoing it voids
 * that statement (xAPI voiding, the practice of LRSs: the record is kept, marked voided, and no longer
 * counts) and clears the link. A badge already awarded stays: revoking it is an organiser's decision.
 */

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The offer of an organiser's course (any for an administrator): 404 otherwise, as for an offer that does not exist. */
async function offerInScope(tx: Parameters<typeof findOfferForUpdate>[0], actor: Actor, offerId: string) {
  const row = UUID_RE.test(offerId) ? await findOfferForUpdate(tx, offerId) : undefined;
  if (!row || !(actor.isAdmin || (row.offer.contextRef !== null && row.offer.contextRef === actor.contextRef))) {
    throw new NotFoundError(`No offer ${offerId}`, { messageKey: 'activities.errors.offer_unknown' });
  }
  return row;
}

/** Links an offer to a session the organiser manages and records the `hosted` statement of its author. */
export async function takeUpOffer(deps: ActivityDeps, actor: Actor, offerId: string, sessionId: string, language: string): Promise<'taken_up' | 'unchanged'> {
  return deps.db.transaction(async (tx) => {
    const row = await offerInScope(tx, actor, offerId);
    const session = await loadSession(tx, sessionId);
    if (!session) throw new ValidationError(`No session ${sessionId}`, [{ path: 'session_id', message: 'activities.errors.offer_session_unknown' }], { messageKey: 'activities.errors.offer_session_unknown' });
    if ((await sessionAccessFor(tx, actor, session.id))?.relation !== 'manager') throw new ForbiddenError('Session not managed by the course', { messageKey: 'activities.errors.offer_session_not_managed' });
    if (session.status === 'cancelled') throw new ValidationError('Cancelled session', [{ path: 'session_id', message: 'activities.errors.offer_session_cancelled' }], { messageKey: 'activities.errors.offer_session_cancelled' });
    if (row.offer.takenUpSessionId === session.id) return 'unchanged';
    if (row.offer.takenUpSessionId !== null || row.offer.takenUpStatementId !== null) throw new ConflictError('Offer already taken up for another session', { messageKey: 'activities.errors.offer_taken_up_elsewhere' });
    const at = deps.clock.now();
    const statementId = crypto.randomUUID();
    const who = { actor: { userId: row.offer.userRef, issuer: row.user.issuer, sub: row.user.sub, service: row.user.service, jobFamily: row.user.jobFamily, contextId: row.course?.contextId ?? null, contextTitle: row.course?.title ?? null }, language };
    const base = await eventBase(tx, who, session.id, at);
    await record(tx, [{ ...base, id: statementId, kind: 'session-presented' }], deps);
    await setOfferTakenUp(tx, row.offer.id, { sessionId: session.id, at, by: actor.userId, statementId });
    return 'taken_up';
  });
}

/** Undoes a take-up: voids its `hosted` statement (the organiser as actor) and clears the link. */
export async function releaseOffer(deps: ActivityDeps, actor: Actor, offerId: string, language: string): Promise<'released' | 'unchanged'> {
  return deps.db.transaction(async (tx) => {
    const row = await offerInScope(tx, actor, offerId);
    if (row.offer.takenUpSessionId === null && row.offer.takenUpStatementId === null) return 'unchanged';
    if (row.offer.takenUpStatementId) {
      await recordVoiding(tx, [{ actor: { issuer: actor.issuer, sub: actor.sub }, target: row.offer.takenUpStatementId, at: deps.clock.now(), language }], deps);
    }
    await setOfferTakenUp(tx, row.offer.id, null);
    return 'released';
  });
}
