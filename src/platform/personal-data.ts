import type { Config } from './config';
import type { Db, DbOrTx, Tx } from './db/client';

/**
 * The shape of the registry of personal data (issue 20): each slice declares, for every table it owns, what
 * the table holds about a person, why, on what legal basis, who sees it, how long it is kept, whether it is
 * exported and how it is erased. The privacy slice reads these declarations to export, erase and purge, and
 * to render the register of processing and the "Vos données" page. Types only: no rules here.
 */

/** Categories of data, as the register names them (`privacy.category.<c>` in the catalogues). */
export type DataCategory = 'identity' | 'contact' | 'pseudonym' | 'professional' | 'connection' | 'learning' | 'free-text' | 'authored' | 'consent' | 'team';

/** Why the data is processed (`privacy.purpose.<p>`). */
export type Purpose = 'access' | 'sessions' | 'learning-records' | 'gradebook' | 'dashboards' | 'needs' | 'profile' | 'fabrique' | 'badges' | 'forwarding' | 'security' | 'accountability' | 'catalogue';

/** RGPD art. 6.1: the public task of the académie (e), consent (a), or a legal obligation (c: security, art. 32; accountability, art. 5.2). */
export type LegalBasis = 'public-task' | 'consent' | 'legal-obligation';

/** Who sees the data besides the person and Instants' operators (`privacy.recipient.<r>`). */
export type Recipient = 'organisers' | 'administrators' | 'committee' | 'colleagues' | 'moodle' | 'forwarding' | 'public';

/** How an erasure treats rows: deleted; the person's reference set to null (the row is the académie's); the person taken out of a list; derived facts recomputed. */
export type ErasureMethod = 'delete' | 'detach' | 'rewrite' | 'recompute';

/** The configurable retention periods (`config.retention`), by name. */
export type RetentionSetting = keyof Config['retention'];

/** The person an export or an erasure is about: one LTI identity (one platform, one user id). */
export interface DataSubject {
  userId: string;
  issuer: string;
  sub: string;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  /** The pseudonym of their statements, and the actor identifier the LRS writes for it. */
  pseudonym: string;
  ifi: string;
  launchIds: string[];
}

/** A statement removed by an erasure or a purge, for the facts derived from it. */
export interface RemovedStatement {
  actorIfi: string;
  statement: unknown;
}

/** What one erasure carries from slice to slice inside its transaction. */
export interface ErasureWork {
  now: Date;
  removedStatements: RemovedStatement[];
}

/** How rows of a table are tied to a person, for the generic export and erasure. */
export type PersonLink =
  | { by: 'user'; column: string; erasure: 'delete' | 'detach' }
  | { by: 'actor'; column: string; erasure: 'delete' | 'recompute' }
  | { by: 'launch'; column: string; erasure: 'delete' };

/** A slice's own export and erasure for a table the generic links cannot express (JSON documents, lists of names…). */
export interface PersonalDataOps {
  /** The person's rows, as JSON values (for the export and the counts). */
  rows(db: DbOrTx, who: DataSubject): Promise<Array<Record<string, unknown>>>;
  /** Removes or rewrites what the table holds about the person; returns the rows touched. */
  erase(tx: Tx, who: DataSubject, work: ErasureWork): Promise<number>;
}

/** What a purge would remove: how many rows, and the oldest and newest dates among them. */
export interface PurgePreview {
  rows: number;
  oldest: Date | null;
  newest: Date | null;
}

/** What the privacy slice hands a purge: the derived-facts hook of every slice, and a progress callback. */
export interface PurgeHooks {
  afterStatementsRemoved(tx: DbOrTx, removed: RemovedStatement[]): Promise<void>;
  onProgress?(removed: number): void;
}

/** A slice's own purge for rows older than a cutoff (chunked; derived facts recomputed). */
export interface RetentionPurge {
  preview(db: DbOrTx, cutoff: Date): Promise<PurgePreview>;
  run(db: Db, cutoff: Date, hooks: PurgeHooks): Promise<number>;
}

/** How long rows are kept. */
export type Retention =
  /** As long as the person uses Instants: erased with them (on request, or once they left every course). */
  | { kind: 'person' }
  /** Goes with the rows of another table (foreign key, or derived and recomputed). */
  | { kind: 'with'; table: string }
  /** Kept as the académie's record (course content, projects); the person is detached on erasure. */
  | { kind: 'kept' }
  /** Rows whose `column` is older than the setting are deleted; `where` narrows them (static SQL). */
  | { kind: 'period'; setting: RetentionSetting; column: string; where?: string }
  /** The slice's own purge for that period (e.g. free text blanked, statements with their derived facts). */
  | { kind: 'custom'; setting: RetentionSetting; purge: RetentionPurge };

/** A table holding data about people. */
export interface PersonalTable {
  table: string;
  personal: true;
  holds: DataCategory[];
  purpose: Purpose;
  basis: LegalBasis;
  recipients: Recipient[];
  /** Generic links to the person (ignored when `ops` is given). Empty: rows cannot be tied to a person (`unlinked`). */
  links: PersonLink[];
  ops?: PersonalDataOps;
  /** Rows that name no one Instants can find (e.g. client addresses of rate limiting): said so in the register. */
  unlinked?: true;
  /** Whether the person's rows are in their export; `withheld` columns are left out (secrets, file contents). */
  exported: boolean;
  withheld?: string[];
  erasure: ErasureMethod[];
  retention: Retention[];
}

/** A table that holds nothing about people; `why` says so for whoever reads the declaration. */
export interface PlainTable {
  table: string;
  personal: false;
  why: string;
}

export type TableDeclaration = PersonalTable | PlainTable;

/** What one slice declares: its tables, and what to do once statements were removed (derived facts). */
export interface PersonalDataDeclaration {
  slice: string;
  tables: TableDeclaration[];
  /**
   * Runs in the transaction that removed statements (an erasure, a purge): `erased` are the identifiers of
   * erased people, whose facts go whole; the facts `removed` contributed to are recomputed from what remains.
   */
  afterStatementsRemoved?(tx: DbOrTx, removed: RemovedStatement[], erased: string[]): Promise<void>;
}
