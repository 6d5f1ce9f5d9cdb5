import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { buildStatements, type BuildDeps, type LearningEvent } from '../xapi';
import { EXT } from './dashboard.vocabulary';

/** Statements for tests, demo data and benches, built exactly as Instants builds them. */

/** Who the person is beyond the launch: where the dashboards find service and job family. */
export interface PersonProfile {
  service: string | null;
  jobFamily: string | null;
}

/**
 * The statements Instants writes for one event (the xapi slice's builder), plus the person's service and
 * job family as context extensions `<base>/extensions/service` and `<base>/extensions/job-family`: where
 * the dashboards read them (see dashboard.vocabulary.ts).
 */
export function statementsOf(event: LearningEvent, profile: PersonProfile, deps: BuildDeps): Array<Record<string, unknown>> {
  return buildStatements(event, deps).map((st) => {
    const extra: Record<string, unknown> = {};
    if (profile.service) extra[`${deps.baseIri}/extensions/${EXT.service}`] = profile.service;
    if (profile.jobFamily) extra[`${deps.baseIri}/extensions/${EXT.jobFamily}`] = profile.jobFamily;
    const context = st.context ?? {};
    return { ...st, context: { ...context, extensions: { ...(context.extensions ?? {}), ...extra } } } as Record<string, unknown>;
  });
}

/** The LRS's IFI text of a statement's actor (see migrations/0200_lrs_statements.sql). */
function ifiOf(statement: Record<string, unknown>): string {
  const account = (statement.actor as { account: { homePage: string; name: string } }).account;
  return `account:${account.homePage} ${account.name}`;
}

/**
 * Writes statements straight into the statement store's table, as the LRS stores them, in one statement
 * per chunk (demo data and benches: millions of rows; the LRS's own `storeStatements` does the checks).
 */
export async function insertStatementRows(db: DbOrTx, statements: Array<Record<string, unknown>>, stored = new Date()): Promise<void> {
  for (let i = 0; i < statements.length; i += 2000) {
    const rows = statements.slice(i, i + 2000).map((st) => {
      const object = st.object as { id: string };
      const full = { ...st, stored: stored.toISOString(), version: '1.0.3', authority: { objectType: 'Agent', account: { homePage: 'https://instants', name: 'instants' } } };
      return {
        id: st.id,
        statement: full,
        stored: stored.toISOString(),
        timestamp: st.timestamp,
        verb_id: (st.verb as { id: string }).id,
        actor_ifi: ifiOf(st),
        object_activity_id: object.id,
        registration: (st.context as { registration?: string } | undefined)?.registration ?? null,
      };
    });
    await db.execute(sql`insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_activity_id, registration)
      select x.id, x.statement, x.stored, x."timestamp", '1.0.3', x.verb_id, x.actor_ifi, 'Activity', x.object_activity_id, x.registration
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, statement jsonb, stored timestamptz, "timestamp" timestamptz, verb_id text, actor_ifi text, object_activity_id text, registration uuid)`);
  }
}
