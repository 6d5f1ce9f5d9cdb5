import crypto from 'node:crypto';
import type { SQL } from 'drizzle-orm';
import type { ChangeVersions } from '../platform/db/changes';
import type { DbOrTx } from '../platform/db/client';
import { ConflictError, ValidationError, type FieldIssue } from '../platform/errors';
import { describeProblem, scanValue } from '../platform/input-hygiene';
import { consistentThroughOf, writerSecond } from './consistency';
import { actorKey, definedActivities, referencesOf, type Json } from './ifi';
import { findExistingAndVoided, findStatementsByIds, insertStatementRows, markVoided, upsertActivityDefinitions, type StatementRow } from './statements.repo';
import { sameStatement, toUtc, withContextArrays } from './statement.normalise';
import { statementSchema, VOIDED_VERB, type XapiVersion } from './statement.schema';

/** Options of `storeStatements`. */
export interface StoreOptions {
  /** The agent (or OAuth group) the statements are stored under; overrides any authority they carry. */
  authority?: unknown;
  /** The xAPI version of the request (default 2.0.0): chooses the grammar and the default `version`. */
  version?: XapiVersion;
  /** A fixed `stored` instant (seeding, tests); by default the clock is read after this writer announced itself. */
  stored?: Date;
  /** The clock `stored` is read from (default the system clock). */
  now?: () => Date;
  /** The LRS credential that writes them (for statements/read/mine). */
  credentialId?: string | null;
  /** The caller already ran `validateStatements` on them with this version. */
  validated?: boolean;
  /** Given the versions of the cached tables, read in the write's first query (no extra round trip). */
  onVersions?: (versions: ChangeVersions) => void;
  /**
   * Data-modifying statements to run in the statement that inserts the new statements (one round trip
   * fewer: the forwarding outbox rows), given the versions read by the first query and the statements' ids.
   * When nothing new is inserted they run on their own.
   */
  alongside?: (versions: ChangeVersions, ids: string[]) => Promise<SQL[]>;
}

/** The authority of statements Instants writes itself. */
export const SYSTEM_AUTHORITY = { objectType: 'Agent', name: 'Instants', account: { homePage: 'urn:instants', name: 'instants' } };

