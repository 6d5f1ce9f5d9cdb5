import { storeStatements, SYSTEM_AUTHORITY } from '../lrs';
import type { Config } from '../platform/config';
import type { ChangeVersions } from '../platform/db/changes';
import type { DbOrTx, Tx } from '../platform/db/client';
import { ValidationError, type FieldIssue } from '../platform/errors';
import type { Secrets } from '../platform/secrets';
import type { LearningEvent, VoidingEvent } from './events';
import { LearningEventSchema, VoidingEventSchema } from './events.schema';
import { buildFabriqueStatements, FabriqueEventSchema, isFabriqueEvent, type FabriqueEvent } from './fabrique.events';
import { matchesFilter, XAPI_OUTBOX_KIND } from './forwarding/destinations';
import { existingForwardingTargets, loadForwardingTargets, type ForwardingTargets } from './forwarding/targets';
import type { SQL } from 'drizzle-orm';
import { enqueueOutbox, outboxInserts, type NewOutboxRow } from './outbox/outbox';
import { buildStatements, buildVoidingStatement, type BuildDeps } from './statement.builder';
import { StatementSchema, VoidingStatementSchema, type Statement, type VoidingStatement } from './statement.schema';

/** What recording needs: the configuration (base IRI), the secrets (pseudonym key), and the hooks to call. */
export interface RecordDeps {
  config: Config;
  secrets: Secrets;
  /** `ctx.afterEventsRecorded`: called in the same transaction with the statements stored. */
  afterEventsRecorded?: Array<(tx: Tx, statements: Array<Record<string, unknown>>) => Promise<unknown>>;
}

/** The builder's dependencies from the application's config and secrets. */
export function buildDepsOf(deps: RecordDeps): BuildDeps {
  return { baseIri: deps.config.xapi.baseIri, pseudonymKey: deps.secrets.pseudonymKey };
}

/**
 * Validates events and builds their statements, or throws one ValidationError listing every problem
 * (paths like `events[2].session.title`). Writes nothing.
 */
export function prepareStatements(events: Array<LearningEvent | FabriqueEvent>, deps: BuildDeps): Statement[] {
  const issues: FieldIssue[] = [];
  const statements: Statement[] = [];
  events.forEach((event, index) => {
    const parsed = isFabriqueEvent(event) ? FabriqueEventSchema.safeParse(event) : LearningEventSchema.safeParse(event);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push({ path: [`events[${index}]`, ...i.path.map(String)].join('.'), message: i.message });
      return;
    }
    for (const statement of isFabriqueEvent(event) ? buildFabriqueStatements(event, deps) : buildStatements(event, deps)) {
      const checked = StatementSchema.safeParse(statement);
      if (!checked.success) {
        for (const i of checked.error.issues) issues.push({ path: [`events[${index}]`, 'statement', ...i.path.map(String)].join('.'), message: i.message });
      } else statements.push(statement);
    }
  });
  if (issues.length) {
    const first = issues[0]!;
    throw new ValidationError(`Invalid learning event at ${first.path}: ${first.message}`, issues, { messageKey: 'errors.validation_failed' });
  }
  return statements;
}

/**
 * Records learning events in the caller's transaction: builds and validates their statements (refusing the
 * whole call before writing anything), stores them in the LRS, and enqueues one outbox row per statement
 * for each enabled forwarding destination whose filter matches. Returns the statement ids in order.
 * Recordings of the same course never wait for each other: the LRS writes (and locks, in id order) only the
 * activity definitions that really change, and the stored ones are read in its first query.
 */
export async function recordEvents(tx: Tx, events: Array<LearningEvent | FabriqueEvent>, deps: RecordDeps): Promise<string[]> {
  if (!events.length) return [];
  return storeAndForward(tx, prepareStatements(events, buildDepsOf(deps)), deps);
}

/**
 * Stores Instants' own statements in the LRS with their forwarding outbox rows written by the same
 * statement (the destinations from the application's cache, checked against the versions read by the
 * write's first query), then runs the `afterEventsRecorded` hooks. Returns the ids.
 */
