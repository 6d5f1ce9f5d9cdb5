import pino, { type Logger } from 'pino';
import { REDACTED_PATHS, serializeError } from './log-safety';

export type { Logger };
export { REDACTED_PATHS, serializeError };

/**
 * Creates the structured logger (see log-safety.ts for what never reaches it): JSON lines, or with `pretty`
 * the same records through pino-pretty (a development dependency, for people reading a terminal);
 * `destination` lets tests capture the output.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, options: { pretty?: boolean } = {}): Logger {
  return pino(
    {
      level,
      base: { app: 'instants' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Errors keep type, code, message and stack frames, never a failed query's text or parameters.
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.pretty ? prettyStream(destination) : destination,
  );
}

/** Whether pino-pretty is installed (it is not in an install made with `--omit=dev`). */
export function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Decides the log format: `auto` is pretty in development when the output is a terminal and pino-pretty is there. */
export function wantsPretty(format: 'auto' | 'json' | 'pretty', env: string, isTTY: boolean): boolean {
  if (format === 'auto') return env === 'development' && isTTY && prettyAvailable();
  return format === 'pretty';
}

function prettyStream(destination?: pino.DestinationStream): pino.DestinationStream {
  const pretty = require('pino-pretty') as (o: Record<string, unknown>) => pino.DestinationStream;
  // Synchronous, in this thread: a crash's last lines are written before the process exits.
  return pretty({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,app', sync: true, ...(destination ? { destination } : {}) });
}
