import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db/client';
import { ltiContexts, ltiUsers } from '../lti.tables';

/** Demonstration data (`seed --demo`): the demo course and its people, as their launches would record them. */

/** The course's context row (created as a launch would); returns its id. */
export async function ensureDemoContext(tx: DbOrTx, c: { issuer: string; deploymentId: string; contextId: string; title: string }, now: Date): Promise<string> {
  const [row] = await tx
    .insert(ltiContexts)
    .values({ issuer: c.issuer, deploymentId: c.deploymentId, contextId: c.contextId, title: c.title, label: 'DEMO' })
    .onConflictDoUpdate({ target: [ltiContexts.issuer, ltiContexts.deploymentId, ltiContexts.contextId], set: { title: c.title, updatedAt: now } })
    .returning({ id: ltiContexts.id });
  return row!.id;
}

/** People of the platform with their name, service and job family; returns sub → user id. */
export async function ensureDemoUsers(tx: DbOrTx, issuer: string, people: Array<{ sub: string; givenName: string; familyName: string; service: string | null; jobFamily: string | null }>): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (let i = 0; i < people.length; i += 500) {
    const rows = await tx
      .insert(ltiUsers)
      .values(people.slice(i, i + 500).map((p) => ({ issuer, sub: p.sub, givenName: p.givenName, familyName: p.familyName, name: `${p.givenName} ${p.familyName}`, service: p.service, jobFamily: p.jobFamily })))
      .onConflictDoUpdate({ target: [ltiUsers.issuer, ltiUsers.sub], set: { service: sql`excluded.service`, jobFamily: sql`excluded.job_family` } })
      .returning({ id: ltiUsers.id, sub: ltiUsers.sub });
    for (const r of rows) ids.set(r.sub, r.id);
  }
  return ids;
}
