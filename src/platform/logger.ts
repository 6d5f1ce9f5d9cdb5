import pino, { type Logger } from 'pino';

export type { Logger };

/** Paths never written to logs: credentials, cookies, tokens and secrets. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.secret',
  '*.token',
  '*.id_token',
  '*.client_secret',
  '*.ltiKey',
  '*.cookieSecret',
  '*.pseudonymKey',
  '*.signingKeys',
  'config.secrets',
];

/** Creates the structured JSON logger; `destination` lets tests capture the output. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'instants' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
