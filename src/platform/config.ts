import fs from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';

/**
 * The only reader of `process.env`: parses the environment once into a nested typed config and reports
 * every problem at once. Every variable is documented in `.env.example`.
 */

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      error: 'expected true or false (e.g. true)',
    })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(v)));

const int = (fallback: number, min: number, max: number, example: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max} (e.g. ${example})` });
        return z.NEVER;
      }
      return n;
    });

const secret = z
  .string()
  .min(32, 'must be at least 32 characters (e.g. the output of `openssl rand -hex 32`)')
  .optional();

const url = (example: string) =>
  z.url({ error: `expected an absolute URL (e.g. ${example})` });

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\/.+/, 'expected a PostgreSQL URL (e.g. postgres://instants:secret@db.example.fr:5432/instants)')
  .optional();

const EnvSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'expected development, production or test' })
    .default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000, 0, 65535, '3000'),
  PUBLIC_URL: url('https://instants.ac-dijon.fr').optional(),
  TRUST_PROXY: z.string().default('loopback'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: postgresUrl,
  DATABASE_POOL_SIZE: int(10, 1, 200, '10'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { error: 'expected auto, json or pretty' }).default('auto'),
  DEFAULT_LOCALE: z.enum(['fr', 'en'], { error: 'expected fr or en' }).default('fr'),
  LTI_KEY: secret,
  COOKIE_SECRET: secret,
  PSEUDONYM_KEY: secret,
  DEMO: bool(true),
  LTI_UNKNOWN_DEPLOYMENT: z
    .enum(['accept', 'reject'], { error: 'expected accept or reject' })
    .default('accept'),
  LTI_CLOCK_LEEWAY_SECONDS: int(5, 0, 120, '5'),
  LTI_AUTO_ACTIVATE: bool(false),
  LTI_LOGIN_LIMIT_PER_MINUTE: int(120, 1, 100_000, '120'),
  LTI_REGISTRATION_HOSTS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const entry of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        try {
          const u = new URL(entry.includes('://') ? entry : `https://${entry}`);
          if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('scheme');
          origins.push(u.origin);
        } catch {
          ctx.addIssue({ code: 'custom', message: `expected Moodle hosts or origins separated by commas (e.g. moodle.ac-dijon.fr), not "${entry}"` });
        }
      }
      return origins;
    }),
  XAPI_BASE_IRI: url('https://instants.ac-dijon.fr/xapi').optional(),
  XAPI_DEFAULT_VERSION: z.enum(['1.0.3', '2.0.0'], { error: 'expected 1.0.3 or 2.0.0' }).default('2.0.0'),
  CORS_ORIGINS: z.string().default(''),
  PRIVACY_MIN_GROUP: int(5, 1, 1000, '5'),
  PRIVACY_MIN_GROUP_TEXT: int(10, 1, 1000, '10'),
  UPLOAD_MAX_BYTES: int(20 * 1024 * 1024, 1024, 1024 * 1024 * 1024, '20971520'),
  ROSTER_CACHE_SECONDS: int(600, 0, 7 * 86400, '600'),
  WORKER: bool(true),
  WORKER_INTERVAL_MS: int(1000, 50, 600000, '1000'),
  RETENTION_MONTHS: int(24, 1, 240, '24'),
  RETENTION_LAUNCHES_MONTHS: int(12, 1, 240, '12'),
  RETENTION_FREE_TEXT_MONTHS: int(12, 1, 240, '12'),
  RETENTION_WEB_SESSIONS_HOURS: int(24, 12, 24 * 90, '24'),
  RETENTION_LOGIN_HOURS: int(24, 1, 24 * 90, '24'),
  RETENTION_ROSTER_DAYS: int(7, 1, 365, '7'),
  RETENTION_CHECKIN_FAILURES_HOURS: int(24, 1, 24 * 90, '24'),
  RETENTION_DEAD_LETTERS_DAYS: int(90, 1, 3650, '90'),
  RETENTION_AUDIT_MONTHS: int(36, 1, 240, '36'),
  RETENTION_DIRECTORY_MONTHS: int(24, 1, 240, '24'),
  RETENTION_IMPORTS_MONTHS: int(12, 1, 240, '12'),
  PRIVACY_DEPARTURE_DAYS: int(90, 1, 3650, '90'),
  PRIVACY_DEPARTURE_ERASE: bool(false),
  PRIVACY_CONTACT: z.string().trim().min(3).max(200).default('dpd@ac-dijon.fr'),
  SHUTDOWN_TIMEOUT_MS: int(10000, 100, 120000, '10000'),
  BADGE_SIGNING_KEYS: z
    .string()
    .regex(/^\s*[A-Za-z0-9_-]{43}\s*(,\s*[A-Za-z0-9_-]{43}\s*)*$/, 'expected Ed25519 seeds, base64url of 32 bytes, comma-separated, newest first (e.g. the line `npm run secrets` prints)')
    .optional(),
  BADGE_ISSUER_NAME: z.string().min(1).max(200).default("DANE de l'académie de Dijon"),
  BADGE_ISSUER_EMAIL: z.email({ error: 'expected an e-mail address (e.g. dane@ac-dijon.fr)' }).default('dane@ac-dijon.fr'),
  BADGE_ISSUER_URL: url('https://dane.ac-dijon.fr').optional(),
});

