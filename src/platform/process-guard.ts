import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './logger';

/** The request being served, carried across awaits so that process-level handlers can name it. */
const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` (the rest of a request's middleware chain) with its request id in context. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return requestContext.run({ requestId }, fn);
}

/** The id of the request whose code is running, when there is one. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/**
 * Process-level handlers for what escaped every other handler. An unhandled rejection is logged as an
 * error (with the request id when known) and the process goes on: the request it belonged to already got
 * its answer or will time out, the others are unaffected. An uncaught exception leaves the process in an
 * unknown state: it is logged and `shutdown(1)` runs, so that a supervisor restarts a clean process.
 */
export function installProcessGuards(log: Logger, shutdown: (exitCode: number, reason: string) => Promise<void>): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason, requestId: currentRequestId() }, 'unhandled promise rejection (process kept running)');
  });
  let crashed = false;
  process.on('uncaughtException', (err, origin) => {
    log.fatal({ err, origin, requestId: currentRequestId() }, 'uncaught exception: shutting down');
    if (crashed) process.exit(1);
    crashed = true;
    shutdown(1, 'uncaughtException').catch(() => process.exit(1));
  });
}
