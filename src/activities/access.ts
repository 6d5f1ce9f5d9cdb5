import type { Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import { loadSession, sessionAccessFor, type CatalogSession } from './catalog.port';

/** Access checks of the activities slice, on the catalogue's ownership model: every service starts with one of these. */

/** Whether an organiser manages a session (owner or co-organiser course, administrator); linking it is not enough. */
export async function canManageSession(db: DbOrTx, actor: Actor, session: CatalogSession): Promise<boolean> {
  return (await sessionAccessFor(db, actor, session.id))?.relation === 'manager';
}

/** A session an organiser manages: 404 when it does not exist, 403 when it belongs to another course. */
export async function sessionForOrganiser(db: DbOrTx, actor: Actor, sessionId: string): Promise<CatalogSession> {
  return (await sessionForCourseOrganiser(db, actor, sessionId, false)).session;
}

/**
 * A session an organiser manages, or (with `linked`) one their course only links: then `ownCourse` is the
 * course whose people alone they may see. 404 when it does not exist, 403 otherwise.
 */
export async function sessionForCourseOrganiser(db: DbOrTx, actor: Actor, sessionId: string, linked = true): Promise<{ session: CatalogSession; ownCourse: string | null }> {
  const session = await loadSession(db, sessionId);
  if (!session) throw new NotFoundError(`No session ${sessionId}`);
  const relation = (await sessionAccessFor(db, actor, session.id))?.relation;
  if (relation === 'manager') return { session, ownCourse: null };
  if (relation === 'linked' && linked && actor.contextRef) return { session, ownCourse: actor.contextRef };
  throw new ForbiddenError('Session of another course', { messageKey: 'errors.other_course' });
}

/** A session a participant may see: published, cancelled or archived (drafts only for who manages them). */
export async function sessionForParticipant(db: DbOrTx, actor: Actor, sessionId: string): Promise<CatalogSession> {
  const session = await loadSession(db, sessionId);
  if (!session) throw new NotFoundError(`No session ${sessionId}`);
  if (session.status === 'draft' && !(await canManageSession(db, actor, session))) throw new NotFoundError(`Session ${sessionId} is not published`);
  return session;
}

/** Participants act only on published sessions. */
export function assertOpenForActivities(session: CatalogSession): void {
  if (session.status !== 'published') throw new ForbiddenError('Session not open', { messageKey: 'activities.errors.session_closed' });
}
