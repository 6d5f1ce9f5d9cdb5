import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { DataSubject } from '../platform/personal-data';

/** The rows of the lti slice that the generic links of the registry cannot find (src/lti/personal-data.ts). */

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;

// ltijs keeps a copy of each id_token (`idtoken`, keyed by iss and user) and of its context (`contexttoken`,
// whose id starts with the encoded issuer): both carry the person's sub, name and e-mail.
const ltijsOf = (who: DataSubject) => sql`collection in ('idtoken', 'contexttoken') and doc->>'user' = ${who.sub}
  and (doc->>'iss' = ${who.issuer} or starts_with(coalesce(doc->>'contextId', ''), ${encodeURIComponent(who.issuer)}))`;

/** ltijs's copies of the person's id_tokens and launch contexts. */
export async function ltijsDocumentsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select jsonb_build_object('collection', collection, 'doc', doc, 'created_at', created_at, 'expires_at', expires_at) as row
    from ltijs_documents where ${ltijsOf(who)} order by id`)).map((r) => r.row);
}

export async function deleteLtijsDocumentsOf(db: DbOrTx, who: DataSubject): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from ltijs_documents where ${ltijsOf(who)} returning 1) select count(*)::int as n from d`))[0]!.n;
}

// Moodle's login_hint is the user id (sub); the request was answered for one issuer.
const loginOf = (who: DataSubject) => sql`issuer = ${who.issuer} and login_hint = ${who.sub}`;

/** The person's OIDC login requests (state and nonce are single-use and left out). */
export async function loginRequestsOf(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>> {
  return rowsOf<{ row: Record<string, unknown> }>(await db.execute(sql`select to_jsonb(r) - 'state' - 'nonce' - 'storage_binding' as row from lti_login_requests r where ${loginOf(who)} order by created_at`)).map((r) => r.row);
}

export async function deleteLoginRequestsOf(db: DbOrTx, who: DataSubject): Promise<number> {
  return rowsOf<{ n: number }>(await db.execute(sql`with d as (delete from lti_login_requests where ${loginOf(who)} returning 1) select count(*)::int as n from d`))[0]!.n;
}
