import type { Express } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { awardsOverTime } from './stats.service';

/** The organisers' dashboard of awards over time: a data table of released figures ("masqué" otherwise). */
export function mountStatsRoutes(app: Express, ctx: AppContext): void {
  app.get('/organiser/badges/awards', ctx.allow.organiserOfCourse(), async (_req, res) => {
    const t = res.locals.t;
    const locale = String(res.locals.locale);
    const data = await awardsOverTime({ db: ctx.db, clock: ctx.clock, minGroup: ctx.config.privacy.minGroup }, actorOf(res));
    const monthName = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { month: 'short', year: 'numeric', timeZone: 'UTC' });
    const shown = (n: number | null) => (n === null ? t('badges.awards.hidden') : String(n));
    res.render('badges/awards', {
      title: t('badges.awards.title'),
      intro: t('badges.awards.intro', { min: ctx.config.privacy.minGroup }),
      months: data.months.map((m) => monthName.format(new Date(`${m}-15T00:00:00Z`))),
      rows: data.rows.map((r) => ({ name: r.name, cells: r.cells.map(shown), total: shown(r.total) })),
      totals: data.totals.map(shown),
      total: shown(data.total),
      empty: data.rows.length === 0,
    });
  });
}
