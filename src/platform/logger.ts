import pino, { type Logger } from 'pino';
import { REDACTED_PATHS, serializeError } from './log-safety';

export type { Logger };
export { REDACTED_PATHS, serializeError };

/** Creates the structured JSON logger (see log-safety.ts for what never reaches it); `destination` lets tests capture the output. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'instants' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Errors keep type, code, message and stack frames, never a failed query's text or parameters.
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
