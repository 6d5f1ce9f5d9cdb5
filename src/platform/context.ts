import type { SQL } from 'drizzle-orm';
import type { CookieOptions, Express } from 'express';
import type { Allow, SessionAccessResolver } from './access';
import type { Clock } from './clock';
import type { Config } from './config';
import type { ChangeVersions } from './db/changes';
import type { Database, Db, Tx } from './db/client';
import type { Catalogues } from './i18n';
import type { JobRunner } from './jobs';
import type { Logger } from './logger';
import type { Secrets } from './secrets';
import type { SessionStore } from './session';

/** What `createApp` is given: everything that touches the outside world. */
export interface AppDeps {
  config: Config;
  secrets: Secrets;
  database: Database;
  log: Logger;
  clock: Clock;
}

/** Origins allowed to frame Instants (the registered platforms), asked on each page response. */
export type FrameAncestorSource = () => Promise<string[]>;

/** The composition root's shared services, handed to each slice's `mount` function. */
export interface AppContext extends AppDeps {
  db: Db;
  sessions: SessionStore;
  catalogues: Catalogues;
  cookies: CookieOptions;
  jobs: JobRunner;
  /** Slices add the origins that may embed Instants (CSP frame-ancestors). */
  frameAncestors: FrameAncestorSource[];
  /** Path prefixes that are not browser forms (JWT posts, APIs with their own auth) and skip CSRF checks. */
  csrfExempt: string[];
  /**
   * Called in the writing transaction after statements from an LRS client are stored (with their final
   * ids): the xapi slice queues them for forwarding, so every stored statement reaches every destination.
   * `versions`: the cached tables' versions, read by the write's first query (src/platform/db/changes.ts).
   */
  afterStatementsStored: Array<(tx: Tx, statements: Array<Record<string, unknown>>, versions?: ChangeVersions) => Promise<unknown>>;
  /**
   * Asked in the writing transaction, before an LRS client's statements are inserted (with their final
   * ids), for data-modifying statements to run inside the insert itself: the xapi slice's forwarding outbox
   * rows, one round trip fewer than a hook.
   */
  alongsideStatementsStored: Array<(tx: Tx, statements: Array<Record<string, unknown>>, versions: ChangeVersions) => Promise<SQL[]>>;
  /**
   * Called in the writing transaction after Instants records its own learning events (`recordEvents`, with
   * the statements as stored): the badges slice awards what the new records meet.
   */
  afterEventsRecorded: Array<(tx: Tx, statements: Array<Record<string, unknown>>) => Promise<unknown>>;
  /** Things to close when the app closes (timers, caches, providers). */
  onClose: Array<() => Promise<void> | void>;
  /** The access policy's declarations: every route is mounted with one of them (see AGENTS.md, "Access policy"). */
  allow: Allow;
  /** Who stands how towards a session, for the policy's session kinds (set by the catalog slice). */
  sessionAccess?: SessionAccessResolver;
  /** What the lti slice asks about sessions, answered by another slice, so that lti imports none. */
  launchSessions: LaunchSessionPort;
}

/** The course a launch comes from, as the LMS names it. */
export interface LaunchCourse {
  issuer: string;
  deploymentId: string;
  contextId: string | null;
}

/** Sessions as the lti slice needs them (set by the placement slice; the defaults bind nothing and list nothing). */
export interface LaunchSessionPort {
  /** Whether a launch from this course may show the session its custom parameter names (the course's own, or published). */
  linkable(sessionId: string, course: LaunchCourse): Promise<boolean>;
  /** Upcoming published sessions, for the demo platform's launch form. */
  upcoming(limit: number): Promise<Array<{ id: string; title: string; tool: string | null; startsAt: Date; place: string | null }>>;
}

/** A slice's entry point: adds its routes, jobs and hooks to the app. */
export type MountSlice = (app: Express, ctx: AppContext) => Promise<void> | void;
