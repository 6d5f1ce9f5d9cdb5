import type { Actor } from '../lti';
import type { Tx } from '../platform/db/client';
import { hasLaunchEvent, insertLaunchEvent } from './people.repo';
import type { ActivityDeps } from './answers.service';
import { eventBase, record, type RecordDeps } from './events';

/**
 * Records the `launched` event of a participant's launch into a session, once per launch: call it in the
 * launch's own transaction (LTI slice), or let the session page do it on the first view after the launch.
 */
export async function recordLaunchEvent(tx: Tx, deps: RecordDeps, actor: Actor, sessionId: string, at: Date, language: string): Promise<boolean> {
  if (!(await insertLaunchEvent(tx, actor.launchId, sessionId, at))) return false;
  await record(tx, [{ ...(await eventBase(tx, { actor, language }, sessionId, at)), kind: 'launched' }], deps);
  return true;
}

/** On the session page: the launch that brought a participant here gets its event if it has none yet. */
export async function noteLaunch(deps: ActivityDeps, actor: Actor, sessionId: string, language: string, published: boolean): Promise<void> {
  if (actor.role !== 'participant' || actor.sessionId !== sessionId || !published) return;
  if (await hasLaunchEvent(deps.db, actor.launchId)) return;
  await deps.db.transaction((tx) => recordLaunchEvent(tx, deps, actor, sessionId, deps.clock.now(), language));
}