/** Validates statements with the xAPI grammar; throws a ValidationError naming each invalid JSON path. */
export function validateStatements(statements: unknown[], version: XapiVersion): Json[] {
  const schema = statementSchema(version);
  const issues: FieldIssue[] = [];
  statements.forEach((s, index) => {
    const prefix = statements.length > 1 ? [`[${index}]`] : [];
    // Before any recursion (zod, JSON.stringify): U+0000, lone surrogates, nesting deeper than 64, too many entries.
    const unclean = scanValue(s, { forbidPrototypeKeys: false });
    if (unclean) {
      issues.push({ path: [...prefix, unclean.path].filter(Boolean).join('.').replace(/\.\[/g, '[') || '(statement)', message: describeProblem(unclean.problem) });
      return;
    }
    const r = schema.safeParse(s);
    if (r.success) return;
    for (const i of r.error.issues) {
      const path = [...prefix, ...i.path.map(String)].join('.').replace(/\.\[/g, '[');
      issues.push({ path: path || '(statement)', message: i.message });
    }
  });
  if (issues.length) {
    const first = issues[0]!;
    throw new ValidationError(`Invalid statement at ${first.path}: ${first.message}`, issues);
  }
  return statements as Json[];
}

/** Fills what the LRS owns: id, stored, timestamp, authority, version (xAPI-Data §2.4.7–2.4.10). */
export function complete(s: Json, stored: string, authority: unknown, version: XapiVersion): Json {
  // Data §2.4.6.2: every contextActivities value is stored (and so returned, in every format) as an array.
  const out: Json = { ...withContextArrays(s) };
  out.id = (typeof s.id === 'string' ? s.id : crypto.randomUUID()).toLowerCase();
  // 2.0 (IEEE 9274.1.1): timestamps with an offset are converted to UTC; 1.0.3 keeps them as sent.
  out.timestamp = s.timestamp === undefined ? stored : version === '2.0.0' && !/Z$/.test(s.timestamp as string) ? toUtc(s.timestamp as string) : s.timestamp;
  out.stored = stored;
  out.authority = authority ?? s.authority ?? SYSTEM_AUTHORITY;
  out.version = typeof s.version === 'string' ? s.version : version === '1.0.3' ? '1.0.0' : '2.0.0';
  return out;
}

/** The lrs_statements row of a completed statement. */
export function rowOf(s: Json, credentialId: string | null): Omit<StatementRow, 'seq'> {
  const object = s.object as Json;
  const objectType = (object.objectType as string | undefined) ?? 'Activity';
  return {
    id: s.id as string,
    statement: s,
    stored: s.stored as string,
    timestamp: toUtc(s.timestamp as string),
    version: s.version as string,
    verbId: (s.verb as Json).id as string,
    actorIfi: actorKey(s.actor as Json),
    objectType,
    objectActivityId: objectType === 'Activity' ? (object.id as string) : null,
    objectStatementRef: objectType === 'StatementRef' ? (object.id as string).toLowerCase() : null,
    registration: ((s.context as Json | undefined)?.registration as string | undefined)?.toLowerCase() ?? null,
    voided: false,
    credentialId,
    hasAttachments: Array.isArray(s.attachments) && s.attachments.length > 0,
  };
}

/**
 * Validates and stores statements in the caller's transaction (xAPI-Communication §2.1): fills the LRS-set
 * properties, applies the conflict rule (same id and content: nothing happens; different content:
 * ConflictError), applies voiding, and returns the statement ids in order.
 */
export async function storeStatements(tx: DbOrTx, statements: unknown[], options: StoreOptions = {}): Promise<string[]> {
  return (await writeStatements(tx, statements, options)).ids;
}

/**
 * `storeStatements`, also giving what its first query read on the way (no extra round trip): the
 * Consistent-Through instant and the versions of the cached tables.
 */
export async function writeStatements(tx: DbOrTx, statements: unknown[], options: StoreOptions = {}): Promise<{ ids: string[]; consistentThrough: Date; versions: ChangeVersions }> {
  const version = options.version ?? '2.0.0';
  const now = options.now ?? (() => new Date());
  const valid = (options.validated ? (statements as Json[]) : validateStatements(statements, version)).map((s) => ({ ...s, id: (typeof s.id === 'string' ? s.id : crypto.randomUUID()).toLowerCase() }));
  const ids = valid.map((s) => s.id as string);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new ValidationError(`Statement id ${dup} appears twice in the batch`, [{ path: 'id', message: `duplicate id ${dup}` }]);

  // The writer announces itself (lock) in its first query, then reads the clock for `stored` (consistency.ts).
  const readerNow = now();
  const second = writerSecond(options.stored ?? readerNow);
  const found = await findExistingAndVoided(tx, ids, [...new Set(valid.flatMap(definedActivities).map((a) => a.id))], second);
  options.onVersions?.(found.versions);
  const stored = (options.stored ?? new Date(Math.max(now().getTime(), second * 1000))).toISOString();
  const completed = valid.map((s) => complete(s, stored, options.authority, version));
  const existing = new Map(found.existing.map((r) => [r.id, r.statement as Json]));
  const sent = new Map(valid.map((s) => [s.id as string, s]));
  const checkSame = (s: Json, old: Json) => {
    if (!sameStatement(sent.get(s.id as string)!, old)) throw new ConflictError(`Statement ${String(s.id)} already exists with different content`);
  };
  for (const s of completed) {
    const old = existing.get(s.id as string);
    if (old) checkSame(s, old);
  }

  const voidTargets = completed.filter((s) => (s.verb as Json).id === VOIDED_VERB).map((s) => ((s.object as Json).id as string).toLowerCase());
  if (voidTargets.length) {
    const inBatch = new Map(completed.map((s) => [s.id as string, s]));
    const targets = [...(await findStatementsByIds(tx, voidTargets)).map((r) => r.statement as Json), ...voidTargets.map((t) => inBatch.get(t)).filter((x): x is Json => !!x)];
    const voiding = targets.find((t) => (t.verb as Json).id === VOIDED_VERB);
    if (voiding) throw new ValidationError(`Statement ${String(voiding.id)} is a voiding statement and cannot be voided`, [{ path: 'object.id', message: 'a voiding statement cannot be voided' }]);
  }

  const fresh = completed.filter((s) => !existing.has(s.id as string));
  const alongside = options.alongside ? await options.alongside(found.versions, ids) : [];
  if (!fresh.length) for (const statement of alongside) await tx.execute(statement);
  if (fresh.length) {
    // A statement whose voiding statement arrived first is stored voided (Data §2.3.2).
    const rows = fresh.map((s) => ({ ...rowOf(s, options.credentialId ?? null), voided: found.voided.has(s.id as string) && (s.verb as Json).id !== VOIDED_VERB }));
    const inserted = await insertStatementRows(tx, rows, fresh.map((s) => referencesOf(s)), alongside);
    if (inserted.length < fresh.length) {
      // Another transaction stored some of these ids meanwhile: apply the same rule to them.
      const got = new Set(inserted.map((r) => r.id));
      const raced = new Map((await findStatementsByIds(tx, fresh.filter((s) => !got.has(s.id as string)).map((s) => s.id as string))).map((r) => [r.id, r.statement as Json]));
      for (const s of fresh) if (!got.has(s.id as string)) checkSame(s, raced.get(s.id as string) ?? {});
    }
    await markVoided(tx, voidTargets);
    await upsertActivityDefinitions(tx, fresh.flatMap(definedActivities), found.definitions);
  }
  return { ids, consistentThrough: consistentThroughOf(readerNow, found.othersOldestSecond), versions: found.versions };
}
