import crypto from 'node:crypto';
import { and, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import type { Clock } from './clock';
import type { Db } from './db/client';
import { webSessions } from './db/platform.tables';

/** Name of the signed cookie that carries the session id (over http; see `sessionCookieName`). */
export const SESSION_COOKIE = 'instants_session';

/**
 * The session cookie's name: with an https public URL it takes the `__Host-` prefix, so browsers only
 * accept it Secure, for Path=/ and without Domain (no sibling host can set or shadow it).
 */
export function sessionCookieName(publicUrl: string): string {
  return publicUrl.startsWith('https://') ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
}

/** A loaded browser session; each slice parses `data` with its own zod schema. */
export interface WebSession {
  id: string;
  data: Record<string, unknown>;
  expiresAt: Date;
}

/** Sessions stored in the database, so that any instance behind a load balancer can serve any request. */
export class SessionStore {
  constructor(private readonly deps: { db: Db; clock: Clock; ttlSeconds: number }) {}

  /**
   * Creates a session and returns it; the caller sets the cookie. `alongside`, a data-modifying statement
   * (the launch's continue token), is run in the same statement: one round trip, both or neither.
   */
  async create(data: Record<string, unknown>, alongside?: SQL): Promise<WebSession> {
    const id = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.deps.clock.now().getTime() + this.deps.ttlSeconds * 1000);
    const insert = this.deps.db.insert(webSessions).values({ id, data, expiresAt });
    if (alongside) await this.deps.db.execute(sql`with s as (${insert.getSQL()}) ${alongside}`);
    else await insert;
    return { id, data, expiresAt };
  }

  /** Returns a live session, or undefined when unknown or expired. */
  async get(id: string): Promise<WebSession | undefined> {
    const [row] = await this.deps.db
      .select()
      .from(webSessions)
      .where(and(eq(webSessions.id, id), gt(webSessions.expiresAt, this.deps.clock.now())));
    return row ? { id: row.id, data: row.data as Record<string, unknown>, expiresAt: row.expiresAt } : undefined;
  }

  /** Replaces a session's data. */
  async update(id: string, data: Record<string, unknown>): Promise<void> {
    await this.deps.db.update(webSessions).set({ data }).where(eq(webSessions.id, id));
  }

  async destroy(id: string): Promise<void> {
    await this.deps.db.delete(webSessions).where(eq(webSessions.id, id));
  }

  /** Deletes expired sessions; returns how many. */
  async purgeExpired(): Promise<number> {
    const rows = await this.deps.db.delete(webSessions).where(lt(webSessions.expiresAt, this.deps.clock.now())).returning({ id: webSessions.id });
    return rows.length;
  }
}
