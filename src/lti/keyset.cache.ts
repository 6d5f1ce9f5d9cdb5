import { z } from 'zod';
import { LtiLaunchError } from './lti.errors';

const JwkSetSchema = z.object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })) });
type Jwk = z.infer<typeof JwkSetSchema>['keys'][number];

interface Entry {
  keys: Jwk[];
  expiresAt: number;
}

/** Default lifetime of a key set served without `cache-control` (seconds). */
const DEFAULT_TTL_SECONDS = 300;
/** An unknown kid is not refetched again for this long (seconds), so forged kids cannot drive fetches. */
const UNKNOWN_KID_BACKOFF_SECONDS = 60;

/** Reads the lifetime a key-set response allows: `max-age`, none for `no-store`/`no-cache`, else the default. */
export function cacheSeconds(header: string | null): number {
  if (!header) return DEFAULT_TTL_SECONDS;
  if (/\b(no-store|no-cache)\b/i.test(header)) return 0;
  const m = /\bmax-age=(\d+)/i.exec(header);
  return m ? Math.min(Number(m[1]), 24 * 3600) : DEFAULT_TTL_SECONDS;
}

/**
 * Platform key sets cached per URL as their `cache-control` allows, refetched when a token names a kid the
 * cached set lacks (key rotation). Concurrent fetches of one URL share one request. A cache only: any
 * instance can rebuild it, so nothing another instance needs lives here.
 */
export class PlatformKeySets {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();
  private readonly unknownKids = new Map<string, number>();
  /** How many times a key set was downloaded (reported by the bench). */
  fetches = 0;

  constructor(private readonly now: () => number = Date.now, private readonly timeoutMs = 5000) {}

  /** Returns the JWK for `kid` from `url`'s key set, or throws an `unknown_kid` launch error. */
  async get(url: string, kid: string): Promise<Jwk> {
    const cached = this.entries.get(url);
    const fresh = cached && cached.expiresAt > this.now();
    const hit = fresh ? cached.keys.find((k) => k.kid === kid) : undefined;
    if (hit) return hit;
    const seenUnknown = this.unknownKids.get(`${url} ${kid}`);
    if (fresh && seenUnknown !== undefined && seenUnknown > this.now()) throw new LtiLaunchError('unknown_kid');
    const entry = await this.fetch(url);
    const key = entry.keys.find((k) => k.kid === kid);
    if (!key) {
      this.unknownKids.set(`${url} ${kid}`, this.now() + UNKNOWN_KID_BACKOFF_SECONDS * 1000);
      throw new LtiLaunchError('unknown_kid');
    }
    return key;
  }

  private fetch(url: string): Promise<Entry> {
    let pending = this.inflight.get(url);
    if (!pending) {
      pending = this.download(url).finally(() => this.inflight.delete(url));
      this.inflight.set(url, pending);
    }
    return pending;
  }

  private async download(url: string): Promise<Entry> {
    this.fetches++;
    let res: Response;
    try {
      res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (cause) {
      throw new LtiLaunchError('keyset_unavailable', { cause });
    }
    const parsed = JwkSetSchema.safeParse(res.ok ? await res.json().catch(() => undefined) : undefined);
    if (!parsed.success) throw new LtiLaunchError('keyset_unavailable');
    const entry = { keys: parsed.data.keys, expiresAt: this.now() + cacheSeconds(res.headers.get('cache-control')) * 1000 };
    this.entries.set(url, entry);
    return entry;
  }
}
