import type { Express, Response } from 'express';
import { actorOf } from '../lti';
import { sessionAccessOf } from '../platform/access';
import type { AppContext } from '../platform/context';
import type { Translate } from '../platform/i18n';
import { describeRule } from './badges.present';
import type { ClassDeps } from './classes.service';
import { seriesBadges, sessionBadges, type EarnPage } from './earn.service';

/**
 * What a session or a series awards, read-only, for participants and organisers alike: each badge with its
 * image, description, criteria and rule, and whether the viewer holds it. Linked from the session's page
 * and from the catalogue's series; the organisers who manage them also get a link to their badges.
 */
export function mountEarnRoutes(app: Express, ctx: AppContext, deps: ClassDeps): void {
  const render = (res: Response, page: EarnPage, o: { heading: string; intro: string; seriesLink: boolean; manage: { kind: 'session' | 'series'; id: string } | null }) => {
    const t = res.locals.t as Translate;
    const locale = String(res.locals.locale);
    res.render('badges/earn', {
      title: o.heading,
      heading: o.heading,
      intro: o.intro,
      closed: page.closed,
      badges: page.badges.map((b) => ({
        id: b.id,
        name: b.name,
        description: b.description,
        criteria: b.criteria,
        image: `/badges/classes/${b.id}/image`,
        rule: describeRule(t, b.rule, { session: b.rule.kind === 'session-completed' ? page.names.get(b.rule.sessionId) : null, series: b.rule.kind === 'sessions-count' && b.rule.seriesId ? page.names.get(b.rule.seriesId) : null }, locale),
        competences: b.competences.map((c) => `${c.code} ${c.title}`).join(', '),
        earned: b.earned,
      })),
      series: o.seriesLink && page.seriesId ? { href: `/series/${page.seriesId}/badges`, title: page.seriesTitle } : null,
      manage: o.manage,
    });
  };

  app.get('/sessions/:id/badges', ctx.allow.participantOfSession('id'), async (req, res) => {
    const t = res.locals.t as Translate;
    const id = String(req.params.id);
    const page = await sessionBadges(deps.db, actorOf(res), id);
    const manages = sessionAccessOf(res)?.relation === 'manager';
    render(res, page, { heading: t('badges.earn.session_title', { title: page.title }), intro: t('badges.earn.session_intro'), seriesLink: true, manage: manages ? { kind: 'session', id } : null });
  });

  app.get('/series/:id/badges', ctx.allow.launched(), async (req, res) => {
    const t = res.locals.t as Translate;
    const actor = actorOf(res);
    const id = String(req.params.id);
    const page = await seriesBadges(deps.db, actor, id);
    // Series have no co-organisers: their course's organisers (and administrators) manage their badges.
    const manages = actor.isAdmin || (actor.role === 'organiser' && actor.contextRef !== null && actor.contextRef === page.ownerContextRef);
    render(res, page, { heading: t('badges.earn.series_title', { title: page.title }), intro: t('badges.earn.series_intro'), seriesLink: false, manage: manages ? { kind: 'series', id } : null });
  });
}
