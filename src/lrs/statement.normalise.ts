import { isDeepStrictEqual } from 'node:util';
import type { Json } from './ifi';
import { timestampInstant } from './statement.schema';

/** Pure rewrites of statements: UTC instants, contextActivities as arrays, and the comparison of two statements. */

/** The UTC ISO form of a timestamp the schema accepted (a value without offset is read as UTC). */
export const toUtc = (ts: string): string => (timestampInstant(ts) ?? new Date(Number.NaN)).toISOString();

const CONTEXT_ACTIVITY_KEYS = ['parent', 'grouping', 'category', 'other'] as const;

/** A context whose contextActivities values are all arrays (Data §2.4.6.2: the LRS MUST return every value as an array). */
function contextWithArrays(context: unknown): unknown {
  if (!context || typeof context !== 'object') return context;
  const ca = (context as Json).contextActivities as Json | undefined;
  if (!ca || typeof ca !== 'object') return context;
  if (!CONTEXT_ACTIVITY_KEYS.some((k) => ca[k] !== undefined && !Array.isArray(ca[k]))) return context;
  const arrays: Json = {};
  for (const [k, v] of Object.entries(ca)) arrays[k] = Array.isArray(v) || v === undefined ? v : [v];
  return { ...(context as Json), contextActivities: arrays };
}

/** The statement with every contextActivities value as an array, in the statement and in a SubStatement. */
export function withContextArrays(s: Json): Json {
  let out = s;
  const context = contextWithArrays(s.context);
  if (context !== s.context) out = { ...out, context };
  const object = s.object as Json | undefined;
  if (object?.objectType === 'SubStatement') {
    const sub = withContextArrays(object);
    if (sub !== object) out = { ...out, object: sub };
  }
  return out;
}

/** A duration with its seconds truncated to 0.01 s, the precision 2.0 compares durations at (IEEE 9274.1.1). */
function centiseconds(duration: unknown): unknown {
  if (typeof duration !== 'string') return duration;
  return duration.replace(/(\d+(?:\.\d+)?)S$/, (_m, sec: string) => `${Math.trunc(Number(sec) * 100) / 100}S`);
}

function withDuration(s: Json): Json {
  const result = s.result as Json | undefined;
  const object = s.object as Json | undefined;
  const out: Json = result?.duration !== undefined ? { ...s, result: { ...result, duration: centiseconds(result.duration) } } : s;
  return object?.objectType === 'SubStatement' ? { ...out, object: withDuration(object) } : out;
}

/**
 * Two statements are the same when they differ only in what the LRS sets (Data §2.3 immutability, and the
 * statement comparison requirements): a single contextActivities object equals a one-element array, so a
 * statement stored before they were normalised still compares equal to its resend.
 */
export function sameStatement(sent: Json, existing: Json): boolean {
  const strip = (s: Json, keepTimestamp: boolean) => {
    const { stored: _s, authority: _a, version: _v, id: _i, timestamp, ...rest } = withContextArrays(withDuration(s));
    return keepTimestamp && typeof timestamp === 'string' ? { ...rest, timestamp: Date.parse(toUtc(timestamp)) } : rest;
  };
  const hasTs = typeof sent.timestamp === 'string';
  return isDeepStrictEqual(strip(sent, hasTs), strip(existing, hasTs));
}

const MERGED_MAPS = ['name', 'description', 'extensions'] as const;
const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The canonical definition of an activity after a new one is seen: language maps and extensions merged key
 * by key, other properties replaced (mirrors the SQL of upsertActivityDefinitions, which is what counts).
 */
export function mergeDefinitions(old: Json | undefined, next: Json): Json {
  const out: Json = { ...(old ?? {}), ...next };
  for (const k of MERGED_MAPS) if (isMap(old?.[k]) && isMap(next[k])) out[k] = { ...(old[k] as Json), ...(next[k] as Json) };
  return out;
}
