import type { Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import { findSession, searchSessionRows, type CatalogSession } from './catalog.repo';
import { sessionAccessFor } from './ownership';
import { findCourseTitles, findManagedAmong } from './ownership.repo';

/** Which sessions an organiser may show from their course's activities (binding, deep linking): see ./ownership.ts. */

/** A session offered to link, marked when it belongs to another course. */
export interface LinkableSession {
  session: CatalogSession;
  /** Owned or co-organised by the actor's course. */
  own: boolean;
  ownerTitle: string | null;
}

/** Upcoming sessions the actor may link, soonest first: their course's (drafts included) and other courses' published ones. */
export async function listLinkableSessions(db: DbOrTx, actor: Actor, search: { q?: string; endsAfter: Date; limit: number }): Promise<LinkableSession[]> {
  // Administrators manage every session, so they may link any, drafts included.
  const sessions = await searchSessionRows(db, { q: search.q, endsAfter: search.endsAfter, upcomingFirst: true, limit: search.limit, ...(actor.isAdmin ? {} : { linkableBy: actor.contextRef }) });
  const [own, titles] = await Promise.all([
    findManagedAmong(db, sessions.map((s) => s.id), actor.contextRef),
    findCourseTitles(db, sessions.map((s) => s.ownerContextRef).filter((c): c is string => c !== null)),
  ]);
  return sessions.map((session) => ({ session, own: own.has(session.id), ownerTitle: session.ownerContextRef ? (titles.get(session.ownerContextRef) ?? null) : null }));
}

/** A session the actor may link: 404 when unknown, 403 when it is another course's and not published. */
export async function sessionToLink(db: DbOrTx, actor: Actor, sessionId: string): Promise<CatalogSession> {
  const session = await findSession(db, sessionId);
  if (!session) throw new NotFoundError('No such session');
  if (session.status === 'published' || (await sessionAccessFor(db, actor, session.id))?.relation === 'manager') return session;
  throw new ForbiddenError('This session is not open to other courses', { messageKey: 'catalog.errors.not_linkable' });
}
