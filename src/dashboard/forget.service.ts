import type { DbOrTx } from '../platform/db/client';
import type { RemovedStatement } from '../platform/personal-data';
import { emptyFacts, extractFacts } from './extract';
import { applyFacts, clearActorFacts, clearSessionsAndCourses, statementsOfActors, statementsTouching } from './rollup.repo';

/**
 * Dashboard facts after statements left the store (an erasure, a retention purge), in the transaction that
 * removed them: the facts of the people erased and of every actor of a removed statement are forgotten,
 * and so are the session and course rows the removed statements fed; then the statements that remain for
 * those actors, sessions and courses are read again. Facts of one person depend only on that person's
 * statements, and session and course rows only on the statements referring to them, so the result equals a
 * rebuild of the whole store without the removed statements.
 */
export async function forgetRemovedStatements(tx: DbOrTx, removed: RemovedStatement[], erased: string[]): Promise<void> {
  const touched = emptyFacts();
  for (const r of removed) extractFacts(r.statement, touched, r.actorIfi);
  const actors = [...new Set([...erased, ...removed.map((r) => r.actorIfi)])];
  const sessionKeys = [...new Set(touched.sessions.map((s) => s.sessionKey))];
  const courseKeys = [...new Set([...touched.courses.map((c) => c.courseKey), ...touched.participation.map((p) => p.courseKey).filter((k): k is string => k !== null)])];
  if (!actors.length && !sessionKeys.length && !courseKeys.length) return;
  await clearActorFacts(tx, actors);
  await clearSessionsAndCourses(tx, sessionKeys, courseKeys);
  const again = emptyFacts();
  const seen = new Set<number>();
  for (const row of [...(await statementsOfActors(tx, actors)), ...(await statementsTouching(tx, [...sessionKeys, ...courseKeys]))]) {
    if (seen.has(row.seq)) continue;
    seen.add(row.seq);
    extractFacts(row.statement, again, row.actor_ifi);
  }
  await applyFacts(tx, again);
}
