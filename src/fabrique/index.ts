import type { Express } from 'express';
import { addLaunchHook } from '../lti';
import type { AppContext } from '../platform/context';
import { mountBoardRoutes } from './board.routes';
import { mountCommitteeRoutes } from './committee.routes';
import { reminderAtLaunch } from './directory.service';
import { canStaff, COMMITTEE_GROUP, isCommittee, STAFFING_GROUP, type FabriqueDeps } from './fabrique.access';
import { mountPeopleRoutes } from './people.routes';
import { mountProposalRoutes } from './proposals.routes';
import { mountStatsRoutes } from './stats.routes';

/** The fabrique slice's public surface: its mount function. */

/**
 * Mounts la Fabrique: proposals, the steering committee, phases, the public board, the directory of
 * resource persons and teams. Defines the access policy's groups `fabrique-committee` and `fabrique-staffing`.
 */
export function mountFabrique(app: Express, ctx: AppContext): void {
  const deps: FabriqueDeps = { db: ctx.db, clock: ctx.clock, config: ctx.config, secrets: ctx.secrets, afterEventsRecorded: ctx.afterEventsRecorded };
  ctx.allow.defineGroup(COMMITTEE_GROUP, { isMember: (actor) => isCommittee(deps, actor), messageKey: 'fabrique.errors.committee_only' });
  ctx.allow.defineGroup(STAFFING_GROUP, { isMember: (actor) => canStaff(deps, actor), messageKey: 'fabrique.errors.staffing_only' });
  mountProposalRoutes(app, ctx, deps);
  mountCommitteeRoutes(app, ctx, deps);
  mountPeopleRoutes(app, ctx, deps);
  mountBoardRoutes(app, ctx, deps);
  mountStatsRoutes(app, ctx, deps);
  // The reminder at launch: a person whose directory entry must be reconfirmed sees it on the way in.
  addLaunchHook(ctx, async ({ userId, destination }) => {
    if (!(await reminderAtLaunch(deps, { userId }))) return undefined;
    return `/fabrique/reminder?to=${encodeURIComponent(destination)}`;
  });
}
export { fabriquePersonalData } from './personal-data';
