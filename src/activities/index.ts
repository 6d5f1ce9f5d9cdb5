import type { Express } from 'express';
import type { AppContext } from '../platform/context';
import { mountCheckinRoutes } from './checkin.routes';
import { mountOrganiserRoutes } from './organiser.routes';
import { mountParticipantRoutes } from './participant.routes';

/** The activities slice's public surface. */
export { onSessionCompleted, maybeCompleteSession } from './completion.service';
export { SCALE_STEPS } from './activities.schema';
export { recordLaunchEvent } from './launch.service';

/** Mounts the participant, check-in and organiser pages of the activities slice. */
export function mountActivities(app: Express, ctx: AppContext): void {
  // A form re-shown with errors after a POST needs a token too: the one just checked by the CSRF middleware.
  app.use(['/sessions', '/me', '/organiser'], (req, res, next) => {
    const token = (req.body as Record<string, unknown> | undefined)?._csrf;
    if (req.method === 'POST' && typeof token === 'string' && !res.locals.csrfToken) res.locals.csrfToken = token;
    next();
  });
  mountCheckinRoutes(app, ctx);
  mountParticipantRoutes(app, ctx);
  mountOrganiserRoutes(app, ctx);
}
