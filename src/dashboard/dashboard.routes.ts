import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { actorOf, canSeeContext, type Actor } from '../lti';
import type { AppContext } from '../platform/context';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import { validate, input } from '../platform/http';
import type { Translate } from '../platform/i18n';
import { competences, emergingNeeds } from './answers.service';
import { presentCompetences, presentNeeds } from './answers.present';
import { CRCN } from './crcn';
import * as repo from './dashboard.repo';
import { FiltersSchema, TargetSchema, type Filters, type FiltersInput } from './dashboard.schema';
import * as service from './dashboard.service';
import { presentFilters, presentOverview, toCsv, type Fmt, type Kpi, type Section } from './dashboard.present';
import * as facts from './facts.repo';
import { periodLabel, periodsOf, schoolYearOf } from './periods';
import { catchUp } from './rollup.service';
import { sessionViewScope } from './session.access';
import { sessionDashboard } from './session.service';
import { presentSession } from './session.present';

type Page = 'overview' | 'session' | 'competences' | 'needs';

/** The session page takes no filter: a session is one fixed group of people, whatever the period. */
const SessionQuerySchema = z.object({ format: z.enum(['html', 'csv'], { error: 'dashboard.filter_format' }).default('html'), table: z.string().max(60).optional(), lang: z.string().optional() }).strict();

