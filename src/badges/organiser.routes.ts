import type { Express, Request, Response } from 'express';
import multer from 'multer';
import { listDefaultCompetences, searchSessions } from '../catalog';
import { actorOf } from '../lti';
import type { Translate } from '../platform/i18n';
import type { AppContext } from '../platform/context';
import { AppError, ValidationError } from '../platform/errors';
import { assertCleanInput } from '../platform/input-hygiene';
import { describeRule, fieldErrors, parisDate, plural } from './badges.present';
import { listAwardsOfClass, listClasses, listCoursePeople, listSeriesOptions, listSessionPeople, namesOf, type BadgeClassRow, type Competence } from './badges.repo';
import { BadgeFormSchema, ManualAwardSchema, RevokeSchema } from './badges.schema';
import { canManageWith, createBadgeClass, editBadgeClass, loadManageable, managesBadgeSession, setArchived, type ClassDeps } from './classes.service';
import { COLOURS, MAX_IMAGE_BYTES, TEMPLATES } from './images';
import { awardByHand, revoke, type ManageDeps } from './manage.service';
import { RuleSchema, RULE_KINDS, type Rule } from './rules';

type Body = Record<string, unknown>;
const str = (b: Body | undefined, k: string) => (typeof b?.[k] === 'string' ? (b[k] as string) : '');

