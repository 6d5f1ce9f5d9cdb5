import type { Actor } from '../lti';
import type { Db } from '../platform/db/client';
import { ForbiddenError, NotFoundError } from '../platform/errors';
import * as repo from './dashboard.repo';
import type { Filters, FiltersInput } from './dashboard.schema';
import { LEVEL_MAX } from './dashboard.vocabulary';
import { isEmerging, pairedEffectFromSummary, trend, type PairedEffect } from './stats';

/**
 * Dashboard use cases. Each starts with the access check (admins: every course; other organisers: their
 * own course only), then applies the privacy rule: no figure computed from fewer than `minGroup` distinct
 * people (`minGroupText` for free text), whatever the filters; suppressed figures are null.
 */

export interface Privacy {
  minGroup: number;
  minGroupText: number;
}

export interface DashboardDeps {
  db: Db;
  now: Date;
  privacy: Privacy;
}

/** A figure hidden below the threshold: null. */
const atLeast = (n: number, min: number) => n >= min;
const rate = (num: number, den: number, min: number) => (den >= min ? num / den : null);

/** Resolves URL filters against the clock and the actor's courses; 403 for another course. */
export async function resolveFilters(deps: DashboardDeps, actor: Actor, input: FiltersInput): Promise<Filters> {
  const today = new Date(Date.UTC(deps.now.getUTCFullYear(), deps.now.getUTCMonth(), deps.now.getUTCDate()));
  const until = input.to ? new Date(Date.parse(`${input.to}T00:00:00Z`) + 86_400_000) : new Date(today.getTime() + 86_400_000);
  const from = input.from ? new Date(`${input.from}T00:00:00Z`) : new Date(until.getTime() - 365 * 86_400_000);
  const previousFrom = new Date(from.getTime() - (until.getTime() - from.getTime()));
  let courses: string[] | undefined;
  if (!actor.isAdmin) {
    if (!actor.contextId) throw new ForbiddenError('An organiser sees the dashboards of their own course');
    courses = await repo.courseKeysFor(deps.db, actor.issuer, actor.contextId);
    if (input.course !== undefined && !courses.includes(input.course)) throw new ForbiddenError('This course is not yours');
  }
  if (input.course !== undefined) courses = [input.course];
  let session: string | undefined;
  if (input.session !== undefined) {
    const found = await repo.findSessionKey(deps.db, input.session);
    if (!found) throw new NotFoundError('Unknown session', { messageKey: 'dashboard.unknown_session' });
    session = found.key;
  }
  return { from, until, previousFrom, series: input.series, courses, service: input.service, session };
}

const windows = (f: Filters) => ({ current: { from: f.from, until: f.until }, previous: { from: f.previousFrom, until: f.from } });

export interface Compared {
  current: number | null;
  previous: number | null;
  trend: number | null;
}
const compare = (current: number | null, previous: number | null): Compared => ({ current, previous, trend: trend(current, previous) });

