import crypto from 'node:crypto';
import { and, eq, isNull, lt, or, gt, sql } from 'drizzle-orm';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db/client';
import { ltiLoginRequests, ltijsDocuments } from './lti.tables';

/** ltijs's nine collections. */
export const LTIJS_COLLECTIONS = ['platform', 'platformStatus', 'publickey', 'privatekey', 'accesstoken', 'idtoken', 'contexttoken', 'nonce', 'state'] as const;
export type LtijsCollection = (typeof LTIJS_COLLECTIONS)[number];

/**
 * Lifetimes of ltijs's mongoose TTL indexes, in seconds (null: kept). Nonces are kept longer than ltijs's
 * 10 s: for the whole life of a Moodle id_token (60 s) plus leeway, so a replay inside that window is seen.
 */
export const LTIJS_TTL_SECONDS: Record<LtijsCollection, number | null> = {
  platform: null,
  platformStatus: null,
  publickey: null,
  privatekey: null,
  accesstoken: 3600,
  idtoken: 24 * 3600,
  contexttoken: 24 * 3600,
  nonce: 180,
  state: 600,
};

type Doc = Record<string, unknown>;

/** Collections cached in memory for a few seconds (read on every login and launch, rarely written). */
const CACHED = new Set(['platform', 'platformStatus']);
const PLATFORM_CACHE_MS = 5000;
type Query = Doc | undefined;

/** Hooks our patch of ltijs (patches/ltijs+5.9.9.patch) looks for on the database plugin. */
export interface LtijsHooks {
  /** Returns the platform's JWK for `kid` from our key-set cache (refetched on an unknown kid). */
  GetPlatformJwk(keySetUrl: string, kid: string): Promise<Record<string, unknown>>;
  /** Clock leeway in seconds given to jsonwebtoken when ltijs verifies an id_token. */
  ClockToleranceSeconds: number;
}


/** ltijs's encryption of keys and access tokens, kept as is: aes-256-cbc, key sha256(secret), hex iv. */
function encrypt(data: string, secret: string): { iv: string; data: string } {
  const key = crypto.createHash('sha256').update(secret).digest().subarray(0, 32);
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  return { iv: iv.toString('hex'), data: Buffer.concat([cipher.update(data), cipher.final()]).toString('hex') };
}

function decrypt(data: string, iv: string, secret: string): string {
  const key = crypto.createHash('sha256').update(secret).digest().subarray(0, 32);
  const decipher = crypto.createDecipheriv('aes-256-cbc', key, Buffer.from(iv, 'hex'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'hex')), decipher.final()]).toString();
}

/** JSON of a mongo-style equality query; undefined values are dropped as mongoose drops them. */
const queryJson = (query: Query) => JSON.stringify(query ?? {});

/**
 * The ltijs database plugin of Instants: ltijs's documented plugin interface (`setup`, `Close`, `Get`,
 * `Insert`, `Replace`, `Modify`, `Delete`) over one PostgreSQL table of JSON documents, queried by JSONB
 * containment (ltijs only ever asks for equality on top-level fields).
 */
export class LtijsDatabasePlugin implements LtijsHooks {
  /**
   * Platform registrations and their status are read several times per launch and rarely change: they are
   * cached for a few seconds (cleared at once by any write through this plugin; another instance's change,
   * e.g. by the CLI, shows within PLATFORM_CACHE_MS).
   */
  private readonly platformCache = new Map<string, { at: number; rows: Doc[] | false }>();
  /** Reads of expired entries in flight, shared by the callers that ask meanwhile; `generation` counts writes. */
  private readonly loading = new Map<string, Promise<Doc[] | false>>();
  private generation = 0;

  constructor(
    private readonly deps: { db: Db; clock: Clock },
    private readonly hooks: LtijsHooks,
  ) {}

  /**
   * Tells our patch of ltijs that Instants binds a launch itself: the state and nonce of each login are
   * stored once, in `lti_login_requests`, and used once (`consumeLoginRequest`), and Instants never uses
   * ltijs's `ltik`, so ltijs keeps no `state` and `nonce` rows of its own and no `idtoken` and
   * `contexttoken` copies (5 queries per launch fewer; issue 21).
   */
  readonly LaunchBoundByTool = true;

  get ClockToleranceSeconds(): number {
    return this.hooks.ClockToleranceSeconds;
  }

  GetPlatformJwk(keySetUrl: string, kid: string): Promise<Record<string, unknown>> {
    return this.hooks.GetPlatformJwk(keySetUrl, kid);
  }

  /** The database is opened and migrated by Instants itself. */
  async setup(): Promise<true> {
    return true;
  }

  /** The database is closed by Instants itself. */
  async Close(): Promise<true> {
    return true;
  }

  private where(collection: string, query: Query) {
    const now = this.deps.clock.now();
    return and(
      eq(ltijsDocuments.collection, collection),
      sql`${ltijsDocuments.doc} @> ${queryJson(query)}::jsonb`,
      or(isNull(ltijsDocuments.expiresAt), gt(ltijsDocuments.expiresAt, now)),
    );
  }

  private expiry(collection: string): Date | null {
    const ttl = LTIJS_TTL_SECONDS[collection as LtijsCollection];
    if (ttl === undefined) throw new Error(`Unknown ltijs collection ${collection}`);
    return ttl === null ? null : new Date(this.deps.clock.now().getTime() + ttl * 1000);
  }