/** Organiser pages: the badges of the course (and académie-wide ones), authoring, awards by hand, revocation. */
export function mountOrganiserRoutes(app: Express, ctx: AppContext, deps: ManageDeps & ClassDeps): void {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 30, fieldSize: 16 * 1024, parts: 40 } }).single('image');
  const readForm = (req: Request, res: Response) =>
    new Promise<Buffer | undefined>((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if ((err as { code?: string } | undefined)?.code === 'LIMIT_FILE_SIZE') reject(new ValidationError('Image too large', [{ path: 'image', message: 'badges.errors.image_too_large' }]));
        else if (err) reject(new AppError('bad_request', 'Malformed upload', { messageKey: 'errors.bad_request', cause: err }));
        else {
          try {
            assertCleanInput(req.body);
            resolve(req.file?.size ? req.file.buffer : undefined);
          } catch (e) {
            reject(e);
          }
        }
      });
    });

  const formView = async (res: Response, badge: BadgeClassRow | undefined, body: Body | undefined, errors: Record<string, string>, prefill: Record<string, string> = {}) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const rule = badge ? (RuleSchema.safeParse(badge.rule).data ?? ({ kind: 'manual' } as Rule)) : undefined;
    const v = (k: string, fallback = '') => (body ? str(body, k) : (prefill[k] ?? fallback));
    const [sessions, series, competences] = await Promise.all([
      // The sessions the actor manages (their course's, those it co-organises), never those it only links.
      actor.isAdmin ? searchSessions(deps.db, { limit: 300 }) : actor.contextRef ? searchSessions(deps.db, { managedBy: actor.contextRef, limit: 300 }) : Promise.resolve([]),
      listSeriesOptions(deps.db, actor.contextRef, actor.isAdmin),
      listDefaultCompetences(deps.db),
    ]);
    const chosen = new Set(body ? ([] as unknown[]).concat(body.competences ?? []).map(String) : ((badge?.competences as Competence[] | undefined) ?? []).map((c) => `${c.framework}:${c.code}`));
    const kind = v('rule_kind', rule?.kind ?? 'session-completed');
    const opt = (value: string, label: string, current: string) => ({ value, label, selected: value === current });
    return {
      errors,
      errorList: Object.entries(errors).map(([id, message]) => ({ id, message })),
      hasErrors: Object.keys(errors).length > 0,
      name: v('name', badge?.name),
      description: v('description', badge?.description),
      criteria: v('criteria', badge?.criteria),
      imageSource: v('image_source', badge && !badge.template ? 'upload' : 'template'),
      templates: TEMPLATES.map((x) => opt(x, t(`badges.templates.${x}`), v('template', badge?.template?.split(':')[0] ?? 'medaille'))),
      colours: COLOURS.map((x) => opt(x, t(`badges.colours.${x}`), v('colour', badge?.template?.split(':')[1] ?? 'bleu'))),
      competences: competences.map((c) => ({ id: `c-${c.code.replace(/\W/g, '-')}`, value: `${c.framework}:${c.code}`, label: `${c.code} ${c.title}`, checked: chosen.has(`${c.framework}:${c.code}`) })),
      canAcademie: actor.isAdmin,
      scopes: [opt('course', t('badges.form.scope_course'), v('scope', badge && badge.contextRef === null ? 'academie' : 'course')), ...(actor.isAdmin ? [opt('academie', t('badges.form.scope_academie'), v('scope', badge && badge.contextRef === null ? 'academie' : 'course'))] : [])],
      ruleKinds: RULE_KINDS.map((k) => opt(k, t(`badges.rules.${k.replace(/-/g, '_')}`), kind)),
      sessions: [opt('', t('badges.form.choose'), ''), ...sessions.map((s) => opt(s.id, `${s.title} (${parisDate(s.startsAt, String(res.locals.locale))})`, v('session_id', rule?.kind === 'session-completed' ? rule.sessionId : '')))],
      series: [opt('', t('badges.form.any_series'), ''), ...series.map((s) => opt(s.id, s.title, v('series_id', rule?.kind === 'sessions-count' ? (rule.seriesId ?? '') : '')))],
      count: v('count', rule?.kind === 'sessions-count' ? String(rule.count) : '3'),
      projects: v('projects', rule?.kind === 'fabrique-joined' ? String(rule.count) : '1'),
      presented: v('presented', rule?.kind === 'presented' ? String(rule.count) : '1'),
      from: v('from', rule?.kind === 'sessions-count' ? (rule.from ?? '') : ''),
      to: v('to', rule?.kind === 'sessions-count' ? (rule.to ?? '') : ''),
      competenceOptions: [opt('', t('badges.form.choose'), ''), ...competences.map((c) => opt(`${c.framework}:${c.code}`, `${c.code} ${c.title}`, v('competence', rule?.kind === 'positioning-gain' ? `${rule.framework}:${rule.code}` : '')))],
      gain: v('gain', rule?.kind === 'positioning-gain' ? String(rule.gain) : '2'),
      maxImage: t('badges.form.image_help', { count: MAX_IMAGE_BYTES / 1024 }),
    };
  };

  const csrf = (res: Response) => encodeURIComponent(String(res.locals.csrfToken ?? ''));
  const renderForm = async (res: Response, status: number, badge: BadgeClassRow | undefined, body?: Body, errors: Record<string, string> = {}, prefill?: Record<string, string>) => {
    const t = res.locals.t;
    res.status(status).render('badges/form', {
      title: t(badge ? 'badges.form.edit_title' : 'badges.form.new_title'),
      action: `${badge ? `/organiser/badges/${badge.id}/edit` : '/organiser/badges/new'}?_csrf=${csrf(res)}`,
      editing: Boolean(badge),
      form: await formView(res, badge, body, errors, prefill),
    });
  };

  const onInvalid = async (err: unknown, res: Response, show: (errors: Record<string, string>) => Promise<void>) => {
    if (!(err instanceof ValidationError)) throw err;
    await show(fieldErrors(err.details, res.locals.t));
  };

  const ruleNames = async (rules: Rule[], locale: string, t: Translate) => {
    const names = await namesOf(deps.db, { sessions: rules.flatMap((r) => (r.kind === 'session-completed' ? [r.sessionId] : [])), series: rules.flatMap((r) => (r.kind === 'sessions-count' && r.seriesId ? [r.seriesId] : [])) });
    return (r: Rule) => describeRule(t, r, { session: r.kind === 'session-completed' ? names.get(r.sessionId) : null, series: r.kind === 'sessions-count' && r.seriesId ? names.get(r.seriesId) : null }, locale);
  };

  app.get('/organiser/badges', ctx.allow.organiserOfCourse(), async (req, res) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const q = (k: string) => (typeof req.query[k] === 'string' && /^[0-9a-f-]{36}$/i.test(req.query[k] as string) ? (req.query[k] as string) : undefined);
    const managed = !actor.isAdmin && actor.contextRef ? (await searchSessions(deps.db, { managedBy: actor.contextRef, limit: 500 })).map((s) => s.id) : [];
    const rows = await listClasses(deps.db, { contextRef: actor.contextRef, all: actor.isAdmin, managed, sessionId: q('session'), seriesId: q('series') });
    const rules = rows.map((r) => RuleSchema.safeParse(r.rule).data ?? ({ kind: 'manual' } as Rule));
    const sentence = await ruleNames(rules, String(res.locals.locale), t);
    res.render('badges/list', {
      title: t('badges.list.title'),
      filtered: Boolean(q('session') || q('series')),
      // From a session's or a series' page: "create a badge" starts with that session or series chosen.
      newFor: q('session') ? { kind: 'session', id: q('session') } : q('series') ? { kind: 'series', id: q('series') } : null,
      badges: rows.map((r, i) => ({ id: r.id, name: r.name, rule: sentence(rules[i]!), awards: plural(t, String(res.locals.locale), 'badges.list.awards', r.awards), scope: t(r.contextRef ? 'badges.list.scope_course' : 'badges.list.scope_academie'), archived: r.archived, manageable: canManageWith(actor, r, new Set(managed)) })),
      done: typeof req.query.done === 'string' && /^[a-z_]{1,30}$/.test(req.query.done) ? t(`badges.done.${req.query.done}`) : null,
    });
  });

  app.get('/organiser/badges/new', ctx.allow.organiserOfCourse(), (req, res) => {
    // A suggestion only: the form offers the actor's own sessions and series, and the post checks the choice.
    const id = (k: string) => (typeof req.query[k] === 'string' && /^[0-9a-f-]{36}$/i.test(req.query[k] as string) ? (req.query[k] as string) : undefined);
    const session = id('session');
    const series = id('series');
    const prefill: Record<string, string> = session ? { rule_kind: 'session-completed', session_id: session } : series ? { rule_kind: 'sessions-count', series_id: series } : {};
    return renderForm(res, 200, undefined, undefined, {}, prefill);
  });
  app.post('/organiser/badges/new', ctx.allow.organiserOfCourse(), async (req, res) => {
    try {
      const file = await readForm(req, res);
      const form = BadgeFormSchema.safeParse(req.body ?? {});
      if (!form.success) throw new ValidationError('Invalid badge', form.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
      const badge = await createBadgeClass(deps, actorOf(res), form.data, file);
      res.redirect(303, `/organiser/badges/${badge.id}?done=created`);
    } catch (err) {
      await onInvalid(err, res, (errors) => renderForm(res, 400, undefined, req.body as Body, errors));
    }
  });

  app.get('/organiser/badges/:id', ctx.allow.organiserOfCourse(), async (req, res) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const locale = String(res.locals.locale);
    const badge = await loadManageable(deps, actor, String(req.params.id));
    const rule = RuleSchema.safeParse(badge.rule).data ?? ({ kind: 'manual' } as Rule);
    // The session's organisers see (and award) its participants of every course; others their course's people.
    const session = (await managesBadgeSession(deps.db, actor, badge)) ? badge.sessionId : null;
    const [awards, coursePeople, sessionPeople, sentence] = await Promise.all([
      listAwardsOfClass(deps.db, badge.id, { contextRef: actor.contextRef, all: actor.isAdmin, session }),
      actor.contextRef ? listCoursePeople(deps.db, actor.contextRef) : Promise.resolve([]),
      session ? listSessionPeople(deps.db, session) : Promise.resolve([]),
      ruleNames([rule], locale, t),
    ]);
    const people = [...new Map([...coursePeople, ...sessionPeople].map((p) => [p.id, p])).values()].sort((a, b) => (a.name ?? '\uffff').localeCompare(b.name ?? '\uffff', locale));
    res.render('badges/detail', {
      title: badge.name,
      badge: { id: badge.id, name: badge.name, description: badge.description, criteria: badge.criteria, rule: sentence(rule), archived: badge.archived, image: `/badges/classes/${badge.id}/image` },
      awards: awards.map((a) => ({
        id: a.id,
        who: a.inCourse ? (a.name ?? t('badges.detail.unnamed')) : t('badges.detail.other_course'),
        issued: parisDate(a.issuedOn, locale),
        how: a.method === 'manual' ? t('badges.detail.by_hand', { reason: a.reason ?? '' }) : t('badges.detail.automatic'),
        revoked: a.revokedAt ? t('badges.detail.revoked', { date: parisDate(a.revokedAt, locale), reason: a.revocationReason ?? '' }) : null,
        canRevoke: !a.revokedAt && a.inCourse,
      })),
      people: [{ value: '', label: t('badges.form.choose') }, ...people.map((p) => ({ value: p.id, label: p.name ?? t('badges.detail.unnamed') }))],
      awardErrors: typeof req.query.error === 'string' && /^[a-z_]{1,30}$/.test(req.query.error) ? t(`badges.errors.${req.query.error}`) : null,
      done: typeof req.query.done === 'string' && /^[a-z_]{1,30}$/.test(req.query.done) ? t(`badges.done.${req.query.done}`) : null,
    });
  });

  app.get('/organiser/badges/:id/edit', ctx.allow.organiserOfCourse(), async (req, res) => renderForm(res, 200, await loadManageable(deps, actorOf(res), String(req.params.id))));
  app.post('/organiser/badges/:id/edit', ctx.allow.organiserOfCourse(), async (req, res) => {
    const badge = await loadManageable(deps, actorOf(res), String(req.params.id));
    try {
      const file = await readForm(req, res);
      const form = BadgeFormSchema.safeParse(req.body ?? {});
      if (!form.success) throw new ValidationError('Invalid badge', form.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
      await editBadgeClass(deps, actorOf(res), badge.id, form.data, file);
      res.redirect(303, `/organiser/badges/${badge.id}?done=saved`);
    } catch (err) {
      await onInvalid(err, res, (errors) => renderForm(res, 400, badge, req.body as Body, errors));
    }
  });

  app.post('/organiser/badges/:id/archive', ctx.allow.organiserOfCourse(), async (req, res) => {
    const archived = str(req.body as Body, 'archived') !== 'no';
    await setArchived(deps, actorOf(res), String(req.params.id), archived);
    res.redirect(303, `/organiser/badges/${String(req.params.id)}?done=${archived ? 'archived' : 'restored'}`);
  });

  app.post('/organiser/badges/:id/award', ctx.allow.organiserOfCourse(), async (req, res) => {
    const id = String(req.params.id);
    await loadManageable(deps, actorOf(res), id);
    const parsed = ManualAwardSchema.safeParse(req.body ?? {});
    if (!parsed.success) return res.redirect(303, `/organiser/badges/${id}?error=${parsed.error.issues.some((i) => i.path[0] === 'reason') ? 'reason_required' : 'person_required'}`);
    await awardByHand(deps, actorOf(res), id, { userId: parsed.data.user_id, reason: parsed.data.reason }, String(res.locals.locale));
    res.redirect(303, `/organiser/badges/${id}?done=awarded`);
  });

  app.post('/organiser/badges/:id/awards/:awardId/revoke', ctx.allow.organiserOfCourse(), async (req, res) => {
    const id = String(req.params.id);
    await loadManageable(deps, actorOf(res), id);
    const parsed = RevokeSchema.safeParse(req.body ?? {});
    if (!parsed.success) return res.redirect(303, `/organiser/badges/${id}?error=reason_required`);
    await revoke(deps, actorOf(res), id, String(req.params.awardId), parsed.data.reason);
    res.redirect(303, `/organiser/badges/${id}?done=revoked`);
  });
}
