import type { Express } from 'express';
import type { AppContext } from '../platform/context';
import { presentHome } from './home.present';

/** The public home page: what Instants is and how to connect it to Moodle. */
export function mountHome(app: Express, ctx: AppContext): void {
  app.get('/', ctx.allow.anonymous(), (_req, res) => {
    res.render('home/index', presentHome(ctx.config, res.locals.t));
  });
}