export type Env = z.input<typeof EnvSchema>;

/** The typed configuration built once from the environment. */
export interface Config {
  env: 'development' | 'production' | 'test';
  http: { host: string; port: number; publicUrl: string; trustProxy: string; corsOrigins: string[] };
  dataDir: string;
  db: { url: string | undefined; poolSize: number };
  /** `format`: JSON lines, or pino-pretty's coloured lines (`auto`: pretty in development on a terminal). */
  log: { level: string; format: 'auto' | 'json' | 'pretty' };
  i18n: { defaultLocale: 'fr' | 'en' };
  secrets: { ltiKey?: string; cookieSecret?: string; pseudonymKey?: string };
  lti: {
    unknownDeployment: 'accept' | 'reject';
    clockLeewaySeconds: number;
    autoActivate: boolean;
    /** Login initiations accepted per client address and minute (a whole rectorat may share one address). */
    loginLimitPerMinute: number;
    /** Origins of Moodle sites whose dynamic registration is accepted without a one-time link. */
    registrationOrigins: string[];
  };
  demo: boolean;
  /** `defaultVersion`: the X-Experience-API-Version of answers to requests that send none (or an unsupported one). */
  xapi: { baseIri: string; defaultVersion: '1.0.3' | '2.0.0' };
  privacy: { minGroup: number; minGroupText: number };
  uploads: { maxBytes: number };
  /** Course rosters (LTI NRPS) are reused from the database for this long. */
  grades: { rosterCacheSeconds: number };
  worker: { enabled: boolean; intervalMs: number };
  /** Statements are kept this many months (the académie's policy); same as `retention.statementsMonths`. */
  retentionMonths: number;
  /** How long each kind of record is kept (src/privacy: the registry names which setting applies to which table). */
  retention: {
    statementsMonths: number;
    launchesMonths: number;
    freeTextMonths: number;
    webSessionsHours: number;
    loginHours: number;
    rosterDays: number;
    checkinFailuresHours: number;
    deadLettersDays: number;
    auditMonths: number;
    directoryMonths: number;
    importsMonths: number;
  };
  /** People absent from every roster of their courses for `days` are flagged, and erased when `erase`. */
  departures: { days: number; erase: boolean };
  /** Whom people write to about their data (the académie's data-protection officer). */
  privacyContact: string;
  shutdownTimeoutMs: number;
  /** Open Badges issuer: signing keys (Ed25519 seeds, newest first; empty: kept in the data directory) and profile. */
  badges: { signingKeys: string[]; issuerName: string; issuerEmail: string; issuerUrl: string };
}

/** Raised with every problem in the environment, each naming the variable, what was wrong and an example. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * What production cannot do without: an https address (Moodle embeds only https tools, and the cookies its
 * frame needs are Secure), and secrets given by the operator, identical on every instance, instead of values
 * generated into one machine's data directory.
 */
