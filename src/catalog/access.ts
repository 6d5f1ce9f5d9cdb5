import type { Actor } from '../lti';
import { canSeeContext } from '../lti';
import { ForbiddenError, NotFoundError } from '../platform/errors';

/** Who may author what: organisers edit what belongs to their own course, administrators everything. */

/** Throws 404 when the thing does not exist, 403 when it belongs to another course. */
export function assertCanEdit<T extends { ownerContextRef: string | null }>(actor: Actor, thing: T | undefined, what = 'session'): T {
  if (!thing) throw new NotFoundError(`No such ${what}`);
  if (actor.role !== 'organiser' && !actor.isAdmin) throw new ForbiddenError('Organiser role required');
  if (!canSeeContext(actor, thing.ownerContextRef)) throw new ForbiddenError(`This ${what} belongs to another course`);
  return thing;
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
