import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ValidationError } from './errors';
import { wantsJson } from './http';

/**
 * Input hygiene shared by every edge: strings PostgreSQL or JSON cannot hold (U+0000, lone surrogates),
 * JSON too deep or too wide to walk safely, calendar dates JavaScript would roll over, and map keys that
 * name Object.prototype. Pure functions; the middleware and zod helpers below are built on them.
 */

/** Default limits for parsed JSON: nesting depth and total number of object keys plus array items. */
export const JSON_LIMITS = { maxDepth: 64, maxEntries: 20_000 } as const;

/** Map keys refused where the grammar wants an IRI, a language tag or a plain name. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type HygieneProblem = 'nul' | 'lone_surrogate' | 'bad_encoding' | 'too_deep' | 'too_many_entries' | 'forbidden_key';

/** One refused spot in a value: the dotted path of the field (as zod prints it) and what is wrong. */
export interface HygieneIssue {
  path: string;
  problem: HygieneProblem;
}

export interface ScanOptions {
  maxDepth?: number;
  maxEntries?: number;
  /** Refuse `__proto__`, `constructor` and `prototype` as object keys (default true). */
  forbidPrototypeKeys?: boolean;
}

// With the `u` flag a well-formed surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/** What is wrong with one string, if anything: U+0000 or a lone UTF-16 surrogate. */
export function stringProblem(value: string): 'nul' | 'lone_surrogate' | undefined {
  if (value.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(value)) return 'lone_surrogate';
  return undefined;
}

function joinPath(parent: string, key: string | number): string {
  return parent === '' ? String(key) : `${parent}.${key}`;
}

/**
 * Walks a value without recursion (an explicit stack, depth checked before descending) and returns the
 * first problem found: a bad string (value or key), a forbidden key, too deep a nesting, too many entries.
 * Non-plain objects (Buffers, Dates) are left alone.
 */
export function scanValue(value: unknown, options: ScanOptions = {}): HygieneIssue | undefined {
  const maxDepth = options.maxDepth ?? JSON_LIMITS.maxDepth;
  const maxEntries = options.maxEntries ?? JSON_LIMITS.maxEntries;
  const forbidKeys = options.forbidPrototypeKeys ?? true;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  let entries = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) return { path: item.path, problem };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const isArray = Array.isArray(v);
    if (!isArray && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) continue;
    if (item.depth >= maxDepth) return { path: item.path, problem: 'too_deep' };
    if (isArray) {
      entries += v.length;
      if (entries > maxEntries) return { path: item.path, problem: 'too_many_entries' };
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: joinPath(item.path, i), depth: item.depth + 1 });
      continue;
    }
    const keys = Object.keys(v);
    entries += keys.length;
    if (entries > maxEntries) return { path: item.path, problem: 'too_many_entries' };
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const path = joinPath(item.path, key);
      const keyProblem = stringProblem(key);
      if (keyProblem) return { path: joinPath(item.path, sanitizeForMessage(key)), problem: keyProblem };
      if (forbidKeys && FORBIDDEN_KEYS.has(key)) return { path, problem: 'forbidden_key' };
      stack.push({ value: (v as Record<string, unknown>)[key], path, depth: item.depth + 1 });
    }
  }
  return undefined;
}

/** A key or value made printable for an error message (bad code units replaced by U+FFFD). */
export function sanitizeForMessage(value: string): string {
  return value.replaceAll('\u0000', '\uFFFD').replace(/\p{Cs}/gu, '\uFFFD');
}

