import crypto from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { input, validate } from '../platform/http';
import type { FabriqueDeps } from './fabrique.access';
import { doneMessage, errorSummary, handleForm, languageOf, parseForm, renderPage } from './fabrique.http';
import { field, formatDateTime, formatDay, personName, plural, presentDeliverables, presentImpact, raw, STAGE_CLASS, stageLabel, timeboxText } from './fabrique.present';
import { CommentFormSchema, ProposalFormSchema, SimilarQuerySchema } from './fabrique.schema';
import { commentOn, createProposal, listProposals, projectPage, similarTitles, supportProposal } from './proposals.service';
import { myTeams } from './teams.service';
import type { ProjectRow } from './projects.repo';

/** Pages for everyone launched: la Fabrique's home, proposals (new, similar titles, support, comments), a project's page. */
export function mountProposalRoutes(app: Express, ctx: AppContext, deps: FabriqueDeps): void {
  const launched = ctx.allow.launched;

  app.get('/fabrique', launched(), async (_req, res) => {
    const invitations = (await myTeams(deps, actorOf(res))).filter((m) => m.member.status === 'invited');
    await renderPage(deps, res, 'home', 'home', { title: res.locals.t('fabrique.home.title'), invitations: invitations.length ? plural(res.locals.t, 'fabrique.home.invitations', invitations.length, languageOf(res)) : null });
  });

  app.get('/fabrique/proposals', launched(), async (_req, res) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const { open, mine, counts } = await listProposals(deps, actorOf(res));
    const card = (p: ProjectRow) => ({ id: p.id, title: p.title, stage: stageLabel(t, p.stage), stageClass: STAGE_CLASS[p.stage], created: formatDay(p.createdAt, locale), supports: plural(t, 'fabrique.proposal.supports', counts.get(p.id) ?? 0, locale), fromNeed: p.fromNeed?.label ?? null });
    await renderPage(deps, res, 'proposals', 'proposals', { title: t('fabrique.proposals.title'), open: open.map(card), mine: mine.map(card) });
  });

  const showProposalForm = async (req: Request, res: Response, status: number, errors: Record<string, string>) => {
    const t = res.locals.t;
    const body = req.method === 'POST' ? req.body : undefined;
    const q = req.query as Record<string, unknown>;
    const need = { type: raw(body ?? q, 'needType'), label: raw(body ?? q, 'needLabel'), key: raw(body ?? q, 'needKey') };
    const v = (name: string, fallback = '') => (body ? raw(body, name) : fallback);
    const L = (k: string) => t(`fabrique.proposal.${k}`);
    await renderPage(
      deps,
      res,
      'proposal-form',
      'proposals',
      {
        title: L('new_title'),
        scripts: ['/assets/js/fabrique-similar.js'],
        need: need.label ? need : null,
        creationKey: v('creationKey') || crypto.randomUUID(),
        ...errorSummary(errors),
        fields: [
          field({ kind: 'text', id: 'title', label: L('title'), required: true, help: L('title_help'), value: v('title', need.label ? t('fabrique.proposal.title_from_need', { need: need.label }).slice(0, 200) : '') }, errors),
          field({ kind: 'textarea', id: 'problem', label: L('problem'), required: true, rows: 4, value: v('problem') }, errors),
          field({ kind: 'textarea', id: 'beneficiaries', label: L('beneficiaries'), required: true, rows: 2, value: v('beneficiaries') }, errors),
          field({ kind: 'text', id: 'services', label: L('services'), help: L('services_help'), value: v('services') }, errors),
          field({ kind: 'textarea', id: 'outcome', label: L('outcome'), required: true, rows: 3, value: v('outcome') }, errors),
          field({ kind: 'text', id: 'timeNeeded', label: L('time_needed'), help: L('time_needed_help'), value: v('timeNeeded') }, errors),
        ],
      },
      status,
    );
  };

  app.get('/fabrique/proposals/new', launched(), (req, res) => showProposalForm(req, res, 200, {}));
  app.post(
    '/fabrique/proposals/new',
    launched(),
    handleForm(async (req, res) => `/fabrique/projects/${await createProposal(deps, actorOf(res), parseForm(ProposalFormSchema, req.body), languageOf(res))}?done=proposed`, showProposalForm),
  );

  // Similar proposals while typing the title (pg_trgm), for the form's script; JSON.
  app.get('/fabrique/proposals/similar', launched(), validate(SimilarQuerySchema, 'query'), async (_req, res) => {
    const { title } = input(res, SimilarQuerySchema, 'query');
    const rows = await similarTitles(deps, title);
    res.json({ similar: rows.map((r) => ({ id: r.id, title: r.title, stage: stageLabel(res.locals.t, r.stage), url: `/fabrique/projects/${r.id}` })) });
  });

  const showProject = async (req: Request, res: Response, status: number, commentError?: string) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const page = await projectPage(deps, actorOf(res), String(req.params.id));
    const p = page.project;
    await renderPage(deps, res, 'project', p.stage === 'proposed' || p.stage === 'declined' ? 'proposals' : 'board', {
      title: p.title,
      done: doneMessage(res, ['proposed', 'supported', 'commented', 'selected', 'declined', 'framed', 'reviewed', 'impact']),
      project: {
        id: p.id,
        title: p.title,
        stage: p.stage,
        stageLabel: stageLabel(t, p.stage),
        stageClass: STAGE_CLASS[p.stage],
        problem: p.problem,
        beneficiaries: p.beneficiaries,
        services: p.services.join(', '),
        outcome: p.outcome,
        timeNeeded: p.timeNeeded,
        fromNeed: p.fromNeed?.label ?? null,
        created: formatDay(p.createdAt, locale),
        version: p.version,
        isProposal: p.stage === 'proposed',
        decided: p.decidedAt ? { reason: p.decisionReason, at: formatDay(p.decidedAt, locale), declined: p.stage === 'declined' } : null,
        framed: Boolean(p.framedAt),
        objectives: p.objectives,
        resources: p.resources,
        timebox: timeboxText(t, p),
        nextReview: formatDay(p.nextReviewOn, locale),
        impact: presentImpact(t, p, locale),
        postmortem: p.postmortem,
        transferredTo: p.transferredTo,
        open: ['investigation', 'construction', 'acceleration'].includes(p.stage),
      },
      supports: plural(t, 'fabrique.proposal.supports', page.supports, locale),
      canSupport: p.stage === 'proposed' && !page.supported && !page.isProposer,
      supported: page.supported,
      isProposer: page.isProposer,
      committee: page.committee,
      canDecide: page.committee && p.stage === 'proposed' && !page.isProposer,
      canFrame: page.committee && !['declined', 'transferred', 'stopped'].includes(p.stage),
      canReview: page.committee && ['investigation', 'construction', 'acceleration'].includes(p.stage),
      inTeam: page.membership?.status === 'accepted',
      deliverables: presentDeliverables(t, page.deliverables, locale),
      comments: page.comments.map((c) => ({ body: c.body, question: c.kind === 'question', author: personName(t, c), at: formatDateTime(c.createdAt, locale) })),
      reviews: page.reviews.map((r) => ({ heldOn: formatDay(r.heldOn, locale), from: stageLabel(t, r.fromStage), to: stageLabel(t, r.toStage), note: r.note, changed: r.fromStage !== r.toStage })),
      history: page.history.map((h) => ({ at: formatDateTime(h.at, locale), who: personName(t, h), what: t(`fabrique.history.${h.action}`), why: h.reason })),
      showHistory: page.insider,
      commentError,
      commentBody: commentError ? raw(req.body, 'body') : '',
    }, status);
  };
  app.get('/fabrique/projects/:id', launched(), (req, res) => showProject(req, res, 200));

  app.post('/fabrique/projects/:id/support', launched(), async (req, res) => {
    await supportProposal(deps, actorOf(res), String(req.params.id), languageOf(res));
    res.redirect(303, `/fabrique/projects/${String(req.params.id)}?done=supported`);
  });

  app.post(
    '/fabrique/projects/:id/comments',
    launched(),
    handleForm(
      async (req, res) => {
        await commentOn(deps, actorOf(res), String(req.params.id), parseForm(CommentFormSchema, req.body));
        return `/fabrique/projects/${String(req.params.id)}?done=commented#comments`;
      },
      (req, res, status, errors) => showProject(req, res, status, errors.body ?? Object.values(errors)[0]),
    ),
  );
}