  private stored(key: string | false, item: Doc, index?: Doc): Doc {
    if (!key) return item;
    if (!index) throw new Error('MISSING_PARAMS');
    return { ...index, ...encrypt(JSON.stringify(item), key) };
  }

  async Get(key: string | false, collection: string, query?: Doc): Promise<Doc[] | false> {
    if (!collection) throw new Error('MISSING_COLLECTION');
    if (key || !CACHED.has(collection)) return this.read(key, collection, query);
    const cacheKey = `${collection} ${queryJson(query)}`;
    const hit = this.platformCache.get(cacheKey);
    if (hit && Date.now() - hit.at < PLATFORM_CACHE_MS) return structuredClone(hit.rows);
    // Concurrent launches when the entry expires share one read (and a write meanwhile discards it).
    let loading = this.loading.get(cacheKey);
    if (!loading) {
      const generation = this.generation;
      loading = this.read(key, collection, query).then((rows) => {
        if (generation === this.generation) this.platformCache.set(cacheKey, { at: Date.now(), rows: structuredClone(rows) });
        return rows;
      });
      this.loading.set(cacheKey, loading);
      const forget = () => this.loading.get(cacheKey) === loading && this.loading.delete(cacheKey);
      loading.then(forget, forget);
    }
    return structuredClone(await loading);
  }

  private forget(collection: string): void {
    if (!CACHED.has(collection)) return;
    this.platformCache.clear();
    this.loading.clear();
    this.generation++;
  }

  private async read(key: string | false, collection: string, query?: Doc): Promise<Doc[] | false> {
    const rows = await this.deps.db
      .select({ doc: ltijsDocuments.doc, createdAt: ltijsDocuments.createdAt })
      .from(ltijsDocuments)
      .where(this.where(collection, query))
      .orderBy(ltijsDocuments.id);
    if (rows.length === 0) return false;
    return rows.map((r) => {
      const doc = r.doc as Doc;
      if (!key) return { ...doc, createdAt: r.createdAt };
      return { ...(JSON.parse(decrypt(String(doc.data), String(doc.iv), key)) as Doc), createdAt: r.createdAt.getTime() };
    });
  }

  async Insert(key: string | false, collection: string, item: Doc, index?: Doc): Promise<true> {
    if (!collection || !item) throw new Error('MISSING_PARAMS');
    await this.deps.db.insert(ltijsDocuments).values({ collection, doc: this.stored(key, item, index), createdAt: this.deps.clock.now(), expiresAt: this.expiry(collection) });
    this.forget(collection);
    return true;
  }

  /** Upsert: replaces the documents matching `query` by one document. */
  async Replace(key: string | false, collection: string, query: Doc, item: Doc, index?: Doc): Promise<true> {
    if (!collection || !item) throw new Error('MISSING_PARAMS');
    const doc = JSON.stringify(this.stored(key, item, index));
    const expiresAt = this.expiry(collection);
    // One statement (one round trip, atomic): ltijs replaces its tokens on every launch.
    await this.deps.db.execute(sql`
      with gone as (delete from ltijs_documents where collection = ${collection} and doc @> ${queryJson(query)}::jsonb)
      insert into ltijs_documents (collection, doc, created_at, expires_at)
      values (${collection}, ${doc}::jsonb, ${this.deps.clock.now().toISOString()}::timestamptz, ${expiresAt ? expiresAt.toISOString() : null}::timestamptz)`);
    this.forget(collection);
    return true;
  }

  /** Sets top-level fields of the matching documents (for encrypted ones, the first field, as ltijs does). */
  async Modify(key: string | false, collection: string, query: Doc, modification: Doc): Promise<true> {
    if (!collection || !query || !modification) throw new Error('MISSING_PARAMS');
    let patch = modification;
    if (key) {
      const [row] = await this.deps.db.select({ doc: ltijsDocuments.doc }).from(ltijsDocuments).where(this.where(collection, query)).limit(1);
      if (!row) return true;
      const doc = row.doc as Doc;
      const plain = JSON.parse(decrypt(String(doc.data), String(doc.iv), key)) as Doc;
      const [field] = Object.keys(modification);
      if (field) plain[field] = modification[field];
      patch = encrypt(JSON.stringify(plain), key);
    }
    await this.deps.db
      .update(ltijsDocuments)
      .set({ doc: sql`${ltijsDocuments.doc} || ${JSON.stringify(patch)}::jsonb` })
      .where(and(eq(ltijsDocuments.collection, collection), sql`${ltijsDocuments.doc} @> ${queryJson(query)}::jsonb`));
    this.forget(collection);
    return true;
  }

  async Delete(collection: string, query: Doc): Promise<true> {
    if (!collection || !query) throw new Error('MISSING_PARAMS');
    await this.deps.db.delete(ltijsDocuments).where(and(eq(ltijsDocuments.collection, collection), sql`${ltijsDocuments.doc} @> ${queryJson(query)}::jsonb`));
    this.forget(collection);
    return true;
  }
}

/** Deletes expired ltijs documents and login requests (the purge job); returns how many rows went. */
export async function purgeExpiredLtiData(deps: { db: Db; clock: Clock }): Promise<number> {
  const now = deps.clock.now();
  const docs = await deps.db.delete(ltijsDocuments).where(lt(ltijsDocuments.expiresAt, now)).returning({ id: ltijsDocuments.id });
  const logins = await deps.db.delete(ltiLoginRequests).where(lt(ltiLoginRequests.expiresAt, now)).returning({ s: ltiLoginRequests.state });
  return docs.length + logins.length;
}
