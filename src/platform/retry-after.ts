/** The longest a remote service's `Retry-After` may pause our deliveries: five minutes. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** Beyond this a `Retry-After` is taken for a mistake and ignored (the normal backoff applies). */
const ABSURD_RETRY_AFTER_MS = 24 * 3600_000;

/**
 * Reads a `Retry-After` (RFC 9110 §10.2.3: delay-seconds or an HTTP date) into milliseconds from `now`,
 * capped at five minutes. Anything else (negative, fractional, not a number, an unparsable or absurd date,
 * more than a day) is ignored: undefined, so the caller's own backoff applies.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d{1,9}$/.test(text)) ms = Number(text) * 1000;
  else if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  } else return undefined;
  if (ms > ABSURD_RETRY_AFTER_MS) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** Clamps a delay a handler asks for into [0, five minutes]; anything not a finite number is ignored. */
export function clampRetryAfterMs(ms: number | undefined): number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : 0;
}
