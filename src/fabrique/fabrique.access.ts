import type { Actor } from '../lti';
import type { Clock } from '../platform/clock';
import type { Config } from '../platform/config';
import type { Db, Tx } from '../platform/db/client';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import type { Secrets } from '../platform/secrets';
import { findProject, type ProjectRow } from './projects.repo';
import { findMembership, isActiveFacilitator, isNamedToCommittee } from './people.repo';

/** Who may do what in la Fabrique. Routes declare the groups; services check the project they load. */

/** What the Fabrique's services need. */
export interface FabriqueDeps {
  db: Db;
  clock: Clock;
  config: Config;
  secrets: Secrets;
  /** `ctx.afterEventsRecorded` (badges awarded from the new records), called in the same transaction. */
  afterEventsRecorded?: Array<(tx: Tx, statements: Array<Record<string, unknown>>) => Promise<unknown>>;
}

/** The access policy's group of the steering committee: LTI administrators, plus people an administrator names. */
export const COMMITTEE_GROUP = 'fabrique-committee';
/** Committee and accepted facilitators of projects under way: may search the directory and invite. */
export const STAFFING_GROUP = 'fabrique-staffing';

/** A directory entry must have been confirmed within this many days to be shown. */
export const CONFIRMATION_DAYS = 365;
/** The reminder to reconfirm is shown at launch this many days before the entry would be hidden. */
export const REMINDER_DAYS = 30;

export const OPEN_PHASES = ['investigation', 'construction', 'acceleration'] as const;

/** The oldest confirmation still valid at `now`. */
export function confirmedSince(now: Date): Date {
  return new Date(now.getTime() - CONFIRMATION_DAYS * 86_400_000);
}

export async function isCommittee(deps: Pick<FabriqueDeps, 'db'>, actor: Actor): Promise<boolean> {
  return actor.isAdmin || isNamedToCommittee(deps.db, actor.userId);
}

export async function canStaff(deps: Pick<FabriqueDeps, 'db'>, actor: Actor): Promise<boolean> {
  return (await isCommittee(deps, actor)) || isActiveFacilitator(deps.db, actor.userId);
}

/** The project, or a 404. */
export async function loadProject(deps: Pick<FabriqueDeps, 'db'>, id: string): Promise<ProjectRow> {
  const project = await findProject(deps.db, id);
  if (!project) throw new NotFoundError('No such project', { messageKey: 'fabrique.errors.no_project' });
  return project;
}

/** Whether the actor is this project's accepted facilitator. */
export async function isFacilitatorOf(deps: Pick<FabriqueDeps, 'db'>, actor: Actor, projectId: string): Promise<boolean> {
  const m = await findMembership(deps.db, projectId, actor.userId);
  return m?.role === 'facilitator' && m.status === 'accepted';
}

/** Committee or this project's facilitator, else 403. */
export async function assertCanLead(deps: Pick<FabriqueDeps, 'db'>, actor: Actor, projectId: string): Promise<void> {
  if ((await isCommittee(deps, actor)) || (await isFacilitatorOf(deps, actor, projectId))) return;
  throw new ForbiddenError('Committee or facilitator of this project required', { messageKey: 'fabrique.errors.lead_only' });
}
