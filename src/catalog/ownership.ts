import type { SessionAccess, SessionRelation } from '../platform/access';
import type { Actor } from '../platform/actor';
import type { LaunchCourse } from '../platform/context';
import type { DbOrTx } from '../platform/db/client';
import { findContextRef, findSessionStanding, type SessionStanding } from './ownership.repo';

/**
 * The ownership model of sessions (AGENTS.md, "Access policy"):
 * - a session belongs to the course (LTI context) it was created in;
 * - its organisers are that course's organisers, those of co-organiser courses an owner added, and
 *   platform administrators: they manage it (activities, check-in, settings, every participant's data);
 * - a published session may be linked from any other course (the catalogue is académie-wide), so that
 *   course's learners take part; linking never grants management: the linking course's organisers see and
 *   manage only their own course's participants for that session (its roster, grades, completion counts).
 */

/** The relation of an actor to a session from its standing: learners manage nothing, whatever their course. */
export function relationOf(actor: Actor, standing: Pick<SessionStanding, 'ownerContextRef' | 'coOrganiser' | 'linked'>): SessionRelation {
  if (actor.isAdmin) return 'manager';
  if (actor.role !== 'organiser' || !actor.contextRef) return 'none';
  if (standing.ownerContextRef === actor.contextRef || standing.coOrganiser) return 'manager';
  return standing.linked ? 'linked' : 'none';
}

/** The access facts of a session for an actor (the policy's resolver); undefined when there is no such session. */
export async function sessionAccessFor(db: DbOrTx, actor: Actor, sessionId: string): Promise<SessionAccess | undefined> {
  const standing = await findSessionStanding(db, sessionId, actor.contextRef);
  if (!standing) return undefined;
  return { sessionId, status: standing.status, relation: relationOf(actor, standing) };
}

/** Whether the actor manages the session (owner or co-organiser course, administrator). */
export async function managesSession(db: DbOrTx, actor: Actor, sessionId: string): Promise<boolean> {
  return (await sessionAccessFor(db, actor, sessionId))?.relation === 'manager';
}

/** Whether a course may show a session from one of its activities: its own (owner or co-organiser) in any status, another course's only when published. */
export function courseMayLink(status: string, standing: Pick<SessionStanding, 'ownerContextRef' | 'coOrganiser'>, contextRef: string | null): boolean {
  const own = contextRef !== null && (standing.ownerContextRef === contextRef || standing.coOrganiser);
  return own || status === 'published';
}

/** Whether a launch from `course` may bind its activity to the session its custom parameter names. */
export async function launchMayLink(db: DbOrTx, sessionId: string, course: LaunchCourse): Promise<boolean> {
  const contextRef = course.contextId ? ((await findContextRef(db, { ...course, contextId: course.contextId })) ?? null) : null;
  const standing = await findSessionStanding(db, sessionId, contextRef);
  return standing !== undefined && courseMayLink(standing.status, standing, contextRef);
}
