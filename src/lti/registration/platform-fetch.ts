/**
 * The only outbound requests of dynamic registration, to URLs already checked against the allowed Moodle
 * origin: no redirects followed (a redirect could lead anywhere), a timeout, a size cap, JSON only.
 */
export class PlatformFetchError extends Error {}

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 256 * 1024;

/** Fetches JSON from `url` (GET, or POST of `json` with an optional bearer token). */
export async function fetchPlatformJson(url: string, init: { json?: unknown; bearer?: string } = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.json === undefined ? 'GET' : 'POST',
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (cause) {
    throw new PlatformFetchError(`unreachable: ${(cause as Error).name}`);
  }
  if (res.status >= 300 && res.status < 400) throw new PlatformFetchError(`redirect ${res.status} not followed`);
  const body = await res.arrayBuffer();
  if (body.byteLength > MAX_BYTES) throw new PlatformFetchError('answer too large');
  if (!res.ok) throw new PlatformFetchError(`status ${res.status}`);
  try {
    return JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  } catch {
    throw new PlatformFetchError('answer is not JSON');
  }
}
