import { protect } from '../dashboard';
import type { Actor } from '../lti';
import type { Clock } from '../platform/clock';
import type { DbOrTx } from '../platform/db/client';
import { countAwardsByMonth } from './badges.repo';

/**
 * Awards over time for the organisers' dashboards: awards per badge and month over the last twelve months,
 * through the dashboard's disclosure control (each award is one person: a small count could name them, and
 * académie-wide badges count people of every course).
 */
export interface AwardsOverTime {
  months: string[];
  rows: Array<{ id: string; name: string; cells: Array<number | null>; total: number | null }>;
  totals: Array<number | null>;
  total: number | null;
}

export async function awardsOverTime(deps: { db: DbOrTx; clock: Clock; minGroup: number }, actor: Actor): Promise<AwardsOverTime> {
  const now = deps.clock.now();
  const paris = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(now);
  const [y, m] = paris.split('-').map(Number) as [number, number];
  const months = Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 12 + i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
  const since = new Date(Date.UTC(y, m - 12, 0, 12));
  const rows = (await countAwardsByMonth(deps.db, since, { contextRef: actor.contextRef, all: actor.isAdmin })).filter((r) => months.includes(r.month));
  const badges = [...new Map(rows.map((r) => [r.badgeId, r.name])).entries()];
  const value = (b: string, month: string) => rows.find((r) => r.badgeId === b && r.month === month)?.awards ?? 0;
  const cells = [
    ...badges.flatMap(([b]) => months.map((month) => ({ id: `b:${b}:${month}`, value: value(b, month) }))),
    ...badges.map(([b]) => ({ id: `b:${b}`, value: months.reduce((n, month) => n + value(b, month), 0) })),
    ...months.map((month) => ({ id: `m:${month}`, value: badges.reduce((n, [b]) => n + value(b, month), 0) })),
    { id: 'all', value: rows.reduce((n, r) => n + r.awards, 0) },
  ];
  const relations = [
    ...badges.map(([b]) => ({ total: `b:${b}`, parts: months.map((month) => `b:${b}:${month}`) })),
    ...months.map((month) => ({ total: `m:${month}`, parts: badges.map(([b]) => `b:${b}:${month}`) })),
    { total: 'all', parts: badges.map(([b]) => `b:${b}`) },
    { total: 'all', parts: months.map((month) => `m:${month}`) },
  ];
  const released = protect(cells, relations, { min: deps.minGroup });
  return {
    months,
    rows: badges.map(([b, name]) => ({ id: b, name, cells: months.map((month) => released.get(`b:${b}:${month}`)), total: released.get(`b:${b}`) })),
    totals: months.map((month) => released.get(`m:${month}`)),
    total: released.get('all'),
  };
}
