import { parseRetryAfter } from '../platform/retry-after';

/** A platform's answer that is not the success we asked for (token endpoint, AGS or NRPS). */
export class PlatformAnswerError extends Error {
  constructor(
    readonly service: 'token' | 'lineitems' | 'score' | 'memberships',
    readonly status: number,
    readonly body: string,
    readonly retryAfter: string | null,
    message?: string,
  ) {
    super(message ?? `${service}: platform answered ${status}`);
    this.name = 'PlatformAnswerError';
  }

  /** Worth trying again later: 5xx, 429, 408 (network errors are not PlatformAnswerErrors and are transient too). */
  get transient(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }

  /** Retry-After in milliseconds (capped at five minutes; invalid or absurd values ignored). */
  get retryAfterMs(): number | undefined {
    return parseRetryAfter(this.retryAfter);
  }
}

/** Appends a path segment to a service URL that may carry a query (Moodle's `…/lineitem?type_id=2`). */
export function appendPath(url: string, segment: string): string {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/$/, '')}/${segment}`;
  return u.toString();
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return m[1];
  }
  return undefined;
}
