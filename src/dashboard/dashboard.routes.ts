import type { Express, Request, Response } from 'express';
import { actorOf, canSeeContext, requireOrganiser, type Actor } from '../lti';
import type { AppContext } from '../platform/context';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import { validate, input } from '../platform/http';
import type { Translate } from '../platform/i18n';
import { CRCN } from './crcn';
import * as repo from './dashboard.repo';
import { FiltersSchema, TargetSchema, type Filters, type FiltersInput } from './dashboard.schema';
import * as service from './dashboard.service';
import { presentCompetences, presentFilters, presentNeeds, presentOverview, presentSession, toCsv, type Fmt, type Kpi, type Section } from './dashboard.present';
import { catchUp } from './rollup.service';

type Page = 'overview' | 'session' | 'competences' | 'needs';

/** Organiser dashboards: overview, session, competences, emerging needs; CSV of every table. */
export function mountDashboard(app: Express, ctx: AppContext): void {
  ctx.jobs.register('dashboard-rollup', ctx.config.worker.intervalMs, () => catchUp(ctx.db));
  const deps = () => ({ db: ctx.db, now: ctx.clock.now(), privacy: ctx.config.privacy });

  /** Checks the actor, parses the filters; invalid filters render the page with the message (400). */
  async function prepare(req: Request, res: Response, page: Page): Promise<{ actor: Actor; raw: Partial<FiltersInput>; filters: Filters } | undefined> {
    const actor = actorOf(res);
    if (!actor.isAdmin && !canSeeContext(actor, actor.contextRef)) throw new ForbiddenError('An organiser sees the dashboards of their own course');
    const parsed = FiltersSchema.safeParse(req.query);
    const t = res.locals.t as Translate;
    if (!parsed.success) {
      const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Partial<FiltersInput>;
      const errors = parsed.error.issues.map((i) => (i.message.startsWith('dashboard.') ? t(i.message) : t('dashboard.filter_unknown', { name: i.path.join('.') || String((i as { keys?: string[] }).keys?.join(', ') ?? '') })));
      await render(res, actor, page, raw, { errors }, 400);
      return undefined;
    }
    const filters = await service.resolveFilters(deps(), actor, parsed.data);
    if (parsed.data.format !== 'csv') {
      const choices = choicesOf(actor);
      choices.catch(() => undefined);
      pendingChoices.set(res, choices);
    }
    return { actor, raw: parsed.data, filters };
  }

  /** The filter form's choices, started early so that they load while the figures are computed. */
  const choicesOf = async (actor: Actor) => repo.filterChoices(ctx.db, actor.isAdmin ? undefined : await repo.courseKeysFor(ctx.db, actor.issuer, actor.contextId ?? ''));
  const pendingChoices = new WeakMap<Response, ReturnType<typeof choicesOf>>();

  async function render(res: Response, actor: Actor, page: Page, raw: Partial<FiltersInput>, body: { errors?: string[]; notice?: string; kpis?: Kpi[]; sections?: Section[]; heading?: string; targets?: unknown }, status = 200) {
    const t = res.locals.t as Translate;
    const choices = await (pendingChoices.get(res) ?? choicesOf(actor));
    const qs = (extra: Record<string, string>) => queryString({ ...raw, ...extra });
    res.status(status).render('dashboard/page', {
      title: body.heading ?? t(`dashboard.title_${page}`),
      heading: body.heading ?? t(`dashboard.title_${page}`),
      tabs: (['overview', 'competences', 'needs'] as const).map((p) => ({ href: `/organiser/dashboard${p === 'overview' ? '' : `/${p}`}${qs({})}`, label: t(`dashboard.title_${p}`), current: p === page })),
      filters: presentFilters(t, raw, choices),
      privacy: t('dashboard.privacy_notice', { n: ctx.config.privacy.minGroup, text: ctx.config.privacy.minGroupText }),
      minGroup: ctx.config.privacy.minGroup,
      ...body,
      scripts: ['/assets/vendor/chart.js/chart.umd.js', '/assets/js/dashboard.js'],
    });
  }

  function fmt(req: Request, res: Response, raw: Partial<FiltersInput>): Fmt {
    return {
      t: res.locals.t as Translate,
      locale: res.locals.locale as string,
      minGroup: ctx.config.privacy.minGroup,
      minGroupText: ctx.config.privacy.minGroupText,
      url: (params) => `${req.path}${queryString({ ...raw, format: undefined, table: undefined, ...params })}`,
    };
  }

  /** Answers with the page, or with the CSV of one of its tables. */
  async function respond(req: Request, res: Response, actor: Actor, page: Page, raw: Partial<FiltersInput>, model: { kpis: Kpi[]; sections: Section[]; heading?: string; notice?: string; targets?: unknown }) {
    if (raw.format === 'csv') {
      const table = model.sections.map((s) => s.table).find((x) => x && x.id === raw.table);
      if (!table) throw new NotFoundError('No such table', { messageKey: 'dashboard.unknown_table' });
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="instants-${page}-${table.id}.csv"`);
      res.send(toCsv(table, res.locals.locale as string));
      return;
    }
    await render(res, actor, page, raw, model);
  }

  const tooFew = (res: Response, people: number) => (res.locals.t as Translate)('dashboard.too_few', { n: ctx.config.privacy.minGroup, people: people === 0 ? 0 : '' }).trim();

  app.get('/organiser/dashboard', requireOrganiser, async (req, res) => {
    const p = await prepare(req, res, 'overview');
    if (!p) return;
    const d = await service.overview(deps(), p.filters);
    const model = d.tooFew ? { kpis: [], sections: [], notice: tooFew(res, d.people) } : presentOverview(fmt(req, res, p.raw), d);
    await respond(req, res, p.actor, 'overview', p.raw, model);
  });

  app.get('/organiser/dashboard/sessions/:id', requireOrganiser, async (req, res) => {
    const p = await prepare(req, res, 'session');
    if (!p) return;
    const found = await repo.findSessionKey(ctx.db, String(req.params.id));
    if (!found) throw new NotFoundError('Unknown session', { messageKey: 'dashboard.unknown_session' });
    if (!p.actor.isAdmin && p.filters.courses !== undefined && !(await repo.sessionHasCourse(ctx.db, found.key, p.filters.courses))) throw new ForbiddenError('This session is not held in your course');
    const d = await service.sessionDashboard(deps(), p.filters, found.key);
    const heading = (res.locals.t as Translate)('dashboard.title_session_named', { title: found.title ?? found.key });
    const model = d.tooFew ? { kpis: [], sections: [], notice: tooFew(res, d.people), heading } : { ...presentSession(fmt(req, res, p.raw), d), heading };
    await respond(req, res, p.actor, 'session', p.raw, model);
  });

  app.get('/organiser/dashboard/competences', requireOrganiser, async (req, res) => {
    const p = await prepare(req, res, 'competences');
    if (!p) return;
    const d = await service.competences(deps(), p.filters, CRCN.map((c) => c.code));
    const targets = { competences: CRCN.map((c) => ({ value: c.code, label: `${c.code} ${c.title}` })), jobFamilies: d.tooFew ? [] : d.jobFamilies };
    const model = d.tooFew ? { kpis: [], sections: [], notice: tooFew(res, d.people), targets } : { ...presentCompetences(fmt(req, res, p.raw), d), targets };
    await respond(req, res, p.actor, 'competences', p.raw, model);
  });

  app.post('/organiser/dashboard/competences/targets', requireOrganiser, validate(TargetSchema), async (_req, res) => {
    const body = input(res, TargetSchema);
    await repo.upsertTarget(ctx.db, { competence: body.competence, jobFamily: body.jobFamily, level: body.level });
    res.redirect(303, '/organiser/dashboard/competences');
  });

  app.get('/organiser/dashboard/needs', requireOrganiser, async (req, res) => {
    const p = await prepare(req, res, 'needs');
    if (!p) return;
    const d = await service.emergingNeeds(deps(), p.filters, p.actor.isAdmin ? undefined : p.actor.contextRef);
    await respond(req, res, p.actor, 'needs', p.raw, presentNeeds(fmt(req, res, p.raw), d));
  });
}

function queryString(params: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (typeof v === 'string' && v !== '' && !(k === 'format' && v === 'html')) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
