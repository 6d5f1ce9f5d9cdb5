import { asc, eq, inArray } from 'drizzle-orm';
import { protect } from '../dashboard';
import { ltiUsers } from '../lti/lti.tables';
import type { FabriqueDeps } from './fabrique.access';
import { fabriqueHistory, fabriqueMembers, fabriqueProjects, STAGES, type Stage } from './fabrique.tables';

/**
 * The committee's dashboard of la Fabrique. Every figure goes through the disclosure-control layer
 * (`protect` from the dashboard slice): counts of people with the privacy threshold and complementary
 * suppression; counts of projects as figures the viewer knows anyway (the board shows every project).
 */

const STAGE_OF_ACTION: Record<string, Stage | undefined> = { proposed: 'proposed', selected: 'investigation', declined: 'declined' };

/** Paris month of an instant, `YYYY-MM`. */
const monthOf = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(d).slice(0, 7);

/** The last `n` Paris months up to `now`, oldest first. */
export function lastMonths(now: Date, n: number): string[] {
  const [y, m] = monthOf(now).split('-').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const k = y * 12 + (m - 1) - (n - 1 - i);
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  });
}

export async function fabriqueStats(deps: Pick<FabriqueDeps, 'db' | 'clock' | 'config'>) {
  const min = deps.config.privacy.minGroup;
  const months = lastMonths(deps.clock.now(), 12);
  const [projects, history, members] = await Promise.all([
    deps.db.select({ id: fabriqueProjects.id, stage: fabriqueProjects.stage, createdAt: fabriqueProjects.createdAt, decidedAt: fabriqueProjects.decidedAt, fromNeed: fabriqueProjects.fromNeed }).from(fabriqueProjects),
    deps.db
      .select({ projectId: fabriqueHistory.projectId, action: fabriqueHistory.action, detail: fabriqueHistory.detail, at: fabriqueHistory.at })
      .from(fabriqueHistory)
      .where(inArray(fabriqueHistory.action, ['proposed', 'selected', 'declined', 'phase_changed']))
      .orderBy(asc(fabriqueHistory.at), asc(fabriqueHistory.id)),
    deps.db
      .select({ userRef: fabriqueMembers.userRef, hours: fabriqueMembers.hoursCommitted, service: ltiUsers.service })
      .from(fabriqueMembers)
      .innerJoin(ltiUsers, eq(ltiUsers.id, fabriqueMembers.userRef))
      .where(eq(fabriqueMembers.status, 'accepted')),
  ]);

  // Projects by phase at the end of each month, from the history of decisions.
  const stageAt = (projectId: string, month: string): Stage | undefined => {
    let stage: Stage | undefined;
    for (const h of history) {
      if (h.projectId !== projectId || monthOf(h.at) > month) continue;
      stage = h.action === 'phase_changed' ? ((h.detail as { to?: Stage }).to ?? stage) : (STAGE_OF_ACTION[h.action] ?? stage);
    }
    return stage;
  };
  const byPhase = months.map((month) => ({ month, counts: Object.fromEntries(STAGES.map((s) => [s, projects.filter((p) => stageAt(p.id, month) === s).length])) as Record<Stage, number> }));

  // Days from proposal to decision (median), for decided proposals.
  const days = projects.filter((p) => p.decidedAt).map((p) => (p.decidedAt!.getTime() - p.createdAt.getTime()) / 86_400_000).sort((a, b) => a - b);
  const median = days.length ? (days.length % 2 ? days[(days.length - 1) / 2]! : (days[days.length / 2 - 1]! + days[days.length / 2]!) / 2) : null;

  // People mobilised (distinct accepted members) by service, hours given: people counts are protected.
  const people = new Map<string, { service: string; hours: number }>();
  for (const m of members) {
    const p = people.get(m.userRef) ?? { service: m.service?.trim() || '', hours: 0 };
    p.hours += m.hours ?? 0;
    people.set(m.userRef, p);
  }
  const services = [...new Set([...people.values()].map((p) => p.service))].sort();
  const cells = [{ id: 'people', value: people.size }, ...services.map((s) => ({ id: `s:${s}`, value: [...people.values()].filter((p) => p.service === s).length }))];
  const released = protect(cells, services.length ? [{ total: 'people', parts: services.map((s) => `s:${s}`) }] : [], { min });
  const hoursOf = (s?: string) => [...people.values()].filter((p) => s === undefined || p.service === s).reduce((sum, p) => sum + p.hours, 0);

  // Projects: the board shows each of them, so their counts are released as known to the viewer.
  const fromNeed = projects.filter((p) => p.fromNeed).length;
  const projectCells = protect(
    [
      { id: 'projects', value: projects.length, fixed: 'shown' },
      { id: 'from-need', value: fromNeed, fixed: 'shown' },
      { id: 'decided', value: days.length, fixed: 'shown' },
    ],
    [],
    { min },
  );

  return {
    min,
    months,
    byPhase,
    decision: { decided: projectCells.get('decided'), medianDays: median },
    projects: projectCells.get('projects'),
    fromNeed: projectCells.get('from-need'),
    fromNeedShare: projectCells.rate('from-need', 'projects'),
    people: released.get('people'),
    // Hours are a sum over the people of a group: shown only where that group's count is shown.
    hours: released.isShown('people') ? hoursOf() : null,
    services: services.map((s) => ({ service: s, people: released.get(`s:${s}`), hours: released.isShown(`s:${s}`) ? hoursOf(s) : null })),
  };
}
