import pg from 'pg';

/**
 * Database faults that are about the connection, not the query: the server went away, restarted, refused
 * a new connection or the pool could not get one in time. A request that meets one gets 503 and a
 * `Retry-After`; the pool replaces the broken client and the next requests succeed.
 */

/** Marks an error raised while opening a connection (whatever its code, the server could not be used). */
const CONNECT_FAILED = Symbol('instants.connectFailed');

/** SQLSTATEs of connection loss: class 08 (connection exception), 53300 too many connections, 57P01–57P03 shutdown. */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123])$/;
const UNAVAILABLE_ERRNO = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * node-postgres and pg-pool raise these without a code; their text is the driver's only signal (checked
 * here and nowhere else). PGlite's "closed" error is the embedded equivalent of a lost connection.
 */
const DRIVER_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^PGlite is closed$/,
];

/** True when `err` (or one of its causes, as Drizzle wraps driver errors) is a lost or refused connection. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if ((e as Record<symbol, unknown>)[CONNECT_FAILED]) return true;
    if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
    if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => m.test(message))) return true;
  }
  return false;
}

function markConnectFailed(err: unknown): unknown {
  if (err && typeof err === 'object') (err as Record<symbol, unknown>)[CONNECT_FAILED] = true;
  return err;
}

/** A node-postgres client whose connection errors are marked, so any of them (e.g. 55000, 3D000) is a 503. */
export class MarkedClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: (err: Error | null, c?: pg.Client) => void): void;
  override connect(callback?: (err: Error | null, c?: pg.Client) => void): Promise<pg.Client> | void {
    if (callback) return super.connect(((err: Error | null) => callback(err && (markConnectFailed(err) as Error), this)) as (err: Error) => void);
    return super.connect().catch((err: unknown) => {
      throw markConnectFailed(err);
    });
  }
}
