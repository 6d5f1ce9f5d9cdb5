import type { Actor } from '../lti';
import { ForbiddenError } from '../platform/errors';
import { sessionForCourseOrganiser } from './access';
import { countNeedsRespondents, insertTopic, listOffers, listTopics, listWishes, setTopicActive } from './activities.repo';
import { listParticipants } from './people.repo';
import type { ActivityDeps } from './answers.service';
import { loadSession } from './catalog.port';

/** What organisers do in the activities slice: see participants, offers and wishes (the activities form: activities-form.service.ts). */

/**
 * Who launched a session, was present and completed it: everyone for who manages it; for the organisers of
 * a course that only links it, the people of that course alone (`ownCourseOnly`).
 */
export async function sessionParticipants(deps: ActivityDeps, actor: Actor, sessionId: string) {
  const { session, ownCourse } = await sessionForCourseOrganiser(deps.db, actor, sessionId);
  const people = await listParticipants(deps.db, session.id, ownCourse);
  return { session, people: people.filter((p) => p.role === 'participant'), ownCourseOnly: ownCourse !== null };
}

/** Knowledge-sharing offers: from the organiser's course, or every course for administrators. */
export async function offersFor(deps: ActivityDeps, actor: Actor) {
  const rows = await listOffers(deps.db, actor.isAdmin ? {} : { contextRef: actor.contextRef ?? '00000000-0000-0000-0000-000000000000' });
  return rows;
}

/**
 * Free-text wishes from the needs survey (no names, in text order): shown only when at least
 * PRIVACY_MIN_GROUP_TEXT people answered the survey in the organiser's view, and with their session only
 * when that session had as many respondents (else the session would point at its few writers).
 */
export async function wishesFor(deps: ActivityDeps, actor: Actor) {
  const filter = actor.isAdmin ? {} : { contextRef: actor.contextRef ?? '00000000-0000-0000-0000-000000000000' };
  const min = deps.config.privacy.minGroupText;
  const topics = await listTopics(deps.db, false);
  const respondents = await countNeedsRespondents(deps.db, filter);
  if (respondents.total < min) return { wishes: [], tooFew: true, min, topics };
  const rows = await listWishes(deps.db, filter);
  const titles = new Map<string, string>();
  for (const id of new Set(rows.map((r) => r.sessionId))) if ((respondents.bySession.get(id) ?? 0) >= min) titles.set(id, (await loadSession(deps.db, id))?.title ?? '');
  const wishes = rows.map((r) => ({ text: (r.value as { freeText: string }).freeText, session: titles.get(r.sessionId) ?? null }));
  return { wishes, tooFew: false, min, topics };
}

/** The survey's topic list is académie-wide: administrators only. */
function assertAdmin(actor: Actor): void {
  if (!actor.isAdmin) throw new ForbiddenError('Administrator role required', { messageKey: 'errors.admin_only' });
}

/** Adds a tool or theme to the survey's list (administrators); false when it is already there. */
export function addTopic(deps: ActivityDeps, actor: Actor, input: { kind: 'tool' | 'theme'; label: string }) {
  assertAdmin(actor);
  return insertTopic(deps.db, input.kind, input.label);
}

/** Shows or hides a topic in the survey (administrators). */
export function toggleTopic(deps: ActivityDeps, actor: Actor, id: string, active: boolean) {
  assertAdmin(actor);
  return setTopicActive(deps.db, id, active);
}
