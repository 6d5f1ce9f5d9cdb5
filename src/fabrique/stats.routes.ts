import type { Express } from 'express';
import type { AppContext } from '../platform/context';
import { COMMITTEE_GROUP, type FabriqueDeps } from './fabrique.access';
import { languageOf, renderPage } from './fabrique.http';
import { formatNumber, stageLabel } from './fabrique.present';
import { STAGES } from './fabrique.tables';
import { fabriqueStats } from './stats.service';

/** The committee's dashboard of la Fabrique (tables only; every figure released by the disclosure layer). */
export function mountStatsRoutes(app: Express, ctx: AppContext, deps: FabriqueDeps): void {
  app.get('/fabrique/committee/dashboard', ctx.allow.memberOf(COMMITTEE_GROUP), async (_req, res) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const s = await fabriqueStats(deps);
    const n = (v: number | null) => (v === null ? t('fabrique.stats.hidden') : formatNumber(v, locale));
    const monthName = (m: string) => new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${m}-15T00:00:00Z`));
    await renderPage(deps, res, 'stats', 'committee', {
      title: t('fabrique.stats.title'),
      intro: t('fabrique.stats.intro', { min: s.min }),
      stages: STAGES.map((st) => stageLabel(t, st)),
      byPhase: s.byPhase.map((row) => ({ month: monthName(row.month), counts: STAGES.map((st) => formatNumber(row.counts[st], locale)) })),
      projects: n(s.projects),
      fromNeed: n(s.fromNeed),
      fromNeedShare: s.fromNeedShare === null ? t('fabrique.stats.hidden') : `${formatNumber(Math.round(s.fromNeedShare * 100), locale)} %`,
      decided: n(s.decision.decided),
      medianDays: s.decision.medianDays === null ? '—' : formatNumber(Math.round(s.decision.medianDays * 10) / 10, locale),
      people: n(s.people),
      hours: n(s.hours),
      services: s.services.map((x) => ({ service: x.service || t('fabrique.stats.no_service'), people: n(x.people), hours: n(x.hours) })),
    });
  });
}
