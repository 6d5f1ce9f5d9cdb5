import type { Db, DbOrTx } from '../platform/db/client';
import { NotFoundError } from '../platform/errors';
import type { EventSession } from '../xapi/events';
import { listCompetences, listFrameworks } from './frameworks.repo';
import { listResources, type SessionResource } from './resources.service';
import { findSession, searchSessionRows, type CatalogSession, type SessionSearch } from './catalog.repo';

/** Reads one session (with its series title and targeted competences), or undefined when there is none. */
export function getSession(db: DbOrTx, id: string): Promise<CatalogSession | undefined> {
  return findSession(db, id);
}

/** Searches sessions by words, status, owner course, series; used by the catalogue and the deep-linking picker. */
export function searchSessions(db: DbOrTx, search: SessionSearch = {}): Promise<CatalogSession[]> {
  return searchSessionRows(db, search);
}

/** The course an event happened in: an `EventSession['course']`, or the launch's fields of an Actor. */
export type EventCourse = EventSession['course'] | { issuer: string; contextId: string | null; contextTitle: string | null };

/** The session as a learning event needs it (see src/xapi/events.ts); NotFoundError when it does not exist. */
export async function eventSessionFor(db: Db | DbOrTx, sessionId: string, course: EventCourse): Promise<EventSession> {
  const s = await findSession(db, sessionId);
  if (!s) throw new NotFoundError(`No session ${sessionId}`);
  let eventCourse: EventSession['course'] = null;
  if (course && 'contextTitle' in course) {
    eventCourse = course.contextId ? { issuer: course.issuer, contextId: course.contextId, title: course.contextTitle } : null;
  } else if (course) {
    eventCourse = course;
  }
  return {
    id: s.id,
    title: s.title,
    tool: s.tool,
    seriesId: s.seriesId,
    seriesTitle: s.seriesTitle,
    course: eventCourse,
    competences: s.competences.map((c) => ({ framework: c.framework, code: c.code, title: c.title })),
  };
}

/** The resources of a session in their order (`target` is the link or `/files/:id`); no access check. */
export function listSessionResources(db: DbOrTx, sessionId: string): Promise<SessionResource[]> {
  return listResources({ db: db as Db }, sessionId);
}

/** The competences of the default framework (the CRCN unless an administrator changed it), in order. */
export async function listDefaultCompetences(db: DbOrTx): Promise<Array<{ framework: string; code: string; domain: string; title: string }>> {
  const frameworks = await listFrameworks(db);
  const def = frameworks.find((f) => f.isDefault) ?? frameworks[0];
  if (!def) return [];
  return (await listCompetences(db)).filter((c) => c.frameworkId === def.id).map((c) => ({ framework: c.frameworkId, code: c.code, domain: c.domain, title: c.title }));
}
