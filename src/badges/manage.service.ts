import type { Actor } from '../lti';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../platform/errors';
import { awardBadge, type AwardDeps } from './awards.service';
import { findAward, findConsent, isCoursePerson, isSessionPerson, listAwardsOf, revokeAward, saveConsent, setAwardPublic, type AwardRow, type BadgeClassRow } from './badges.repo';
import { canManage, loadManageable, managesBadgeSession } from './classes.service';
import type { Db } from '../platform/db/client';

/** Awards by hand, revocations, and the earner's own choices (consent, public or private badges). */
export type ManageDeps = AwardDeps & { db: Db };

/**
 * Whether the organiser may see (by name), award and revoke for this person on this badge: a person who
 * launched Instants from the organiser's course, or, when they manage the badge's session, one who took
 * part in that session from any course (its organisers see every participant).
 */
export async function personInScope(db: Db, actor: Actor, badge: Pick<BadgeClassRow, 'sessionId'>, userRef: string): Promise<boolean> {
  if (actor.isAdmin) return true;
  if (actor.contextRef && (await isCoursePerson(db, actor.contextRef, userRef))) return true;
  return (await managesBadgeSession(db, actor, badge)) && isSessionPerson(db, badge.sessionId!, userRef);
}

/**
 * Awards a class by hand, with a reason, to a person in the organiser's scope (`personInScope`). A person
 * who already has the badge is a 409 (nothing changes).
 */
export async function awardByHand(deps: ManageDeps, actor: Actor, badgeId: string, input: { userId: string; reason: string }, language: string): Promise<AwardRow> {
  const badge = await loadManageable(deps, actor, badgeId);
  if (badge.archived) throw new ConflictError('Archived badge', { messageKey: 'badges.errors.archived' });
  if (!(await personInScope(deps.db, actor, badge, input.userId)))
    throw new ValidationError('Not a person of this course or session', [{ path: 'user_id', message: 'badges.errors.person_unknown' }], { messageKey: 'errors.validation_failed' });
  const award = await deps.db.transaction((tx) => awardBadge(tx, deps, { badge, userRef: input.userId, method: 'manual', reason: input.reason, by: actor.userId, evidence: [], language }));
  if (!award) throw new ConflictError('Already awarded', { messageKey: 'badges.errors.already_awarded' });
  return award;
}

/**
 * Revokes an award of the badge `badgeId` with a reason (published in the revocation lists); a revoked award
 * stays revoked. Only for an earner in the organiser's scope: the one whose name the badge's page shows.
 */
export async function revoke(deps: ManageDeps, actor: Actor, badgeId: string, awardId: string, reason: string): Promise<void> {
  const found = await findAward(deps.db, awardId);
  if (!found || found.badge.id !== badgeId) throw new NotFoundError(`No award ${awardId}`, { messageKey: 'badges.errors.not_found' });
  if (!(await canManage(deps.db, actor, found.badge))) throw new ForbiddenError('Badge of another course', { messageKey: 'badges.errors.other_course' });
  if (!(await personInScope(deps.db, actor, found.badge, found.award.userRef))) throw new ForbiddenError('Award of a person of another course', { messageKey: 'badges.errors.award_other_course' });
  if (!(await revokeAward(deps.db, awardId, { at: deps.clock.now(), reason, by: actor.userId }))) throw new ConflictError('Already revoked', { messageKey: 'badges.errors.already_revoked' });
}

/** The earner's badges and whether they were asked about publicity yet. */
export async function myBadges(deps: ManageDeps, actor: Actor) {
  const [awards, consent] = await Promise.all([listAwardsOf(deps.db, actor.userId), findConsent(deps.db, actor.userId)]);
  return { awards, consent: consent ? consent.publicAllowed : null };
}

/** Records the earner's one-time answer (they may change it later); refusing makes every badge private again. */
export async function answerConsent(deps: ManageDeps, actor: Actor, allowed: boolean): Promise<void> {
  await saveConsent(deps.db, actor.userId, allowed, deps.clock.now());
}

/** Makes one of the earner's badges public or private; public needs their consent first. */
export async function setVisibility(deps: ManageDeps, actor: Actor, awardId: string, value: boolean): Promise<void> {
  if (value && (await findConsent(deps.db, actor.userId))?.publicAllowed !== true) throw new ConflictError('Consent needed first', { messageKey: 'badges.errors.consent_first' });
  if (!(await setAwardPublic(deps.db, awardId, actor.userId, value))) throw new NotFoundError(`No award ${awardId}`, { messageKey: 'badges.errors.not_found' });
}

/** Whether an award may be shown to anyone: its earner made it public and still consents. */
export async function isPublic(deps: Pick<ManageDeps, 'db'>, award: AwardRow): Promise<boolean> {
  if (!award.public) return false;
  return (await findConsent(deps.db, award.userRef))?.publicAllowed === true;
}

/** Whether the actor may download an award: its earner (while launched), or anyone when it is public. */
export async function canDownload(deps: Pick<ManageDeps, 'db'>, actor: Actor | undefined, award: AwardRow): Promise<boolean> {
  return (actor !== undefined && actor.userId === award.userRef) || isPublic(deps, award);
}