/** Overview: headline figures against the previous window, reach by service, months, sessions. */
export async function overview(deps: DashboardDeps, f: Filters) {
  const min = deps.privacy.minGroup;
  const w = windows(f);
  const [cur, prev, services, previousServices, months, sessions] = await Promise.all([
    repo.kpis(deps.db, f, w.current),
    repo.kpis(deps.db, f, w.previous),
    repo.reachByService(deps.db, f, w.current),
    repo.reachByService(deps.db, f, w.previous),
    repo.attendanceByMonth(deps.db, f, w.current),
    repo.sessionRows(deps.db, f, w.current),
  ]);
  if (!atLeast(cur.people, min)) return { tooFew: true as const, people: cur.people };
  const figures = (k: repo.Kpis) => {
    const ok = atLeast(k.people, min);
    return {
      sessionsHeld: ok ? k.sessionsHeld : null,
      attendees: ok && atLeast(k.attendees, min) ? k.attendees : null,
      attendanceRate: ok ? rate(k.attendedRows, k.registrations, min) : null,
      completionRate: ok && atLeast(k.attendees, min) ? rate(k.completedRows, k.attendedRows, min) : null,
      satisfaction: ok && atLeast(k.ratingPeople, min) && k.satisfaction !== null ? k.satisfaction * 5 : null,
    };
  };
  const c = figures(cur);
  const p = figures(prev);
  // Services under the threshold are pooled; the pool is shown only if it reaches the threshold itself.
  const shown = services.filter((s) => atLeast(s.people, min));
  const pooled = services.filter((s) => !atLeast(s.people, min));
  const pooledPeople = pooled.reduce((a, s) => a + s.people, 0);
  return {
    tooFew: false as const,
    people: cur.people,
    kpis: {
      sessionsHeld: compare(c.sessionsHeld, p.sessionsHeld),
      attendees: compare(c.attendees, p.attendees),
      attendanceRate: compare(c.attendanceRate, p.attendanceRate),
      completionRate: compare(c.completionRate, p.completionRate),
      satisfaction: compare(c.satisfaction, p.satisfaction),
    },
    services: shown.map((x) => {
      const before = previousServices.find((p) => p.service === x.service)?.people ?? 0;
      return { ...x, previous: atLeast(before, min) ? before : null };
    }),
    pooledServices: { count: pooled.length, people: pooled.length && atLeast(pooledPeople, min) ? pooledPeople : null },
    months: months.map((m) => ({ month: m.month, people: atLeast(m.people, min) ? m.people : null })),
    sessions: sessions.map((s) => {
      const ok = atLeast(s.attendees, min);
      return {
        sessionKey: s.sessionKey,
        title: s.title,
        firstAt: s.firstAt,
        attendees: ok ? s.attendees : null,
        completionRate: ok ? rate(s.completed, s.attendees, min) : null,
        satisfaction: atLeast(s.ratingPeople, min) && s.satisfaction !== null ? s.satisfaction * 5 : null,
      };
    }),
  };
}

export interface GainFigures {
  competence: string;
  kind: 'prospective' | 'retrospective';
  n: number;
  excludedAtMax: number;
  averageOfGains: number | null;
  gainOfAverages: number | null;
  bands: { negative: number; low: number; medium: number; high: number };
  effect: PairedEffect;
}

function gains(rows: repo.PairSummary[], min: number): GainFigures[] {
  return rows
    .filter((r) => atLeast(r.pairs, min))
    .map((r) => ({
      competence: r.competence,
      kind: r.kind,
      n: r.pairs,
      excludedAtMax: r.excludedAtMax,
      averageOfGains: r.avgGain,
      gainOfAverages: r.meanPre === null || r.meanPost === null ? null : (r.meanPost - r.meanPre) / (LEVEL_MAX - r.meanPre),
      bands: { negative: r.negative, low: r.low, medium: r.medium, high: r.high },
      effect: pairedEffectFromSummary(r.pairs + r.excludedAtMax, r.meanDiff, r.sdDiff),
    }));
}

