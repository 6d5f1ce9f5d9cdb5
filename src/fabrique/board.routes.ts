import type { Express } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { BOARD_STAGES, boardProjects, firstNameOf } from './board.service';
import type { FabriqueDeps } from './fabrique.access';
import { doneMessage, languageOf, parseForm, renderPage } from './fabrique.http';
import { formatDateTime, formatDay, formatNumber, personName, presentDeliverables, presentImpact, STAGE_CLASS, stageLabel, timeboxText } from './fabrique.present';
import { DeliverableFormSchema, ProgressFormSchema } from './fabrique.schema';
import { logProgress, setDeliverable, teamPage } from './teams.service';

/** The public board (and its kiosque mode) for every launched user, and each project's team page. */
export function mountBoardRoutes(app: Express, ctx: AppContext, deps: FabriqueDeps): void {
  const launched = ctx.allow.launched;

  const boardData = async (locale: string, t: (k: string, v?: Record<string, unknown>) => string) => {
    const rows = await boardProjects(deps);
    const cards = rows.map(({ project: p, deliverables, team }) => ({
      id: p.id,
      title: p.title,
      stage: p.stage,
      stageLabel: stageLabel(t, p.stage),
      stageClass: STAGE_CLASS[p.stage],
      objectives: p.objectives,
      outcome: p.outcome,
      timebox: timeboxText(t, p),
      nextReview: formatDay(p.nextReviewOn, locale),
      impact: presentImpact(t, p, locale),
      deliverables: presentDeliverables(t, deliverables, locale),
      team: team.map((m) => ({ ...m, firstName: m.firstName ?? t('fabrique.someone'), role: t(`fabrique.role.${m.role}`) })),
      services: p.services.join(', '),
      transferredTo: p.transferredTo,
      postmortem: p.postmortem,
    }));
    return { cards, columns: BOARD_STAGES.map((s) => ({ stage: s, label: stageLabel(t, s), cards: cards.filter((c) => c.stage === s) })) };
  };

  app.get('/fabrique/board', launched(), async (_req, res) => {
    const { columns, cards } = await boardData(languageOf(res), res.locals.t);
    await renderPage(deps, res, 'board', 'board', { title: res.locals.t('fabrique.board.title'), columns, empty: cards.length === 0 });
  });

  // Kiosque: the same projects, one at a time on a big screen in the hall (the page script cycles).
  app.get('/fabrique/board/kiosk', launched(), async (_req, res) => {
    const { cards } = await boardData(languageOf(res), res.locals.t);
    res.render('fabrique/kiosk', { title: res.locals.t('fabrique.kiosk.title'), cards, scripts: ['/assets/js/fabrique-kiosk.js'], count: cards.length });
  });

  app.get('/fabrique/projects/:id/team', launched(), async (req, res) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const actor = actorOf(res);
    const page = await teamPage(deps, actor, String(req.params.id));
    const members = page.members.filter((m) => page.lead || m.member.status === 'accepted');
    const totalHours = members.filter((m) => m.member.status === 'accepted').reduce((sum, m) => sum + (m.member.hoursCommitted ?? 0), 0);
    await renderPage(deps, res, 'team', 'mine', {
      title: `${t('fabrique.team.title')} · ${page.project.title}`,
      done: doneMessage(res, ['invited', 'logged', 'deliverable']),
      project: { id: page.project.id, title: page.project.title, stageLabel: stageLabel(t, page.project.stage), stageClass: STAGE_CLASS[page.project.stage], timebox: timeboxText(t, page.project) },
      lead: page.lead,
      members: members.map((m) => {
        const self = m.member.userRef === actor.userId;
        return {
          name: personName(t, m),
          firstName: firstNameOf(m),
          service: m.service,
          role: t(`fabrique.role.${m.member.role}`),
          status: t(`fabrique.member_status.${m.member.status}`),
          // Time committed: visible to the person and to the committee (and the facilitator who staffs the team).
          hours: page.lead || self ? formatNumber(m.member.hoursCommitted, locale) : null,
          self,
        };
      }),
      totalHours: page.lead ? formatNumber(totalHours, locale) : null,
      deliverables: presentDeliverables(t, page.deliverables, locale).map((d) => ({ ...d, options: (['planned', 'in_progress', 'delivered'] as const).map((s) => ({ value: s, label: t(`fabrique.deliverable.${s}`), selected: s === d.status })) })),
      progress: page.progress.map((p) => ({ body: p.body, who: personName(t, p), at: formatDateTime(p.at, locale) })),
    });
  });

  app.post('/fabrique/projects/:id/team/progress', launched(), async (req, res) => {
    await logProgress(deps, actorOf(res), String(req.params.id), parseForm(ProgressFormSchema, req.body).body);
    res.redirect(303, `/fabrique/projects/${String(req.params.id)}/team?done=logged`);
  });

  app.post('/fabrique/projects/:id/deliverables/:did', launched(), async (req, res) => {
    await setDeliverable(deps, actorOf(res), String(req.params.id), String(req.params.did), parseForm(DeliverableFormSchema, req.body).status, languageOf(res));
    res.redirect(303, `/fabrique/projects/${String(req.params.id)}/team?done=deliverable`);
  });
}
