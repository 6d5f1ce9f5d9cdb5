import type { Actor } from '../lti';
import { canSeeContext } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import { managesSession } from './ownership';

/** Who may author what: see the ownership model in ./ownership.ts. */

/** A series: 404 when it does not exist, 403 when it belongs to another course (series have no co-organisers). */
export function assertCanEdit<T extends { ownerContextRef: string | null }>(actor: Actor, thing: T | undefined, what = 'series'): T {
  if (!thing) throw new NotFoundError(`No such ${what}`);
  if (actor.role !== 'organiser' && !actor.isAdmin) throw new ForbiddenError('Organiser role required', { messageKey: 'errors.organiser_only' });
  if (!canSeeContext(actor, thing.ownerContextRef)) throw new ForbiddenError(`This ${what} belongs to another course`);
  return thing;
}

/** A session the actor manages (owner or co-organiser course, administrator): 404 when unknown, 403 otherwise. */
export async function assertManagesSession<T extends { id: string }>(db: DbOrTx, actor: Actor, session: T | undefined): Promise<T> {
  if (!session) throw new NotFoundError('No such session');
  if (actor.role !== 'organiser' && !actor.isAdmin) throw new ForbiddenError('Organiser role required', { messageKey: 'errors.organiser_only' });
  if (!(await managesSession(db, actor, session.id))) throw new ForbiddenError('This session belongs to another course', { messageKey: 'errors.other_course' });
  return session;
}

/** The course new things are created in: the actor's course; an administrator may have none. */
export function ownerContextFor(actor: Actor): string | null {
  if (actor.contextRef) return actor.contextRef;
  if (actor.isAdmin) return null;
  throw new ForbiddenError('Launch Instants from a course to create sessions', { messageKey: 'catalog.errors.no_course' });
}

/** The course filter of lists: everything for administrators, the actor's course otherwise. */
export function listScope(actor: Actor): string | null | undefined {
  return actor.isAdmin ? undefined : actor.contextRef;
}
