import { mySessions, upcomingSessions, type ActivityDeps } from '../activities';
import { getSession, instantToParis, listOrganiserSessions, parisToInstant, type CatalogSession } from '../catalog';
import { countRefusedBySession } from '../grades';
import { listPendingRegistrations, type Actor } from '../lti';

/** What a launched person's home shows: built from the slices' public surfaces, for the acting user only. */

export type HomeDeps = ActivityDeps;

/** Lists on the home are short: the full lists are one link away. */
const LIST_LIMIT = 8;

/** Monday 00:00 to the next Monday 00:00, Paris time, around `now`. */
export function parisWeek(now: Date): { start: Date; end: Date } {
  const today = instantToParis(now).date;
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
  const day = (offset: number) => new Date(Date.UTC(y, m - 1, d + offset)).toISOString().slice(0, 10);
  return { start: parisToInstant(day(-weekday), '00:00')!, end: parisToInstant(day(7 - weekday), '00:00')! };
}

/** The session bound to the activity the person launched, when it is one they may see. */
async function launchedSession(deps: HomeDeps, actor: Actor): Promise<CatalogSession | undefined> {
  if (!actor.sessionId) return undefined;
  const session = await getSession(deps.db, actor.sessionId);
  // A draft is known only to its organisers (the participant's page of it is a 404).
  if (!session || (session.status === 'draft' && actor.role !== 'organiser' && !actor.isAdmin)) return undefined;
  return session;
}

/** A participant's home: the launched activity's session, their sessions to come and past, and the catalogue when they have none to come. */
export async function participantHome(deps: HomeDeps, actor: Actor) {
  const [current, mine] = await Promise.all([launchedSession(deps, actor), mySessions(deps, actor)]);
  const suggestions = mine.upcoming.length ? [] : (await upcomingSessions(deps)).slice(0, 5);
  return { current, upcoming: mine.upcoming, past: mine.past, suggestions };
}

/**
 * An organiser's home: what needs attention among the sessions their course manages (every course's for an
 * administrator): drafts, sessions this week, grades Moodle refused; then the next sessions; an unbound
 * activity; for administrators, platform registrations waiting for a decision.
 */
export async function organiserHome(deps: HomeDeps, actor: Actor) {
  const now = deps.clock.now();
  const [sessions, current] = await Promise.all([listOrganiserSessions(deps, actor, {}), launchedSession(deps, actor)]);
  const { start, end } = parisWeek(now);
  const live = sessions.filter((s) => s.status === 'draft' || s.status === 'published');
  const byStart = (a: CatalogSession, b: CatalogSession) => a.startsAt.getTime() - b.startsAt.getTime();
  const refused = await countRefusedBySession(deps.db, sessions.map((s) => s.id));
  const pending = actor.isAdmin ? await listPendingRegistrations(deps.db, now) : [];
  return {
    current,
    unboundActivity: Boolean(actor.resourceLinkRef && !actor.sessionId),
    drafts: live.filter((s) => s.status === 'draft').sort(byStart).slice(0, LIST_LIMIT),
    draftCount: live.filter((s) => s.status === 'draft').length,
    thisWeek: live.filter((s) => s.startsAt < end && s.endsAt >= start).sort(byStart).slice(0, LIST_LIMIT),
    failedGrades: sessions.filter((s) => refused.has(s.id)).map((s) => ({ session: s, count: refused.get(s.id)! })),
    next: live.filter((s) => s.status === 'published' && s.startsAt >= end).sort(byStart).slice(0, 5),
    sessionCount: sessions.length,
    pendingRegistrations: pending.length,
  };
}
