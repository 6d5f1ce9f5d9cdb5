import type { Actor } from '../lti';
import type { Tx } from '../platform/db/client';
import { recordEvents, type FabriqueEvent } from '../xapi';
import type { FabriqueDeps } from './fabrique.access';
import { insertHistory } from './projects.repo';

/** What every Fabrique event and history line says about who did it, on what, when. */
export function eventBase(actor: Actor, project: { id: string; title: string }, at: Date, language: string) {
  return {
    actor: { issuer: actor.issuer, sub: actor.sub, service: actor.service, jobFamily: actor.jobFamily },
    project: { id: project.id, title: project.title },
    at,
    language: language === 'en' ? 'en' : 'fr',
  };
}

/**
 * Records, in the caller's transaction, the history line of an action (who, when, what, why) and its
 * xAPI statements, so that an acknowledged action always has both.
 */
export async function recordAction(
  tx: Tx,
  deps: FabriqueDeps,
  line: { projectId: string; actor: Actor; action: string; reason?: string | null; detail?: Record<string, unknown>; at: Date },
  events: FabriqueEvent[] = [],
): Promise<void> {
  await insertHistory(tx, { projectId: line.projectId, actorRef: line.actor.userId, action: line.action, reason: line.reason ?? null, detail: line.detail ?? {}, at: line.at });
  await recordEvents(tx, events, { config: deps.config, secrets: deps.secrets, afterEventsRecorded: deps.afterEventsRecorded });
}
