import { getSession, listDefaultCompetences, listSessionResources, searchSessions, sessionAccessFor, type CatalogSession, type SessionResource } from '../catalog';
import type { Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { renderMarkdown } from '../platform/markdown';

/** What the activities slice reads of the catalogue, through the catalog slice's public surface only. */

export type { CatalogSession, SessionResource };

/** How an actor stands towards a session (the catalogue's ownership model). */
export { sessionAccessFor };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One session, or undefined (also for an id that is not a UUID). */
export function loadSession(db: DbOrTx, id: string): Promise<CatalogSession | undefined> {
  return UUID_RE.test(id) ? getSession(db, id) : Promise.resolve(undefined);
}

/** The resources of a session, in their order (`target`: the link, or the uploaded file's address). */
export function loadResources(db: DbOrTx, sessionId: string): Promise<SessionResource[]> {
  return listSessionResources(db, sessionId);
}

/** The session description rendered from Markdown, with anything that could run script removed. */
export function renderDescription(markdown: string): string {
  return renderMarkdown(markdown);
}

/** Code → title of the competences of the default framework (the CRCN unless an admin changed it). */
export async function competenceTitles(db: DbOrTx): Promise<Map<string, string>> {
  return new Map((await listDefaultCompetences(db)).map((c) => [c.code, c.title]));
}

/** The sessions an organiser manages (their course's and those it co-organises; every one for an administrator), newest first. */
export function managedSessions(db: DbOrTx, actor: Actor): Promise<CatalogSession[]> {
  if (actor.isAdmin) return searchSessions(db, { limit: 300 });
  return actor.contextRef ? searchSessions(db, { managedBy: actor.contextRef, limit: 300 }) : Promise.resolve([]);
}