async function storeAndForward(tx: Tx, statements: Array<Statement | VoidingStatement>, deps: RecordDeps): Promise<string[]> {
  const targets = existingForwardingTargets(deps.config);
  const ids = await storeStatements(tx, statements, { authority: SYSTEM_AUTHORITY, version: '1.0.3', alongside: (versions) => forwardingInserts(tx, statements, { targets, versions }) });
  for (const hook of deps.afterEventsRecorded ?? []) await hook(tx, statements);
  return ids;
}

/**
 * Records voiding statements in the caller's transaction (xAPI Data §2.3.2): validated before anything is
 * written, stored in the LRS (which marks their targets voided: rules and queries stop counting them), and
 * forwarded like any statement, so that a receiving LRS voids its copy too. Returns the voiding ids.
 */
export async function recordVoiding(tx: Tx, events: VoidingEvent[], deps: RecordDeps): Promise<string[]> {
  if (!events.length) return [];
  const build = buildDepsOf(deps);
  const issues: FieldIssue[] = [];
  const statements: VoidingStatement[] = [];
  events.forEach((event, index) => {
    const parsed = VoidingEventSchema.safeParse(event);
    if (!parsed.success) {
      for (const i of parsed.error.issues) issues.push({ path: [`events[${index}]`, ...i.path.map(String)].join('.'), message: i.message });
      return;
    }
    const checked = VoidingStatementSchema.safeParse(buildVoidingStatement(event, build));
    if (!checked.success) for (const i of checked.error.issues) issues.push({ path: [`events[${index}]`, 'statement', ...i.path.map(String)].join('.'), message: i.message });
    else statements.push(checked.data);
  });
  if (issues.length) {
    const first = issues[0]!;
    throw new ValidationError(`Invalid voiding event at ${first.path}: ${first.message}`, issues, { messageKey: 'errors.validation_failed' });
  }
  return storeAndForward(tx, statements, deps);
}

type Forwardable = Array<{ id: string; verb: { id: string }; object: { id?: unknown } }>;
type ForwardingOptions = { targets?: ForwardingTargets; versions?: ChangeVersions };

/** The outbox rows of statements: one per enabled destination whose filter matches each statement. */
async function forwardingRows(tx: DbOrTx, statements: Forwardable, options: ForwardingOptions): Promise<NewOutboxRow[]> {
  if (!statements.length) return [];
  const destinations = options.targets ? await options.targets.enabled(tx, options.versions) : await loadForwardingTargets(tx);
  const rows: NewOutboxRow[] = [];
  for (const d of destinations) {
    for (const s of statements) {
      if (!matchesFilter(d, s)) continue;
      const { stored: _s, authority: _a, version: _v, ...payload } = s as Record<string, unknown>;
      rows.push({ kind: XAPI_OUTBOX_KIND, destination: d.id, ref: s.id, payload });
    }
  }
  return rows;
}

/**
 * Enqueues statements for every enabled forwarding destination whose filter matches, in the caller's
 * transaction (the LRS API calls it for statements written by other clients). `stored`, `authority` and
 * `version` are dropped: the receiving LRS sets its own. With `targets` and the `versions` read by the
 * write, the destinations come from the application's cache while unchanged.
 */
export async function enqueueForwarding(tx: DbOrTx, statements: Forwardable, options: ForwardingOptions = {}): Promise<number> {
  const rows = await forwardingRows(tx, statements, options);
  await enqueueOutbox(tx, rows);
  return rows.length;
}

/**
 * `enqueueForwarding` as statements to run inside the one that stores the statements (`alongside` of
 * `storeStatements`): the same rows, one round trip fewer.
 */
export async function forwardingInserts(tx: DbOrTx, statements: Forwardable, options: ForwardingOptions = {}): Promise<SQL[]> {
  return outboxInserts(tx, await forwardingRows(tx, statements, options));
}
