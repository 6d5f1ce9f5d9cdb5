import type { Actor } from '../lti';
import type { Db } from '../platform/db/client';
import { ForbiddenError } from '../platform/errors';
import * as repo from './dashboard.repo';
import type { Filters, FiltersInput } from './dashboard.schema';
import { releaseMean } from './disclosure';
import * as facts from './facts.repo';
import { monthsOf, parsePeriod, periodsOf, previousPeriod, schoolYearOf, yearPeriod, type Period } from './periods';
import { trend } from './stats';
import { countByView, inView, protectUniverse, viewId, viewsOf, type Located } from './universe';

/**
 * Dashboard use cases. Each starts with the access check (admins: every course; other organisers: their
 * own course only); every figure then goes through the disclosure layer (disclosure.ts, universe.ts):
 * presenters get released figures, null where hidden, never a raw count.
 */

export interface Privacy {
  minGroup: number;
  minGroupText: number;
}

export interface DashboardDeps {
  db: Db;
  now: Date;
  privacy: Privacy;
  /** Computes once per key and data version (see `createMemo`): every view of a school year is protected together. */
  memo: <T>(key: string, compute: () => Promise<T>) => Promise<T>;
}

/**
 * A small cache of released universes, keyed by what they depend on: the result is a function of the data,
 * so any instance computes the same and none needs another's cache. `version` is read once per request.
 * Only the latest data version's entries are kept: a universe of an older version is never asked for
 * again, and at an académie's scale one holds tens of megabytes (48 stale ones exhausted a 4 GB heap at
 * 1,000,000 statements: bench/dashboard-pages.ts).
 */
export function createMemo(size = 48) {
  const entries = new Map<string, { version: string; value: Promise<unknown> }>();
  let latest: string | undefined;
  return (version: string) =>
    <T>(key: string, compute: () => Promise<T>): Promise<T> => {
      if (version !== latest) {
        latest = version;
        for (const [k, e] of entries) if (e.version !== version) entries.delete(k);
      }
      const k = `${version}\u0000${key}`;
      let hit = entries.get(k)?.value as Promise<T> | undefined;
      if (!hit) {
        hit = compute();
        hit.catch(() => entries.delete(k));
        entries.set(k, { version, value: hit });
        while (entries.size > size) entries.delete(entries.keys().next().value as string);
      }
      return hit;
    };
}

/** Resolves URL filters against the clock and the actor's courses; 403 for another course. */
export async function resolveFilters(deps: DashboardDeps, actor: Actor, input: FiltersInput): Promise<Filters> {
  const period = (input.period ? parsePeriod(input.period) : undefined) ?? yearPeriod(schoolYearOf(deps.now));
  let courses: string[] | undefined;
  if (!actor.isAdmin) {
    if (!actor.contextId) throw new ForbiddenError('An organiser sees the dashboards of their own course');
    courses = await repo.courseKeysFor(deps.db, actor.issuer, actor.contextId);
    if (input.course !== undefined && !courses.includes(input.course)) throw new ForbiddenError('This course is not yours');
  }
  if (input.course !== undefined) courses = [input.course];
  const [dim, value] = input.series !== undefined ? (['series', input.series] as const) : input.service !== undefined ? (['service', input.service] as const) : input.job !== undefined ? (['job', input.job] as const) : (['all', ''] as const);
  return { period, courses, dim, value };
}

export interface Compared {
  current: number | null;
  previous: number | null;
  trend: number | null;
}
const compare = (current: number | null, previous: number | null): Compared => ({ current, previous, trend: trend(current, previous) });

interface Att extends Located {
  attended: boolean;
  completed: boolean;
}

/** Every overview figure of one view, from the released attendance universe of its school year. */
/** The attendance universe of a school year for a scope: every view's attendees, protected together. */
function attendanceUniverse(deps: DashboardDeps, schoolYear: number, courses: string[] | undefined) {
  return deps.memo(`attendance|${schoolYear}|${JSON.stringify(courses ?? null)}`, async () => {
    const min = deps.privacy.minGroup;
    const year = yearPeriod(schoolYear);
    const scope = { from: year.from, until: year.until, courses };
    const [rows, ratings, sessions] = await Promise.all([facts.participationRows(deps.db, scope), facts.ratingRows(deps.db, scope), facts.sessionInfos(deps.db, scope)]);
    const views = viewsOf(periodsOf(schoolYear), rows);
    const attended: Att[] = rows.filter((r) => r.attended);
    const pop = countByView(views, rows, () => ['people']);
    const closed = new Set(views.filter((v) => (pop.get(v.id)?.get('people') ?? 0) < min).map((v) => v.id));
    // Attendance without a people filter is what organisers see by name on their sessions' participants pages.
    const known = new Set(views.filter((v) => v.dim === 'all' || v.dim === 'series').map((v) => v.id));
    const u = protectUniverse({ views, counts: countByView(views, attended, () => ['attendees']), positions: ['attendees'], min: () => min, closed, known });
    return { rows, ratings, sessions, views, pop, closed, u };
  });
}