/** English message for a problem (APIs show it; pages show `errors.input_<problem>` from the catalogue). */
export function describeProblem(problem: HygieneProblem): string {
  switch (problem) {
    case 'nul':
      return 'must not contain the character U+0000';
    case 'lone_surrogate':
      return 'must be well-formed Unicode (lone surrogate)';
    case 'bad_encoding':
      return 'is not valid percent-encoded UTF-8';
    case 'too_deep':
      return `is nested too deeply (more than ${JSON_LIMITS.maxDepth} levels)`;
    case 'too_many_entries':
      return `has too many entries (more than ${JSON_LIMITS.maxEntries})`;
    case 'forbidden_key':
      return 'uses a forbidden key (__proto__, constructor or prototype)';
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True when year/month/day name a real day of the proleptic Gregorian calendar, year 1 to 9999. */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` as a real calendar day (no `2026-02-30`, no year 0) into its UTC midnight. */
export function parseCalendarDate(value: string): Date | undefined {
  const m = DATE_RE.exec(value);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDay(y, mo, d)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  return date;
}

const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

export interface ParsedTimestamp {
  date: Date;
  /** The offset as written (`Z`, `+01:00`…), or null when the text had none. */
  offset: string | null;
}

/**
 * Parses an ISO 8601 date-time (extended format, optional seconds and fraction, offset `Z`, `±HH`, `±HHMM`
 * or `±HH:MM`), checking every field before building the Date, so nothing rolls over. Without an offset
 * the value is read as UTC unless `requireOffset` refuses it.
 */
export function parseTimestamp(value: string, options: { requireOffset?: boolean } = {}): ParsedTimestamp | undefined {
  const m = TIMESTAMP_RE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i])) as [number, number, number, number, number];
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const offset = m[8] ?? null;
  if (!isCalendarDay(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  if (offset === null && options.requireOffset) return undefined;
  let offsetMinutes = 0;
  if (offset !== null && offset.toUpperCase() !== 'Z') {
    const digits = offset.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (offset[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  date.setTime(date.getTime() - offsetMinutes * 60_000);
  return { date, offset };
}

/** zod: a string with no U+0000 and no lone surrogate (use instead of `z.string()` at edges). */
export function safeString(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).superRefine((v, ctx) => {
    const problem = stringProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: describeProblem(problem), params: { hygiene: problem } });
  });
}

/** zod: a `YYYY-MM-DD` calendar day, kept as the string (checked by round trip, year ≥ 1). */
export function calendarDate(message = 'expected a calendar date (YYYY-MM-DD)') {
  return z.string({ error: message }).refine((v) => parseCalendarDate(v) !== undefined, { message });
}

/** zod: an ISO 8601 timestamp checked field by field, turned into a Date. */
export function timestamp(options: { requireOffset?: boolean; message?: string } = {}) {
  const message = options.message ?? 'expected an ISO 8601 timestamp';
  return z.string({ error: message }).transform((v, ctx) => {
    const parsed = parseTimestamp(v, options);
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return parsed.date;
  });
}

/**
 * zod: a map whose keys are checked (no U+0000, no lone surrogate, not `__proto__`/`constructor`/
 * `prototype`). The keys are read from the raw input first, because `z.record` silently drops `__proto__`.
 */
export function safeRecord<K extends z.ZodType<string>, V extends z.ZodType>(key: K, value: V) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
      for (const k of Object.keys(v)) {
        const problem = stringProblem(k) ?? (FORBIDDEN_KEYS.has(k) ? 'forbidden_key' : undefined);
        if (problem) ctx.addIssue({ code: 'custom', path: [sanitizeForMessage(k)], message: describeProblem(problem), params: { hygiene: problem } });
      }
    })
    .pipe(z.record(key, value));
}

/**
 * Throws a 400 (ValidationError naming the field) when `value` holds refused input: for what arrives past
 * the middleware (multipart fields after multer, file names, parsed imports, LTI claims).
 */
export function assertCleanInput(value: unknown, options: ScanOptions & { prefix?: string } = {}): void {
  const issue = scanValue(value, options);
  if (!issue) return;
  const path = [options.prefix, issue.path].filter(Boolean).join('.') || 'input';
  throw new ValidationError(`Invalid input: ${path} ${describeProblem(issue.problem)}`, [{ path, message: describeProblem(issue.problem) }], {
    messageKey: 'errors.input_rejected',
  });
}

type Source = 'path' | 'query' | 'body';

/** The first problem in the parts of a request (path segments, query, body), with the field's path. */
export function findRequestIssue(
  req: { path: string; query?: unknown; body?: unknown },
  sources: readonly Source[] = ['path', 'query', 'body'],
  options: ScanOptions = {},
): (HygieneIssue & { source: Source }) | undefined {
  for (const source of sources) {
    if (source === 'path') {
      for (const segment of req.path.split('/')) {
        let decoded: string;
        try {
          decoded = decodeURIComponent(segment);
        } catch {
          // A lone surrogate percent-encoded as UTF-8 (%ED%A0%80) or a broken escape does not decode.
          return { source, path: 'path', problem: 'bad_encoding' };
        }
        const problem = stringProblem(decoded);
        if (problem) return { source, path: 'path', problem };
      }
      continue;
    }
    const issue = scanValue(req[source], options);
    if (issue) return { ...issue, source };
  }
  return undefined;
}

/**
 * Middleware, mounted once after the body parsers (and after multer in upload routes): refuses a request
 * whose path, query or body holds a string PostgreSQL cannot store, JSON too deep or too wide, or a
 * prototype key, with a 400 naming the field; nothing behind it runs.
 */
export function refuseUncleanInput(options: ScanOptions & { skip?: (path: string) => boolean } = {}): RequestHandler {
  return (req, res, next) => {
    if (options.skip?.(req.path)) {
      next();
      return;
    }
    const issue = findRequestIssue(req, ['path', 'query', 'body'], options);
    if (!issue) {
      next();
      return;
    }
    const t = res.locals.t as ((key: string) => string) | undefined;
    const message = t && !wantsJson(req) ? t(`errors.input_${issue.problem}`) : describeProblem(issue.problem);
    next(
      new ValidationError(`Invalid ${issue.source}: ${issue.path || issue.source} ${describeProblem(issue.problem)}`, [{ path: issue.path || issue.source, message }], {
        messageKey: 'errors.input_rejected',
      }),
    );
  };
}