/** One session: attendance, resources, quiz items, self-positioning, gains and effect sizes, D+30 transfer. */
export async function sessionDashboard(deps: DashboardDeps, filters: Filters, sessionKey: string) {
  const min = deps.privacy.minGroup;
  const f = { ...filters, session: sessionKey };
  const w = windows(f).current;
  const k = await repo.kpis(deps.db, f, w);
  if (!atLeast(k.people, min)) return { tooFew: true as const, people: k.people };
  const [resources, itemRows, pairs, bands, fu] = await Promise.all([
    repo.resourceOpens(deps.db, f, w),
    repo.items(deps.db, f, w),
    repo.pairSummaries(deps.db, f, w, LEVEL_MAX),
    repo.bandCounts(deps.db, f, w),
    repo.followups(deps.db, f, w),
  ]);
  return {
    tooFew: false as const,
    people: k.people,
    attendance: {
      launched: k.people,
      attendees: atLeast(k.attendees, min) ? k.attendees : null,
      attendanceRate: rate(k.attendedRows, k.registrations, min),
      completionRate: atLeast(k.attendees, min) ? rate(k.completedRows, k.attendedRows, min) : null,
      satisfaction: atLeast(k.ratingPeople, min) && k.satisfaction !== null ? k.satisfaction * 5 : null,
    },
    resources: resources.map((r) => ({ title: r.title, people: atLeast(r.people, min) ? r.people : null })),
    items: itemRows.map((i) => ({
      question: i.question,
      answered: atLeast(i.answered, min) ? i.answered : null,
      successRate: rate(i.succeeded, i.answered, min),
      confidentErrorRate: i.withCertainty ? rate(i.confidentErrors, i.withCertainty, min) : null,
    })),
    bands: bands.map((b) => ({ ...b, people: atLeast(b.people, min) ? b.people : null })),
    gains: gains(pairs, min),
    hiddenGains: pairs.filter((r) => !atLeast(r.pairs, min)).length,
    followup: {
      responseRate: rate(fu.responded, fu.attendees, min),
      transferRate: rate(fu.used, fu.responded, min),
      respondents: atLeast(fu.responded, min) ? fu.responded : null,
      obstacles: atLeast(fu.responded, min) ? fu.obstacles.map((o) => ({ obstacle: o.obstacle, people: atLeast(o.people, min) ? o.people : null })) : [],
    },
  };
}

/** The 16 CRCN competences: sessions covering each, pooled gains, and Borich ranking of gaps. */
export async function competences(deps: DashboardDeps, f: Filters, codes: string[]) {
  const min = deps.privacy.minGroup;
  const w = windows(f).current;
  const k = await repo.kpis(deps.db, f, w);
  if (!atLeast(k.people, min)) return { tooFew: true as const, people: k.people };
  const [covering, pairs, gaps] = await Promise.all([repo.sessionsPerCompetence(deps.db, f, w), repo.pairSummaries(deps.db, f, w, LEVEL_MAX), repo.borich(deps.db, f, w)]);
  const g = gains(pairs.filter((p) => p.kind === 'prospective'), min);
  const rows = codes.map((code) => {
    const gain = g.find((x) => x.competence === code);
    const gap = gaps.find((x) => x.competence === code && atLeast(x.people, min));
    return {
      code,
      sessions: covering.get(code) ?? 0,
      n: gain?.n ?? null,
      averageOfGains: gain?.averageOfGains ?? null,
      effect: gain?.effect ?? null,
      borich: gap ? gap.meanGap * gap.meanTarget : null,
      borichPeople: gap?.people ?? null,
    };
  });
  const ranking = rows.filter((r) => r.borich !== null).sort((a, b) => b.borich! - a.borich! || a.code.localeCompare(b.code));
  return { tooFew: false as const, people: k.people, rows, ranking, targets: await repo.listTargets(deps.db), jobFamilies: await repo.jobFamilies(deps.db) };
}

export const EMERGING_RATIO = 1.5;

/** Needs in distinct people against the previous window; free text needs the higher threshold. */
export async function emergingNeeds(deps: DashboardDeps, f: Filters, offersContext: string | null | undefined) {
  const [rows, offerRows] = await Promise.all([repo.needs(deps.db, f, windows(f).current, f.previousFrom), repo.offers(deps.db, windows(f).current, offersContext)]);
  const minFor = (type: string) => (type === 'free-text' ? deps.privacy.minGroupText : deps.privacy.minGroup);
  const visible = rows
    .filter((r) => atLeast(r.current, minFor(r.type)))
    .map((r) => {
      const min = minFor(r.type);
      const previous = atLeast(r.previous, min) ? r.previous : null;
      return { ...r, previous, trend: trend(r.current, previous), emerging: isEmerging(r.current, previous ?? 0, min, EMERGING_RATIO) };
    });
  const offers = offerRows.map((o) => ({ tool: o.tool, people: atLeast(o.people, deps.privacy.minGroup) ? o.people : null }));
  return { needs: visible, hidden: rows.length - visible.length, offers };
}
