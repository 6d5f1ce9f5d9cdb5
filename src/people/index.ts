import type { Express } from 'express';
import { addLaunchHook } from '../lti';
import type { AppContext } from '../platform/context';
import { peopleRoutes } from './people.routes';
import { afterLaunch } from './profile.service';

/** The people slice's public surface: the profile screen, the administrator's lists and CSV import. */
export { afterLaunch, refreshEffective, type PeopleDeps } from './profile.service';
export { countWithoutService } from './people.repo';

/** Mounts `/me/profile` and `/admin/people`, and the launch hook that keeps service and job family. */
export function mountPeople(app: Express, ctx: AppContext): void {
  peopleRoutes(app, ctx);
  addLaunchHook(ctx, async ({ launch, userId, destination }) => {
    const deps = { db: ctx.db, clock: ctx.clock, pseudonymKey: ctx.secrets.pseudonymKey };
    return afterLaunch(deps, { userId, issuer: launch.issuer, sub: launch.sub, custom: launch.custom, messageType: launch.messageType, destination });
  });
}
export { peoplePersonalData } from './personal-data';