function productionProblems(e: z.output<typeof EnvSchema>, dataDir: string): string[] {
  const problems: string[] = [];
  if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required in production (e.g. https://instants.ac-dijon.fr)');
  else if (!e.PUBLIC_URL.startsWith('https://')) problems.push(`PUBLIC_URL: must be an https:// address in production (Moodle embeds only https tools, and its frame needs Secure cookies), not "${e.PUBLIC_URL}"`);
  const generated = ['secrets.json', 'badge-keys.json'].filter((f) => fs.existsSync(path.join(dataDir, f))).map((f) => path.join(dataDir, f));
  const earlier = generated.length ? `; ${generated.join(' and ')} hold values generated by an earlier start: copy them into the environment to keep them` : '';
  const missing = (['LTI_KEY', 'COOKIE_SECRET', 'PSEUDONYM_KEY', 'BADGE_SIGNING_KEYS'] as const).filter((name) => !e[name]);
  for (const name of missing) {
    problems.push(`${name}: required in production, the same on every instance (\`npm run secrets\` prints fresh values${name === 'PSEUDONYM_KEY' || name === 'BADGE_SIGNING_KEYS' ? '; changing it later breaks what was issued with it' : ''})${earlier}`);
  }
  return problems;
}

/**
 * The environment Instants runs with: the process environment over the `.env` file of the working directory
 * (when there is one), so a variable exported by the service manager always wins.
 */
export function readEnvironment(cwd = process.cwd(), env: Record<string, string | undefined> = process.env): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseDotenv(fs.readFileSync(file));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError([`.env: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}) in ${cwd}`]);
  }
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** Parses an environment (default `process.env`) into a Config, or throws a ConfigError listing every problem. */
export function loadConfig(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const env: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') env[key] = value;
  }
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '?');
        const got = env[name];
        const shown = got === undefined || /KEY|SECRET|DATABASE_URL/.test(name) ? '' : ` (got "${got}")`;
        return `${name}: ${i.message}${shown}`;
      }),
    );
  }
  const e = parsed.data;
  const isProd = e.NODE_ENV === 'production';
  const problems = isProd ? productionProblems(e, path.resolve(cwd, e.DATA_DIR)) : [];
  if (problems.length) throw new ConfigError(problems);

  // Without PUBLIC_URL, the address the server listens on (cookies, the demo and the LTI URLs all need one address).
  const listenHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST.includes(':') ? `[${e.HOST}]` : e.HOST;
  const publicUrl = (e.PUBLIC_URL ?? `http://${listenHost}:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl,
      trustProxy: e.TRUST_PROXY,
      corsOrigins: e.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    },
    dataDir: path.resolve(cwd, e.DATA_DIR),
    db: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    i18n: { defaultLocale: e.DEFAULT_LOCALE },
    secrets: { ltiKey: e.LTI_KEY, cookieSecret: e.COOKIE_SECRET, pseudonymKey: e.PSEUDONYM_KEY },
    lti: {
      unknownDeployment: e.LTI_UNKNOWN_DEPLOYMENT,
      clockLeewaySeconds: e.LTI_CLOCK_LEEWAY_SECONDS,
      autoActivate: e.LTI_AUTO_ACTIVATE,
      loginLimitPerMinute: e.LTI_LOGIN_LIMIT_PER_MINUTE,
      registrationOrigins: e.LTI_REGISTRATION_HOSTS,
    },
    demo: source.DEMO === undefined || source.DEMO === '' ? !isProd && e.NODE_ENV !== 'test' : e.DEMO,
    xapi: { baseIri: (e.XAPI_BASE_IRI ?? `${publicUrl}/xapi`).replace(/\/+$/, ''), defaultVersion: e.XAPI_DEFAULT_VERSION },
    privacy: { minGroup: e.PRIVACY_MIN_GROUP, minGroupText: e.PRIVACY_MIN_GROUP_TEXT },
    uploads: { maxBytes: e.UPLOAD_MAX_BYTES },
    grades: { rosterCacheSeconds: e.ROSTER_CACHE_SECONDS },
    worker: { enabled: e.WORKER, intervalMs: e.WORKER_INTERVAL_MS },
    retentionMonths: e.RETENTION_MONTHS,
    retention: {
      statementsMonths: e.RETENTION_MONTHS,
      launchesMonths: e.RETENTION_LAUNCHES_MONTHS,
      freeTextMonths: e.RETENTION_FREE_TEXT_MONTHS,
      webSessionsHours: e.RETENTION_WEB_SESSIONS_HOURS,
      loginHours: e.RETENTION_LOGIN_HOURS,
      rosterDays: e.RETENTION_ROSTER_DAYS,
      checkinFailuresHours: e.RETENTION_CHECKIN_FAILURES_HOURS,
      deadLettersDays: e.RETENTION_DEAD_LETTERS_DAYS,
      auditMonths: e.RETENTION_AUDIT_MONTHS,
      directoryMonths: e.RETENTION_DIRECTORY_MONTHS,
      importsMonths: e.RETENTION_IMPORTS_MONTHS,
    },
    departures: { days: e.PRIVACY_DEPARTURE_DAYS, erase: e.PRIVACY_DEPARTURE_ERASE },
    privacyContact: e.PRIVACY_CONTACT,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    badges: {
      signingKeys: (e.BADGE_SIGNING_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean),
      issuerName: e.BADGE_ISSUER_NAME,
      issuerEmail: e.BADGE_ISSUER_EMAIL,
      issuerUrl: (e.BADGE_ISSUER_URL ?? publicUrl).replace(/\/+$/, ''),
    },
  };
}
