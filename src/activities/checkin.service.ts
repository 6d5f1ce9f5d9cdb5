import crypto from 'node:crypto';
import QRCode from 'qrcode';
import type { Actor } from '../lti';
import { AppError, NotFoundError } from '../platform/errors';
import { assertOpenForActivities, sessionForOrganiser, sessionForParticipant } from './access';
import { countAttendances, countCheckinFailures, ensureCheckinCode, findAttendance, findCheckinCode, insertAttendance, insertCheckinFailure, lockPersonForCheckin } from './activities.repo';
import { hasLaunched, ltiUserById } from './people.repo';
import type { ActivityDeps, Participant } from './answers.service';
import { checkinPath } from './checkin-address';
import { maybeCompleteSession } from './completion.service';
import { eventBase, record } from './events';

/** Check-in: a short code (and its QR code) valid around the session's time, tried a limited number of times. */

/** The code is accepted from this long before the start to this long after the end. */
export const CHECKIN_MARGIN_MS = 30 * 60 * 1000;
/** Wrong codes allowed per person in the window below before answers are refused. */
export const CHECKIN_MAX_FAILURES = 5;
export const CHECKIN_FAILURE_WINDOW_MS = 10 * 60 * 1000;

// No 0/O, 1/I/L: codes are read aloud and typed on phones.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Draws a random 6-character code. */
export function drawCode(): string {
  return Array.from({ length: 6 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]).join('');
}

/** Whether `at` is within the session's check-in window. */
export function inCheckinWindow(session: { startsAt: Date; endsAt: Date }, at: Date): boolean {
  return at.getTime() >= session.startsAt.getTime() - CHECKIN_MARGIN_MS && at.getTime() <= session.endsAt.getTime() + CHECKIN_MARGIN_MS;
}

/** The organiser's check-in screen: the code, the QR code (a PNG data URL of the check-in address) and the window. */
export async function checkinScreen(deps: ActivityDeps, actor: Actor, sessionId: string) {
  const session = await sessionForOrganiser(deps.db, actor, sessionId);
  const code = await ensureCheckinCode(deps.db, session.id, drawCode());
  const url = `${deps.config.http.publicUrl}${await checkinPath(deps.db, session, actor, code)}`;
  const qr = await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 320 });
  const opensAt = new Date(session.startsAt.getTime() - CHECKIN_MARGIN_MS);
  const closesAt = new Date(session.endsAt.getTime() + CHECKIN_MARGIN_MS);
  const present = await countAttendances(deps.db, session.id);
  return { session, code, url, qr, opensAt, closesAt, open: inCheckinWindow(session, deps.clock.now()), present };
}

/** How many people are present so far (the check-in screen refreshes it). */
export async function checkinCount(deps: ActivityDeps, actor: Actor, sessionId: string): Promise<number> {
  const session = await sessionForOrganiser(deps.db, actor, sessionId);
  return countAttendances(deps.db, session.id);
}

export type CheckinOutcome = { ok: true; already: boolean } | { ok: false; reason: 'wrong' | 'expired' };

/**
 * A participant's check-in with a code. A wrong or out-of-window code is counted (in the database, so every
 * instance shares the limit) and refused without telling the right one; too many refusals give a 429.
 * The count, the check and the failure row happen in one transaction holding the person's row lock, so
 * parallel tries are evaluated one after the other and the limit holds.
 */
export async function checkIn(deps: ActivityDeps, who: Participant, sessionId: string, input: { code: string; method: 'code' | 'qr' }): Promise<CheckinOutcome> {
  const session = await sessionForParticipant(deps.db, who.actor, sessionId);
  assertOpenForActivities(session);
  if (await findAttendance(deps.db, session.id, who.actor.userId)) return { ok: true, already: true };
  const now = deps.clock.now();
  return deps.db.transaction(async (tx): Promise<CheckinOutcome> => {
    await lockPersonForCheckin(tx, who.actor.userId);
    const failures = await countCheckinFailures(tx, who.actor.userId, new Date(now.getTime() - CHECKIN_FAILURE_WINDOW_MS));
    if (failures >= CHECKIN_MAX_FAILURES) {
      throw new AppError('too_many_requests', 'Too many check-in attempts', {
        messageKey: 'activities.checkin.too_many',
        headers: { 'Retry-After': String(CHECKIN_FAILURE_WINDOW_MS / 1000) },
      });
    }
    const expected = await findCheckinCode(tx, session.id);
    const right = expected !== undefined && expected.length === input.code.length && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(input.code));
    if (!right || !inCheckinWindow(session, now)) {
      await insertCheckinFailure(tx, who.actor.userId, session.id, now);
      return { ok: false, reason: right ? 'expired' : 'wrong' };
    }
    if (!(await insertAttendance(tx, { sessionId: session.id, userRef: who.actor.userId, method: input.method, markedBy: null, at: now }))) return { ok: true, already: true };
    await record(tx, [{ ...(await eventBase(tx, who, session.id, now)), kind: 'attended', method: input.method }], deps);
    await maybeCompleteSession(tx, deps, who, session.id, now);
    return { ok: true, already: false };
  });
}

/** An organiser marks by hand someone who launched the session as present. */
export async function markPresent(deps: ActivityDeps, organiser: Participant, sessionId: string, userRef: string): Promise<boolean> {
  const session = await sessionForOrganiser(deps.db, organiser.actor, sessionId);
  const user = await ltiUserById(deps.db, userRef);
  if (!user || !(await hasLaunched(deps.db, session.id, userRef))) throw new NotFoundError('Not a participant of this session');
  const now = deps.clock.now();
  const who = {
    actor: { userId: user.id, issuer: user.issuer, sub: user.sub, service: user.service, jobFamily: user.jobFamily, contextId: organiser.actor.contextId, contextTitle: organiser.actor.contextTitle },
    language: organiser.language,
  };
  return deps.db.transaction(async (tx) => {
    if (!(await insertAttendance(tx, { sessionId: session.id, userRef, method: 'manual', markedBy: organiser.actor.userId, at: now }))) return false;
    await record(tx, [{ ...(await eventBase(tx, who, session.id, now)), kind: 'attended', method: 'manual' }], deps);
    await maybeCompleteSession(tx, deps, who, session.id, now);
    return true;
  });
}
