import { sessionAccessFor } from '../catalog';
import type { Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import * as repo from './dashboard.repo';

/**
 * Whose participations a session's dashboard page counts, by the catalogue's ownership model (AGENTS.md,
 * "Who owns what"): administrators and the session's organisers (owner course, co-organiser courses) see
 * every participant; the organisers of a course that only links the session see figures computed over
 * their own course's participants alone, so nothing of another course enters them (nor can be worked out
 * from them). A session the catalogue does not know (statements of other tools) has no owner: each course
 * sees its own participants, and a course with none is refused.
 */
export interface SessionViewScope {
  /** Course keys the page is limited to; undefined for every participant. */
  courses: string[] | undefined;
}

/** The scope of a session page for an actor; 403 for a course with no relation, 404 for a draft it may not know of. */
export async function sessionViewScope(db: DbOrTx, actor: Actor, session: { catalogueId: string | null; key: string | null }): Promise<SessionViewScope> {
  if (actor.isAdmin) return { courses: undefined };
  const access = session.catalogueId ? await sessionAccessFor(db, actor, session.catalogueId) : undefined;
  if (access?.relation === 'manager') return { courses: undefined };
  if (access?.relation === 'none' && access.status === 'draft') throw new NotFoundError('Unknown session');
  if (access?.relation === 'none') throw new ForbiddenError('Session of another course', { messageKey: 'errors.other_course' });
  const own = await repo.courseKeysFor(db, actor.issuer, actor.contextId ?? '');
  if (access?.relation === 'linked') return { courses: own };
  if (session.key === null || !own.length || !(await repo.sessionHasCourse(db, session.key, own))) throw new ForbiddenError('This session is not held in your course');
  return { courses: own };
}