async function overviewOf(deps: DashboardDeps, f: Filters, period: Period) {
  const min = deps.privacy.minGroup;
  const { rows, ratings, sessions, views, pop, closed, u } = await attendanceUniverse(deps, period.schoolYear, f.courses);
  const id = viewId(period, f.dim, f.value);
  const view = views.find((v) => v.id === id);
  const people = pop.get(id)?.get('people') ?? 0;
  if (!view || closed.has(id)) return { tooFew: true as const, people, universe: u.released };
  const mine = rows.filter((r) => inView(view, r));
  const attendees = u.get(id, 'attendees');
  const rated = new Map(ratings.map((r) => [`${r.sessionKey}\u0000${r.actor}`, r.scaled * 5]));
  const ratingsOf = (pred: (r: Located) => boolean) => rows.filter(pred).map((r) => rated.get(`${r.sessionKey}\u0000${r.actor}`)).filter((x): x is number => x !== undefined);
  const meanOf = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const safeMean = (xs: number[]) => releaseMean(xs.length, meanOf(xs), { lo: 1, hi: 5 }, min);
  const sessionRows = sessions
    .filter((s) => mine.some((r) => r.sessionKey === s.sessionKey))
    .map((s) => {
      const own = mine.filter((r) => r.sessionKey === s.sessionKey);
      const att = own.filter((r) => r.attended);
      return { sessionKey: s.sessionKey, sessionId: s.sessionId, title: s.title, heldAt: s.heldAt, attendees: att.length, completionRate: att.length ? att.filter((r) => r.completed).length / att.length : null, satisfaction: safeMean(ratingsOf((r) => r.sessionKey === s.sessionKey)) };
    });
  const own = ratingsOf((r) => inView(view, r));
  let satisfaction = safeMean(own);
  // A mean is also the difference between wider views and this one: that difference must be safe too.
  const wider = views.filter((w) => w.id !== id && (w.dim === 'all' || (w.dim === view.dim && w.value === view.value)) && w.period.from <= period.from && w.period.until >= period.until);
  for (const w of wider) {
    const outer = ratingsOf((r) => inView(w, r));
    const n = outer.length - own.length;
    if (satisfaction !== null && n > 0 && releaseMean(n, (outer.reduce((a, b) => a + b, 0) - own.reduce((a, b) => a + b, 0)) / n, { lo: 1, hi: 5 }, min) === null) satisfaction = null;
  }
  const hiddenSessions = sessionRows.filter((s) => s.satisfaction === null).map((s) => s.sessionKey);
  const rest = ratingsOf((r) => inView(view, r) && hiddenSessions.includes(r.sessionKey));
  if (satisfaction !== null && rest.length && safeMean(rest) === null) satisfaction = null;
  const att = mine.filter((r) => r.attended);
  return {
    tooFew: false as const,
    people,
    view,
    universe: u.released,
    get: (viewIdent: string) => u.get(viewIdent, 'attendees'),
    kpis: {
      sessionsHeld: new Set(att.map((r) => r.sessionKey)).size,
      attendees,
      attendanceRate: attendees === null ? null : mine.length ? att.length / mine.length : null,
      completionRate: attendees === null || !att.length ? null : att.filter((r) => r.completed).length / att.length,
      satisfaction,
    },
    services: [...new Set(rows.map((r) => r.service))].sort().map((service) => ({ service, people: u.get(viewId(period, 'service', service), 'attendees') })),
    months: period.kind === 'month' ? [] : monthsOf(period.schoolYear).filter((m) => m.from >= period.from && m.until <= period.until).map((m) => ({ month: m, people: u.get(viewId(m, f.dim, f.value), 'attendees') })),
    sessions: sessionRows,
  };
}

/** Overview: headline figures against the previous period, reach by service, months, sessions. */
export async function overview(deps: DashboardDeps, f: Filters) {
  const cur = await overviewOf(deps, f, f.period);
  if (cur.tooFew) return cur;
  const prev = await overviewOf(deps, f, previousPeriod(f.period));
  const p = prev.tooFew ? undefined : prev;
  // No data at all in the previous period: nothing to compare (undefined), not a hidden figure.
  const previousService = (s: string) => (p ? p.get(viewId(previousPeriod(f.period), 'service', s)) : undefined);
  const k = cur.kpis;
  return {
    tooFew: false as const,
    people: cur.people,
    dim: f.dim,
    kpis: {
      sessionsHeld: compare(k.sessionsHeld, p?.kpis.sessionsHeld ?? null),
      attendees: compare(k.attendees, p?.kpis.attendees ?? null),
      attendanceRate: compare(k.attendanceRate, p?.kpis.attendanceRate ?? null),
      completionRate: compare(k.completionRate, p?.kpis.completionRate ?? null),
      satisfaction: compare(k.satisfaction, p?.kpis.satisfaction ?? null),
    },
    // By service only without a filter: a service within a series or job family would be a view of its own.
    services: f.dim === 'all' ? cur.services.map((s) => ({ ...s, previous: previousService(s.service) })) : [],
    months: cur.months,
    // Under a service or job family filter, the sessions that group attended are not listed.
    sessions: f.dim === 'service' || f.dim === 'job' ? null : cur.sessions,
    released: cur.universe,
  };
}
