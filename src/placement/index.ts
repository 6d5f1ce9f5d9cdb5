import type { Express } from 'express';
import { launchMayLink, searchSessions } from '../catalog';
import type { AppContext } from '../platform/context';
import { mountPlacementRoutes } from './placement.routes';

/**
 * The placement slice: which Instants session a Moodle activity shows. It knows both the lti slice (who
 * launches, deep-linking signatures) and the catalogue (sessions and who owns them), so that the lti slice
 * imports no other slice: it asks `ctx.launchSessions`, answered here.
 */
export function mountPlacement(app: Express, ctx: AppContext): void {
  ctx.launchSessions = {
    linkable: (sessionId, course) => launchMayLink(ctx.db, sessionId, course),
    upcoming: async (limit) => {
      const sessions = await searchSessions(ctx.db, { status: 'published', endsAfter: ctx.clock.now(), upcomingFirst: true, limit });
      return sessions.map((s) => ({ id: s.id, title: s.title, tool: s.tool, startsAt: s.startsAt, place: s.place }));
    },
  };
  mountPlacementRoutes(app, ctx);
}
