import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { VersionedCache, type ChangeVersions } from '../platform/db/changes';
import type { DbOrTx } from '../platform/db/client';
import { UnauthenticatedError } from '../platform/errors';
import type { LrsCredential, Scope } from './credentials.service';

/** The change topic of lrs_credentials (migration 0230). */
export const CREDENTIALS_TOPIC = 'lrs_credentials';

interface Row {
  id: string;
  key: string;
  name: string;
  scopes: Scope[];
  secretHash: string;
}

const hash = (secret: string) => crypto.createHash('sha256').update(secret).digest();

function matches(row: Row, secret: string): boolean {
  const a = Buffer.from(row.secretHash, 'hex');
  const b = hash(secret);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

const credentialOf = (r: Row): LrsCredential => ({ id: r.id, key: r.key, name: r.name, scopes: r.scopes });

/** A credential as authenticated by a request: `version` is set when it came from the cache, unconfirmed. */
export interface Authenticated {
  credential: LrsCredential;
  /** The credentials' version the cached row was read at; undefined when read from the database just now. */
  version?: number;
}

export const refusal = () => new UnauthenticatedError('Valid LRS credentials (HTTP Basic) are required', { headers: { 'WWW-Authenticate': 'Basic realm="Instants LRS"' } });

/**
 * The active credentials of one instance, by key. A request on the Statement resource may take its
 * credential from here, and then confirms it with the version read in its own first query (`confirm`): a
 * credential revoked meanwhile, here or on another instance, is refused by that same request (401), and
 * nothing it wrote is kept. Other requests read the credential from the database.
 */
export class CredentialCache {
  private readonly rows = new VersionedCache<string, Row>(CREDENTIALS_TOPIC);

  /** The cached credential for this key and secret, to be confirmed; undefined when not cached or not matching. */
  cached(key: string, secret: string): Authenticated | undefined {
    const entry = this.rows.peek(key);
    if (!entry || !matches(entry.value, secret)) return undefined;
    return { credential: credentialOf(entry.value), version: entry.version };
  }

  /** Reads the active credential with this key (and the credentials' version, in the same query) and keeps it. */
  async authenticate(db: DbOrTx, key: string, secret: string): Promise<Authenticated | null> {
    const result = (await db.execute(sql`select c.id::text as id, c.key, c.name, c.scopes, c.secret_hash as "secretHash",
        (select version from instants_change_versions where topic = ${CREDENTIALS_TOPIC}) as version
      from lrs_credentials c where c.key = ${key} and c.revoked_at is null`)) as unknown as { rows: Array<Row & { version: string | number | null }> };
    const row = result.rows[0];
    if (!row) {
      this.rows.forget(key);
      return null;
    }
    if (row.version !== null) this.rows.keep(key, Number(row.version), { id: row.id, key: row.key, name: row.name, scopes: row.scopes, secretHash: row.secretHash });
    return matches(row, secret) ? { credential: credentialOf(row) } : null;
  }

  /**
   * Confirms a credential taken from the cache against the versions read in the request's transaction:
   * unchanged, it stands; changed, it is read again there. Throws the 401 when it is no longer active.
   */
  async confirm(db: DbOrTx, authenticated: Authenticated, versions: ChangeVersions): Promise<void> {
    if (authenticated.version === undefined || versions.get(CREDENTIALS_TOPIC) === authenticated.version) return;
    const key = authenticated.credential.key;
    const result = (await db.execute(sql`select c.id::text as id, c.key, c.name, c.scopes, c.secret_hash as "secretHash" from lrs_credentials c
      where c.key = ${key} and c.id = ${authenticated.credential.id}::uuid and c.revoked_at is null`)) as unknown as { rows: Row[] };
    const row = result.rows[0];
    if (!row) {
      this.rows.forget(key);
      throw refusal();
    }
    this.rows.keep(key, versions.get(CREDENTIALS_TOPIC), row);
  }
}
