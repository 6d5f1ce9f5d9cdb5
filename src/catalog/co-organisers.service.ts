import type { Actor } from '../lti';
import { ForbiddenError, ValidationError } from '../platform/errors';
import { deleteCoOrganiser, findCourse, insertCoOrganiser, listCoOrganisers, listCourseChoices, type CourseChoice } from './ownership.repo';
import { loadEditableSession, type CatalogDeps } from './sessions.service';

/** Co-organiser courses of a session: listed to every organiser who manages it, changed only by the owner course. */

/** Whether the actor speaks for the course that owns the session (or is an administrator). */
function isOwner(actor: Actor, ownerContextRef: string | null): boolean {
  return actor.isAdmin || (ownerContextRef !== null && actor.contextRef === ownerContextRef);
}

/** The co-organiser list of a session, the courses that could be added, and whether the actor may change it. */
export async function coOrganisersOf(deps: Pick<CatalogDeps, 'db'>, actor: Actor, sessionId: string): Promise<{ list: CourseChoice[]; choices: CourseChoice[]; canChange: boolean }> {
  const session = await loadEditableSession(deps, actor, sessionId);
  const list = await listCoOrganisers(deps.db, session.id);
  const canChange = isOwner(actor, session.ownerContextRef);
  const taken = new Set(list.map((c) => c.contextRef));
  const choices = canChange ? (await listCourseChoices(deps.db, actor.issuer, session.ownerContextRef)).filter((c) => !taken.has(c.contextRef)) : [];
  return { list, choices, canChange };
}

async function ownedSession(deps: Pick<CatalogDeps, 'db'>, actor: Actor, sessionId: string) {
  const session = await loadEditableSession(deps, actor, sessionId);
  if (!isOwner(actor, session.ownerContextRef)) throw new ForbiddenError('Only the owner course changes co-organisers', { messageKey: 'catalog.errors.owner_only' });
  return session;
}

/** Adds a course of the same platform as co-organiser (not the owner itself); 400 for an unknown course. */
export async function addCoOrganiser(deps: CatalogDeps, actor: Actor, sessionId: string, contextRef: string): Promise<boolean> {
  const session = await ownedSession(deps, actor, sessionId);
  const course = await findCourse(deps.db, contextRef, actor.issuer);
  if (!course || course.contextRef === session.ownerContextRef) throw new ValidationError('Unknown course', [{ path: 'course', message: 'catalog.errors.choice' }], { messageKey: 'catalog.errors.course' });
  return insertCoOrganiser(deps.db, { sessionId: session.id, contextRef: course.contextRef, addedBy: actor.userId, addedAt: deps.clock.now() });
}

/** Removes a co-organiser course; 400 when it was not one. */
export async function removeCoOrganiser(deps: CatalogDeps, actor: Actor, sessionId: string, contextRef: string): Promise<void> {
  const session = await ownedSession(deps, actor, sessionId);
  if (!(await deleteCoOrganiser(deps.db, session.id, contextRef))) throw new ValidationError('Not a co-organiser', [{ path: 'course', message: 'catalog.errors.choice' }], { messageKey: 'catalog.errors.course' });
}