/** Organiser dashboards: overview, session, competences, emerging needs; CSV of every table. */
export function mountDashboard(app: Express, ctx: AppContext): void {
  ctx.jobs.register('dashboard-rollup', ctx.config.worker.intervalMs, () => catchUp(ctx.db));
  const memo = service.createMemo();
  const deps = async () => ({ db: ctx.db, now: ctx.clock.now(), privacy: ctx.config.privacy, memo: memo(await facts.dataVersion(ctx.db)) });
  const { minGroup, minGroupText } = ctx.config.privacy;

  const scopeOf = async (actor: Actor) => (actor.isAdmin ? undefined : await repo.courseKeysFor(ctx.db, actor.issuer, actor.contextId ?? ''));
  async function choicesOf(actor: Actor) {
    const courses = await scopeOf(actor);
    const [base, first, sessions] = await Promise.all([repo.filterChoices(ctx.db, courses), facts.firstSessionDate(ctx.db, courses), facts.sessionInfos(ctx.db, { from: new Date(0), until: new Date('9999-01-01'), courses })]);
    const now = schoolYearOf(ctx.clock.now());
    const years = Array.from({ length: Math.max(1, now - (first ? schoolYearOf(first) : now) + 1) }, (_, i) => now - i).slice(0, 6);
    return { ...base, periods: years.flatMap((y) => periodsOf(y)), sessions: sessions.slice(0, 1000).map((x) => ({ key: x.sessionKey, id: x.sessionId, title: x.title, heldAt: x.heldAt })) };
  }

  /** Checks the actor, parses the filters; invalid filters render the page with the message (400). */
  async function prepare(req: Request, res: Response, page: Page): Promise<{ actor: Actor; raw: Partial<FiltersInput>; filters: Filters } | undefined> {
    const actor = actorOf(res);
    if (!actor.isAdmin && !canSeeContext(actor, actor.contextRef)) throw new ForbiddenError('An organiser sees the dashboards of their own course');
    const parsed = FiltersSchema.safeParse(req.query);
    const t = res.locals.t as Translate;
    const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Partial<FiltersInput>;
    const fail = (errors: string[]) => render(req, res, actor, page, raw, undefined, { errors }, 400);
    if (!parsed.success) {
      await fail(parsed.error.issues.map((i) => (i.message.startsWith('dashboard.') ? t(i.message) : t('dashboard.filter_unknown', { name: i.path.join('.') || String((i as { keys?: string[] }).keys?.join(', ') ?? '') }))));
      return undefined;
    }
    const filters = await service.resolveFilters(await deps(), actor, parsed.data);
    // Answers pooled across sessions are shown by school year or term only (months would be too small).
    if (page !== 'overview' && filters.period.kind === 'month') {
      await fail([t('dashboard.filter_period_month')]);
      return undefined;
    }
    return { actor, raw: parsed.data, filters };
  }

  async function render(req: Request, res: Response, actor: Actor, page: Page, raw: Partial<FiltersInput>, filters: Filters | undefined, body: { errors?: string[]; notice?: string; kpis?: Kpi[]; sections?: Section[]; heading?: string; targets?: unknown }, status = 200) {
    const t = res.locals.t as Translate;
    const f = fmt(req, res, raw);
    const choices = page === 'session' ? undefined : await choicesOf(actor);
    const qs = (extra: Record<string, string>) => queryString({ ...raw, ...extra });
    const current = filters?.period;
    res.status(status).render('dashboard/page', {
      title: body.heading ?? t(`dashboard.title_${page}`),
      heading: body.heading ?? t(`dashboard.title_${page}`),
      tabs: (['overview', 'competences', 'needs'] as const).map((p) => ({ href: `/organiser/dashboard${p === 'overview' ? '' : `/${p}`}${qs({ format: '', table: '' })}`, label: t(`dashboard.title_${p}`), current: p === page })),
      filters: choices && current ? presentFilters(f, raw, current, choices, { months: page === 'overview' }) : choices ? presentFilters(f, raw, choices.periods[0]!, choices, { months: page === 'overview' }) : undefined,
      periodName: current ? periodLabel(current, t, f.locale) : undefined,
      privacy: t('dashboard.privacy_notice', { n: minGroup, text: minGroupText }),
      minGroup,
      ...body,
      scripts: ['/assets/vendor/chart.js/chart.umd.js', '/assets/js/dashboard.js'],
    });
  }

  function fmt(req: Request, res: Response, raw: Partial<FiltersInput>): Fmt {
    return { t: res.locals.t as Translate, locale: res.locals.locale as string, minGroup, minGroupText, url: (params) => `${req.path}${queryString({ ...raw, format: undefined, table: undefined, ...params })}` };
  }

  /** Answers with the page, or with the CSV of one of its tables. */
  async function respond(req: Request, res: Response, actor: Actor, page: Page, raw: Partial<FiltersInput>, filters: Filters | undefined, model: { kpis: Kpi[]; sections: Section[]; heading?: string; notice?: string; targets?: unknown }) {
    if (raw.format === 'csv') {
      const table = model.sections.map((s) => s.table).find((x) => x && x.id === raw.table);
      if (!table) throw new NotFoundError('No such table', { messageKey: 'dashboard.unknown_table' });
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="instants-${page}-${table.id}.csv"`);
      res.send(toCsv(table, res.locals.locale as string));
      return;
    }
    await render(req, res, actor, page, raw, filters, model);
  }

  /** The notice for a view of too few people; the hint to widen it only when a filter narrows it. */
  const tooFew = (res: Response, f: Filters | undefined) => {
    const t = res.locals.t as Translate;
    const filtered = f !== undefined && (f.dim !== 'all' || f.period.kind !== 'year');
    return `${t('dashboard.too_few', { n: minGroup })}${filtered ? ` ${t('dashboard.too_few_hint')}` : ''}`;
  };

  app.get('/organiser/dashboard', ctx.allow.organiserOfCourse(), async (req, res) => {
    const p = await prepare(req, res, 'overview');
    if (!p) return;
    const d = await service.overview(await deps(), p.filters);
    const model = d.tooFew ? { kpis: [], sections: [], notice: tooFew(res, p.filters) } : presentOverview(fmt(req, res, p.raw), d);
    await respond(req, res, p.actor, 'overview', p.raw, p.filters, model);
  });

  /** The session chooser of the filter form: a plain GET form, so it works without JavaScript. */
  app.get('/organiser/dashboard/sessions', ctx.allow.organiserOfCourse(), (req, res) => {
    const id = typeof req.query.id === 'string' ? req.query.id.slice(0, 500) : '';
    if (!id) throw new NotFoundError('No session chosen', { messageKey: 'dashboard.unknown_session' });
    res.redirect(303, `/organiser/dashboard/sessions/${encodeURIComponent(id)}`);
  });

  app.get('/organiser/dashboard/sessions/:id', ctx.allow.organiserOfCourse(), async (req, res) => {
    const actor = actorOf(res);
    const t = res.locals.t as Translate;
    const parsed = SessionQuerySchema.safeParse(req.query);
    const raw = (parsed.success ? parsed.data : {}) as Partial<FiltersInput>;
    if (!parsed.success) {
      await render(req, res, actor, 'session', {}, undefined, { errors: [t('dashboard.session_no_filters')] }, 400);
      return;
    }
    const id = String(req.params.id);
    const found = await repo.findSessionKey(ctx.db, id);
    if (!found) {
      // A session of the catalogue that nobody has attended yet: an empty state, not a 404.
      const planned = await repo.catalogSession(ctx.db, id);
      if (!planned) throw new NotFoundError('Unknown session', { messageKey: 'dashboard.unknown_session' });
      await sessionViewScope(ctx.db, actor, { catalogueId: id, key: null });
      await render(req, res, actor, 'session', raw, undefined, { heading: t('dashboard.title_session_named', { title: planned.title }), notice: t('dashboard.session_no_data') });
      return;
    }
    const { courses } = await sessionViewScope(ctx.db, actor, { catalogueId: found.sessionId, key: found.key });
    const d = await sessionDashboard(await deps(), found.key, courses);
    const date = await facts.sessionDate(ctx.db, found.key);
    const heading = t('dashboard.title_session_named', { title: `${found.title ?? found.key}${date ? ` (${new Intl.DateTimeFormat(res.locals.locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(date)})` : ''}` });
    const model = d.tooFew ? { kpis: [], sections: [], notice: tooFew(res, undefined), heading } : { ...presentSession(fmt(req, res, raw), d), heading };
    await respond(req, res, actor, 'session', raw, undefined, model);
  });

  app.get('/organiser/dashboard/competences', ctx.allow.organiserOfCourse(), async (req, res) => {
    const p = await prepare(req, res, 'competences');
    if (!p) return;
    const d = await competences(await deps(), { period: p.filters.period, dim: p.filters.dim, value: p.filters.value, courses: p.filters.courses }, CRCN.map((c) => c.code));
    // Competence targets by job family apply to the whole académie: only administrators get the form.
    const targets = !p.actor.isAdmin ? undefined : { competences: CRCN.map((c) => ({ value: c.code, label: `${c.code} ${c.title}` })), jobFamilies: await repo.jobFamilies(ctx.db) };
    const model = d.tooFew ? { kpis: [], sections: [], notice: tooFew(res, p.filters), targets } : { ...presentCompetences(fmt(req, res, p.raw), d), targets };
    await respond(req, res, p.actor, 'competences', p.raw, p.filters, model);
  });

  app.post('/organiser/dashboard/competences/targets', ctx.allow.admin(), validate(TargetSchema), async (_req, res) => {
    const body = input(res, TargetSchema);
    await repo.upsertTarget(ctx.db, { competence: body.competence, jobFamily: body.jobFamily, level: body.level });
    res.redirect(303, '/organiser/dashboard/competences');
  });

  app.get('/organiser/dashboard/needs', ctx.allow.organiserOfCourse(), async (req, res) => {
    const p = await prepare(req, res, 'needs');
    if (!p) return;
    const d = await emergingNeeds(await deps(), { period: p.filters.period, dim: p.filters.dim, value: p.filters.value, courses: p.filters.courses }, p.actor.isAdmin ? undefined : p.actor.contextRef);
    await respond(req, res, p.actor, 'needs', p.raw, p.filters, presentNeeds(fmt(req, res, p.raw), d));
  });
}

function queryString(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string' && v !== '' && !(k === 'format' && v === 'html')) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
