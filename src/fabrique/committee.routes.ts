import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { input, validate } from '../platform/http';
import { COMMITTEE_GROUP, confirmedSince, loadProject, type FabriqueDeps } from './fabrique.access';
import { doneMessage, errorSummary, handleForm, languageOf, parseForm, renderPage } from './fabrique.http';
import { field, formatDay, personName, presentDeliverables, presentImpact, raw, rawList, stageLabel, timeboxText } from './fabrique.present';
import { DecisionFormSchema, FramingFormSchema, ImpactFormSchema, NameMemberFormSchema, PeopleQuerySchema, ReviewFormSchema } from './fabrique.schema';
import { committeeHome, decideProposal, frameProject, holdReview, NEXT_STAGES, parisDay, setCommitteeMember, updateImpact } from './committee.service';
import { facilitatorCandidates, listMembers, searchUsers } from './people.repo';
import { listDeliverables } from './projects.repo';
import { TIMEBOX_KINDS } from './fabrique.tables';

/** The steering committee's pages: its home, decisions, framing, reviews, the printable sheet, its members. */
export function mountCommitteeRoutes(app: Express, ctx: AppContext, deps: FabriqueDeps): void {
  const committee = () => ctx.allow.memberOf(COMMITTEE_GROUP);

  app.get('/fabrique/committee', committee(), async (_req, res) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const home = await committeeHome(deps);
    await renderPage(deps, res, 'committee', 'committee', {
      title: t('fabrique.committee.title'),
      proposals: home.proposals.map((p) => ({ id: p.id, title: p.title, created: formatDay(p.createdAt, locale) })),
      reviews: home.reviews.map((p) => ({ id: p.id, title: p.title, stage: stageLabel(t, p.stage), on: formatDay(p.nextReviewOn, locale), late: p.nextReviewOn! < home.today })),
      deliverables: home.deliverables.map((d) => ({ projectId: d.projectId, project: d.projectTitle, title: d.title, due: formatDay(d.dueOn, locale), late: d.dueOn < home.today })),
      unframed: home.unframed.map((p) => ({ id: p.id, title: p.title })),
      members: home.members.map((m) => personName(t, m)),
      isAdmin: actorOf(res).isAdmin,
    });
  });

  app.post('/fabrique/projects/:id/decision', committee(), async (req, res) => {
    const stage = await decideProposal(deps, actorOf(res), String(req.params.id), parseForm(DecisionFormSchema, req.body), languageOf(res));
    res.redirect(303, `/fabrique/projects/${String(req.params.id)}?done=${stage === 'declined' ? 'declined' : 'selected'}`);
  });

  const showFraming = async (req: Request, res: Response, status: number, errors: Record<string, string>, fresh: boolean) => {
    const t = res.locals.t;
    const p = await loadProject(deps, String(req.params.id));
    const body = req.method === 'POST' ? req.body : undefined;
    const v = (name: string, current: string) => (body ? raw(body, name) : current);
    const deliverables = body
      ? rawList(body, 'deliverableTitle').map((title, i) => ({ title, dueOn: rawList(body, 'deliverableDue')[i] ?? '' }))
      : (await listDeliverables(deps.db, [p.id])).map((d) => ({ title: d.title, dueOn: d.dueOn }));
    const rows = Math.min(12, Math.max(3, deliverables.length + 1));
    while (deliverables.length < rows) deliverables.push({ title: '', dueOn: '' });
    const candidates = await facilitatorCandidates(deps.db, confirmedSince(deps.clock.now()));
    const L = (k: string) => t(`fabrique.framing.${k}`);
    const chosen = v('facilitatorId', p.facilitatorRef ?? '');
    await renderPage(
      deps,
      res,
      'framing',
      'committee',
      {
        title: `${L('title')} · ${p.title}`,
        project: { id: p.id, title: p.title, stage: stageLabel(t, p.stage) },
        version: fresh || !body ? p.version : raw(body, 'version'),
        ...errorSummary(errors),
        formError: errors.form,
        deliverablesError: errors.deliverables,
        deliverables: deliverables.map((d, i) => ({ ...d, n: i + 1, i })),
        fields: [
          field({ kind: 'textarea', id: 'objectives', label: L('objectives'), required: true, rows: 4, value: v('objectives', p.objectives) }, errors),
          field({ kind: 'textarea', id: 'resources', label: L('resources'), required: true, rows: 3, help: L('resources_help'), value: v('resources', p.resources) }, errors),
          field({ kind: 'select', id: 'timeboxKind', label: L('timebox'), required: true, options: TIMEBOX_KINDS.map((k) => ({ value: k, label: t(`fabrique.timebox.kind_${k}`), selected: k === v('timeboxKind', p.timeboxKind ?? 'week') })) }, errors),
          field({ kind: 'number', id: 'timeboxWeeks', label: L('weeks'), help: L('weeks_help'), value: v('timeboxWeeks', p.timeboxWeeks === null ? '' : String(p.timeboxWeeks)) }, errors),
          field({ kind: 'text', id: 'timeboxCustom', label: L('custom'), help: L('custom_help'), value: v('timeboxCustom', p.timeboxCustom ?? '') }, errors),
          field({ kind: 'select', id: 'facilitatorId', label: L('facilitator'), help: L('facilitator_help'), options: [{ value: '', label: L('facilitator_none') }, ...candidates.map((c) => ({ value: c.id, label: `${personName(t, c)}${c.service ? ` (${c.service})` : ''}`, selected: c.id === chosen }))] }, errors),
          field({ kind: 'text', id: 'impactMeasure', label: L('impact_measure'), required: true, help: L('impact_measure_help'), value: v('impactMeasure', p.impactMeasure) }, errors),
          field({ kind: 'number', id: 'impactTarget', label: L('impact_target'), required: true, value: v('impactTarget', p.impactTarget === null ? '' : String(p.impactTarget)) }, errors),
          field({ kind: 'date', id: 'nextReviewOn', label: L('next_review'), value: v('nextReviewOn', p.nextReviewOn ?? '') }, errors),
        ],
      },
      status,
    );
  };
  app.get('/fabrique/projects/:id/framing', committee(), (req, res) => showFraming(req, res, 200, {}, false));
  app.post(
    '/fabrique/projects/:id/framing',
    committee(),
    handleForm(async (req, res) => {
      await frameProject(deps, actorOf(res), String(req.params.id), parseForm(FramingFormSchema, req.body), languageOf(res));
      return `/fabrique/projects/${String(req.params.id)}?done=framed`;
    }, showFraming),
  );

  const showReview = async (req: Request, res: Response, status: number, errors: Record<string, string>, fresh: boolean) => {
    const t = res.locals.t;
    const p = await loadProject(deps, String(req.params.id));
    const body = req.method === 'POST' ? req.body : undefined;
    const v = (name: string, current: string) => (body ? raw(body, name) : current);
    const L = (k: string) => t(`fabrique.review.${k}`);
    const next = NEXT_STAGES[p.stage] ?? [];
    await renderPage(
      deps,
      res,
      'review',
      'committee',
      {
        title: `${L('title')} · ${p.title}`,
        project: { id: p.id, title: p.title, stage: stageLabel(t, p.stage) },
        closed: next.length === 0,
        version: fresh || !body ? p.version : raw(body, 'version'),
        ...errorSummary(errors),
        formError: errors.form,
        fields: [
          field({ kind: 'select', id: 'to', label: L('to'), required: true, options: next.map((s) => ({ value: s, label: s === p.stage ? t('fabrique.review.stay', { stage: stageLabel(t, s) }) : stageLabel(t, s), selected: s === v('to', p.stage) })) }, errors),
          field({ kind: 'date', id: 'heldOn', label: L('held_on'), required: true, value: v('heldOn', parisDay(deps.clock.now())) }, errors),
          field({ kind: 'textarea', id: 'note', label: L('note'), required: true, rows: 3, value: v('note', '') }, errors),
          field({ kind: 'date', id: 'nextReviewOn', label: L('next_review'), help: L('next_review_help'), value: v('nextReviewOn', '') }, errors),
          field({ kind: 'text', id: 'transferredTo', label: L('transferred_to'), help: L('transferred_to_help'), value: v('transferredTo', '') }, errors),
          field({ kind: 'textarea', id: 'postmortem', label: L('postmortem'), help: L('postmortem_help'), rows: 5, value: v('postmortem', p.postmortem ?? '') }, errors),
        ],
      },
      status,
    );
  };
  app.get('/fabrique/projects/:id/review', committee(), (req, res) => showReview(req, res, 200, {}, false));
  app.post(
    '/fabrique/projects/:id/review',
    committee(),
    handleForm(async (req, res) => {
      await holdReview(deps, actorOf(res), String(req.params.id), parseForm(ReviewFormSchema, req.body), languageOf(res));
      return `/fabrique/projects/${String(req.params.id)}?done=reviewed`;
    }, showReview),
  );

  // Committee or the project's facilitator (checked by the service).
  app.post('/fabrique/projects/:id/impact', ctx.allow.launched(), async (req, res) => {
    await updateImpact(deps, actorOf(res), String(req.params.id), parseForm(ImpactFormSchema, req.body).impactCurrent);
    res.redirect(303, `/fabrique/projects/${String(req.params.id)}?done=impact`);
  });

  // The one-page sheet for the committee's meeting (print CSS; "Imprimer" gives a PDF from the browser).
  app.get('/fabrique/projects/:id/sheet', committee(), async (req, res) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const p = await loadProject(deps, String(req.params.id));
    const [deliverables, members] = await Promise.all([listDeliverables(deps.db, [p.id]), listMembers(deps.db, [p.id])]);
    res.render('fabrique/sheet', {
      title: `${t('fabrique.sheet.title')} · ${p.title}`,
      printedOn: formatDay(deps.clock.now(), locale),
      project: { ...p, stageLabel: stageLabel(t, p.stage), timebox: timeboxText(t, p), nextReview: formatDay(p.nextReviewOn, locale), impact: presentImpact(t, p, locale), services: p.services.join(', ') },
      deliverables: presentDeliverables(t, deliverables, locale),
      team: members.filter((m) => m.member.status === 'accepted').map((m) => ({ name: personName(t, m), service: m.service, role: t(`fabrique.role.${m.member.role}`) })),
    });
  });

  app.get('/fabrique/committee/members', ctx.allow.admin(), validate(PeopleQuerySchema, 'query'), async (_req, res) => {
    const t = res.locals.t;
    const { q } = input(res, PeopleQuerySchema, 'query');
    const home = await committeeHome(deps);
    const found = q.length >= 2 ? await searchUsers(deps.db, q) : [];
    await renderPage(deps, res, 'committee-members', 'committee', {
      title: t('fabrique.members.title'),
      q,
      done: doneMessage(res, ['named', 'removed']),
      members: home.members.map((m) => ({ id: m.id, name: personName(t, m), service: m.service })),
      found: found.map((p) => ({ id: p.id, name: personName(t, p), service: p.service, already: home.members.some((m) => m.id === p.id) })),
      searched: q.length >= 2,
    });
  });
  app.post('/fabrique/committee/members', ctx.allow.admin(), async (req, res) => {
    const { userId } = parseForm(NameMemberFormSchema, req.body);
    const remove = (req.body as Record<string, unknown>)?.action === 'remove';
    await setCommitteeMember(deps, actorOf(res), userId, !remove);
    res.redirect(303, `/fabrique/committee/members?done=${remove ? 'removed' : 'named'}`);
  });
}
