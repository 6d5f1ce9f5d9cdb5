import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { ValidationError } from '../platform/errors';
import { input, validate } from '../platform/http';
import { isCommittee, STAFFING_GROUP, type FabriqueDeps } from './fabrique.access';
import { doneMessage, errorSummary, handleForm, languageOf, parseForm, renderPage } from './fabrique.http';
import { field, formatDay, formatNumber, personName, raw, STAGE_CLASS, stageLabel, timeAskedText } from './fabrique.present';
import { DirectoryQuerySchema, InvitationFormSchema, ProfileFormSchema, ResponseFormSchema, HoursFormSchema, skillsOf } from './fabrique.schema';
import { myEntry, saveEntry, searchPeople, setConsent } from './directory.service';
import { MEMBER_ROLES } from './fabrique.tables';
import { listProjects } from './projects.repo';
import { isFacilitatorOf } from './fabrique.access';
import { myTeams, respond, leaveTeam, updateCommitment, invite } from './teams.service';

const LEVELS = [1, 2, 3, 4, 5, 6, 7, 8];
const local = (to: unknown) => (typeof to === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(to) ? to : '/fabrique');

/** The directory (one's own entry and consent; the search for committee and facilitators) and one's invitations and teams. */
export function mountPeopleRoutes(app: Express, ctx: AppContext, deps: FabriqueDeps): void {
  const launched = ctx.allow.launched;

  const showEntry = async (req: Request, res: Response, status: number, errors: Record<string, string>, fresh: boolean) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const entry = await myEntry(deps, actorOf(res));
    const body = req.method === 'POST' ? req.body : undefined;
    const mine = new Map((entry.profile?.skills ?? []).map((s) => [`${s.framework}:${s.code}`, s.level]));
    const high = new Map(entry.suggestions.high.map((h) => [h.code, h.level]));
    const suggestedCodes = new Set([...entry.suggestions.offers.map((o) => o.competence).filter(Boolean), ...high.keys()]);
    await renderPage(
      deps,
      res,
      'entry',
      'entry',
      {
        title: t('fabrique.entry.title'),
        done: doneMessage(res, ['saved', 'confirmed', 'withdrawn']),
        state: entry.state,
        stateText: t(`fabrique.entry.state_${entry.state}`, { date: formatDay(entry.profile?.confirmedAt, locale) }),
        optedIn: body ? raw(body, 'optIn') !== '' : Boolean(entry.profile?.optedIn),
        findable: entry.state === 'current' || entry.state === 'due',
        version: fresh || !body ? (entry.profile?.version ?? 0) : raw(body, 'version'),
        ...errorSummary(errors),
        formError: errors.form,
        skillsError: errors.skills,
        fields: [
          field({ kind: 'text', id: 'tools', label: t('fabrique.entry.tools'), help: t('fabrique.entry.tools_help'), value: body ? raw(body, 'tools') : (entry.profile?.tools ?? []).join(', ') }, errors),
          field({ kind: 'textarea', id: 'description', label: t('fabrique.entry.description'), help: t('fabrique.entry.description_help'), rows: 3, value: body ? raw(body, 'description') : (entry.profile?.description ?? '') }, errors),
        ],
        competences: entry.competences.map((c) => {
          const key = `${c.framework}:${c.code}`;
          const current = body ? Number(raw(body, `skill:${key}`) || 0) : (mine.get(key) ?? 0);
          return {
            name: `skill:${key}`,
            id: `skill-${c.code.replace(/\W/g, '-')}`,
            label: `${c.code} ${c.title}`,
            suggested: suggestedCodes.has(c.code),
            options: [{ value: '0', label: t('fabrique.entry.level_none'), selected: current === 0 }, ...LEVELS.map((l) => ({ value: String(l), label: t('fabrique.entry.level', { level: l, band: t(`fabrique.band.${Math.ceil(l / 2)}`) }), selected: current === l }))],
          };
        }),
        suggestions: {
          any: entry.suggestions.presented.length + entry.suggestions.offers.length + entry.suggestions.high.length > 0,
          presented: entry.suggestions.presented.map((s) => ({ title: s.title, tool: s.tool, on: formatDay(s.startsAt, locale) })),
          offers: entry.suggestions.offers.map((o) => ({ tool: o.tool, competence: o.competence, on: formatDay(o.createdAt, locale) })),
          high: entry.suggestions.high.map((h) => ({ code: h.code, level: h.level })),
        },
      },
      status,
    );
  };
  app.get('/fabrique/me/directory', launched(), (req, res) => showEntry(req, res, 200, {}, false));
  app.post(
    '/fabrique/me/directory',
    launched(),
    handleForm(async (req, res) => {
      const form = parseForm(ProfileFormSchema, req.body);
      const { skills, invalid } = skillsOf(req.body);
      if (invalid) throw new ValidationError('Invalid skills', [{ path: 'skills', message: 'fabrique.errors.choice' }], { messageKey: 'errors.validation_failed' });
      await saveEntry(deps, actorOf(res), { ...form, skills });
      return '/fabrique/me/directory?done=saved';
    }, showEntry),
  );
  app.post('/fabrique/me/directory/consent', launched(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const optIn = body.consent === 'confirm';
    if (body.consent !== 'confirm' && body.consent !== 'withdraw') throw new ValidationError('Invalid consent', [{ path: 'consent', message: 'fabrique.errors.choice' }], { messageKey: 'errors.validation_failed' });
    await setConsent(deps, actorOf(res), optIn);
    res.redirect(303, body.to ? local(body.to) : `/fabrique/me/directory?done=${optIn ? 'confirmed' : 'withdrawn'}`);
  });

  // The reminder shown right after a launch when the directory entry must be reconfirmed.
  app.get('/fabrique/reminder', launched(), async (req, res) => {
    const entry = await myEntry(deps, actorOf(res));
    await renderPage(deps, res, 'reminder', 'entry', { title: res.locals.t('fabrique.reminder.title'), expired: entry.state === 'expired', to: local(req.query.to), date: formatDay(entry.profile?.confirmedAt, languageOf(res)) });
  });

  app.get('/fabrique/directory', ctx.allow.memberOf(STAFFING_GROUP), validate(DirectoryQuerySchema, 'query'), async (_req, res) => {
    const t = res.locals.t;
    const actor = actorOf(res);
    const query = input(res, DirectoryQuerySchema, 'query');
    const [result, entry, open, committee] = await Promise.all([searchPeople(deps, actor, query), myEntry(deps, actor), listProjects(deps.db, { stages: ['proposed', 'investigation', 'construction', 'acceleration'] }), isCommittee(deps, actor)]);
    const leads = [];
    for (const p of open) if (committee || (await isFacilitatorOf(deps, actor, p.id))) leads.push(p);
    await renderPage(deps, res, 'directory', 'directory', {
      title: t('fabrique.directory.title'),
      done: doneMessage(res, ['invited']),
      query,
      competences: [{ value: '', label: t('fabrique.directory.any_competence') }, ...entry.competences.map((c) => ({ value: `${c.framework}:${c.code}`, label: `${c.code} ${c.title}`, selected: `${c.framework}:${c.code}` === query.competence }))],
      searched: result.searched,
      people: result.people.map((p) => ({
        id: p.id,
        name: personName(t, p),
        service: p.service,
        description: p.description,
        tools: p.tools,
        skills: p.skills.map((s) => ({ code: s.code, level: s.level, band: t(`fabrique.band.${Math.ceil(s.level / 2)}`) })),
      })),
      count: t(result.people.length === 1 ? 'fabrique.directory.count_one' : 'fabrique.directory.count_other', { count: result.people.length }),
      projects: leads.map((p) => ({ id: p.id, title: p.title, selected: p.id === query.project })),
      roles: MEMBER_ROLES.map((r) => ({ value: r, label: t(`fabrique.role.${r}`), selected: r === 'member' })),
    });
  });

  app.post('/fabrique/directory/invite', ctx.allow.memberOf(STAFFING_GROUP), async (req, res) => {
    const projectId = raw(req.body, 'projectId');
    await invite(deps, actorOf(res), projectId, parseForm(InvitationFormSchema, req.body));
    res.redirect(303, `/fabrique/projects/${encodeURIComponent(projectId)}/team?done=invited`);
  });

  app.get('/fabrique/me/teams', launched(), async (_req, res) => {
    const t = res.locals.t;
    const locale = languageOf(res);
    const rows = await myTeams(deps, actorOf(res));
    const item = (r: (typeof rows)[number]) => ({
      id: r.member.id,
      projectId: r.member.projectId,
      title: r.title,
      stage: stageLabel(t, r.stage),
      stageClass: STAGE_CLASS[r.stage],
      role: t(`fabrique.role.${r.member.role}`),
      timeAsked: timeAskedText(t, r.member.timeAsked),
      message: r.member.message,
      invitedOn: formatDay(r.member.invitedAt, locale),
      hours: formatNumber(r.member.hoursCommitted, locale),
      hoursValue: r.member.hoursCommitted ?? '',
      shownOnBoard: r.member.shownOnBoard,
    });
    await renderPage(deps, res, 'my-teams', 'mine', {
      title: t('fabrique.mine.title'),
      done: doneMessage(res, ['accepted', 'declined_invitation', 'left', 'commitment']),
      invitations: rows.filter((r) => r.member.status === 'invited').map(item),
      teams: rows.filter((r) => r.member.status === 'accepted').map(item),
      past: rows.filter((r) => r.member.status === 'declined' || r.member.status === 'left').map((r) => ({ ...item(r), status: t(`fabrique.member_status.${r.member.status}`) })),
    });
  });

  app.post('/fabrique/invitations/:id', launched(), async (req, res) => {
    const form = parseForm(ResponseFormSchema, req.body);
    await respond(deps, actorOf(res), String(req.params.id), form, languageOf(res));
    res.redirect(303, `/fabrique/me/teams?done=${form.response === 'accept' ? 'accepted' : 'declined_invitation'}`);
  });
  app.post('/fabrique/invitations/:id/leave', launched(), async (req, res) => {
    await leaveTeam(deps, actorOf(res), String(req.params.id), languageOf(res));
    res.redirect(303, '/fabrique/me/teams?done=left');
  });
  app.post('/fabrique/invitations/:id/commitment', launched(), async (req, res) => {
    const { hours } = parseForm(HoursFormSchema, req.body);
    await updateCommitment(deps, actorOf(res), String(req.params.id), { hours, shownOnBoard: raw(req.body, 'shownOnBoard') !== '' });
    res.redirect(303, '/fabrique/me/teams?done=commitment');
  });

}
