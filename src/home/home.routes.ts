import type { Express } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { presentHome } from './home.present';
import { organiserHome, participantHome, type HomeDeps } from './home.service';
import { presentOrganiserHome, presentParticipantHome } from './launched.present';
import { HOME_PATH, navigationLocals } from './navigation';

/**
 * The public page (what Instants is and how to connect it to Moodle), the home of launched people, and the
 * menus every page gets (mounted first, so that they are there for every slice's pages and errors).
 */
export function mountHome(app: Express, ctx: AppContext): void {
  app.use(navigationLocals(app, ctx));
  const deps: HomeDeps = { db: ctx.db, clock: ctx.clock, config: ctx.config, secrets: ctx.secrets, afterEventsRecorded: ctx.afterEventsRecorded };

  app.get('/', ctx.allow.anonymous(), (_req, res) => {
    res.render('home/index', presentHome(ctx.config, res.locals.t));
  });

  app.get(HOME_PATH, ctx.allow.launched(), async (_req, res) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const locale = res.locals.locale as string;
    if (actor.role === 'organiser' || actor.isAdmin) res.render('home/launched', presentOrganiserHome(await organiserHome(deps, actor), actor, t, locale));
    else res.render('home/launched', presentParticipantHome(await participantHome(deps, actor), actor, t, locale));
  });
}
