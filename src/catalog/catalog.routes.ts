import type { Express } from 'express';
import type { AppContext } from '../platform/context';
import { mountCatalogueRoutes } from './catalogue.routes';
import { mountCoOrganiserRoutes } from './co-organisers.routes';
import { mountFrameworkRoutes } from './frameworks.routes';
import { mountResourceRoutes } from './resources.routes';
import { mountSeriesRoutes } from './series.routes';
import { sessionAccessFor } from './ownership';
import { mountSessionRoutes } from './sessions.routes';

/** Mounts the catalog slice: organiser authoring pages, the participants' catalogue and uploaded files. */
export function mountCatalog(app: Express, ctx: AppContext): void {
  // The policy's session kinds ask the catalogue's ownership model (./ownership.ts).
  ctx.sessionAccess = (actor, sessionId) => sessionAccessFor(ctx.db, actor, sessionId);
  mountSessionRoutes(app, ctx);
  mountCoOrganiserRoutes(app, ctx);
  mountResourceRoutes(app, ctx);
  mountSeriesRoutes(app, ctx);
  mountFrameworkRoutes(app, ctx);
  mountCatalogueRoutes(app, ctx);
}
