/**
 * What may go into a log line. Logs keep ids, codes and stacks, never personal data: no statement bodies,
 * no query parameters, no e-mails or names, no tokens. Two tools: pino redaction paths for known keys,
 * and an `err` serializer that drops what database errors carry (Drizzle's failed query text and its
 * parameters, PostgreSQL's `detail` with the offending values).
 */

const KEYS_NEVER_LOGGED = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'id_token',
  'ltik',
  'access_token',
  'refresh_token',
  'client_secret',
  'client_assertion',
  'assertion',
  'registration_token',
  'login_hint',
  'lti_message_hint',
  'ltiKey',
  'cookieSecret',
  'pseudonymKey',
  'signingKeys',
  'email',
  'mbox',
  'given_name',
  'family_name',
  'statement',
  'body',
  'params',
  'query',
  'payload',
];

/** Paths pino redacts: each key at the top and one level down, plus request and response headers. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'config.secrets',
  ...KEYS_NEVER_LOGGED.flatMap((k) => [k, `*.${k}`]),
];

/** Fields of a PostgreSQL error that name things (codes, identifiers), never values. */
const PG_SAFE_FIELDS = ['severity', 'code', 'routine', 'schema', 'table', 'column', 'constraint', 'dataType'] as const;

type Serialized = Record<string, unknown>;

/** Only the "at …" frames of a stack: its first lines repeat the message, which may carry data. */
const framesOf = (stack: unknown) =>
  typeof stack === 'string'
    ? stack
        .split('\n')
        .filter((l) => /^\s+at /.test(l))
        .join('\n')
    : undefined;

/** Quoted values in a PostgreSQL message (`invalid input syntax for type uuid: "…"`) are replaced. */
const withoutQuotedValues = (message: string) => message.replace(/"[^"]*"/g, '"…"');

/**
 * The `err` serializer: type, code, a safe message, the stack's frames and the cause chain. Drizzle's
 * failed query keeps neither its SQL nor its parameters; a PostgreSQL error keeps its code and the names
 * it reports, not its detail, hint or where; an AppError keeps its code, status and reason.
 */
export function serializeError(err: unknown, depth = 0): unknown {
  if (!err || typeof err !== 'object') return typeof err === 'string' ? { message: err.slice(0, 200) } : err;
  const e = err as Record<string, unknown>;
  const out: Serialized = { type: typeof e.name === 'string' ? e.name : (err.constructor?.name ?? 'Error') };
  const isFailedQuery = 'query' in e && 'params' in e;
  const isPg = typeof e.severity === 'string' && typeof e.code === 'string';
  const message = typeof e.message === 'string' ? e.message : undefined;
  if (isFailedQuery) out.message = 'Failed query (its text and parameters are not logged)';
  else if (isPg && message) out.message = withoutQuotedValues(message);
  else if (message !== undefined) out.message = message;
  if (isPg) for (const f of PG_SAFE_FIELDS) if (e[f] !== undefined) out[f] = e[f];
  for (const f of ['code', 'status', 'reason', 'errno', 'syscall'] as const) if (out[f] === undefined && (typeof e[f] === 'string' || typeof e[f] === 'number')) out[f] = e[f];
  const frames = framesOf(e.stack);
  if (frames) out.stack = frames;
  if (e.cause !== undefined && depth < 4) out.cause = serializeError(e.cause, depth + 1);
  return out;
}
