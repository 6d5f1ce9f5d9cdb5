import { canSeeContext, type Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import { findSessionContexts } from './people.repo';
import { loadSession, type CatalogSession } from './catalog.port';

/** Access checks of the activities slice: every service starts with one of these. */

/** Whether an organiser may manage a session: its owner course, or a course whose link shows it. */
export async function canManageSession(db: DbOrTx, actor: Actor, session: CatalogSession): Promise<boolean> {
  if (actor.role !== 'organiser') return false;
  if (canSeeContext(actor, session.ownerContextRef)) return true;
  const contexts = await findSessionContexts(db, session.id);
  return contexts.some((c) => canSeeContext(actor, c));
}

/** A session an organiser manages: 404 when it does not exist, 403 when it belongs to another course. */
export async function sessionForOrganiser(db: DbOrTx, actor: Actor, sessionId: string): Promise<CatalogSession> {
  const session = await loadSession(db, sessionId);
  if (!session) throw new NotFoundError(`No session ${sessionId}`);
  if (!(await canManageSession(db, actor, session))) throw new ForbiddenError('Session of another course');
  return session;
}

/** A session a participant may see: published, cancelled or archived (drafts only for their organisers). */
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
