import { personalHistoryOf } from '../activities';
import { listDefaultCompetences, sessionsPresentedBy } from '../catalog';
import type { Actor } from '../lti';
import { ConflictError, ForbiddenError, ValidationError } from '../platform/errors';
import { canStaff, confirmedSince, REMINDER_DAYS, type FabriqueDeps } from './fabrique.access';
import type { ProfileForm } from './fabrique.schema';
import { findConsent, findProfile, saveProfile, searchDirectory } from './people.repo';

/**
 * The directory of resource persons, built on consent: a person declares skills and tools and opts in;
 * the entry is shown only while opted in and confirmed within the year. No ranking, no performance data.
 */

/** The state of a person's consent at `now`. */
export type ConsentState = 'none' | 'withdrawn' | 'current' | 'due' | 'expired';

export function consentState(profile: { optedIn: boolean; confirmedAt: Date | null } | undefined, now: Date): ConsentState {
  if (!profile) return 'none';
  if (!profile.optedIn) return 'withdrawn';
  if (!profile.confirmedAt || profile.confirmedAt < confirmedSince(now)) return 'expired';
  const dueFrom = new Date(confirmedSince(now).getTime() + REMINDER_DAYS * 86_400_000);
  return profile.confirmedAt < dueFrom ? 'due' : 'current';
}

/** The person's own entry, the competences they may declare, and what Instants suggests from their own history. */
export async function myEntry(deps: FabriqueDeps, actor: Actor) {
  const [profile, competences, history, presented] = await Promise.all([
    findProfile(deps.db, actor.userId),
    listDefaultCompetences(deps.db),
    personalHistoryOf(deps.db, actor.userId),
    sessionsPresentedBy(deps.db, actor.name),
  ]);
  return { profile, competences, state: consentState(profile, deps.clock.now()), suggestions: { presented, offers: history.offers, high: history.highPositionings } };
}

/** Saves the entry; opting in (or staying in) confirms it for a year, opting out hides it at once. */
export async function saveEntry(deps: FabriqueDeps, actor: Actor, form: ProfileForm): Promise<void> {
  const competences = new Set((await listDefaultCompetences(deps.db)).map((c) => `${c.framework}:${c.code}`));
  if (form.skills.some((s) => !competences.has(`${s.framework}:${s.code}`))) {
    throw new ValidationError('Unknown competence', [{ path: 'skills', message: 'fabrique.errors.choice' }], { messageKey: 'errors.validation_failed' });
  }
  const now = deps.clock.now();
  const ok = await deps.db.transaction((tx) =>
    saveProfile(tx, actor.userId, { optedIn: form.optIn, confirmedAt: form.optIn ? now : null, description: form.description, tools: form.tools, updatedAt: now }, form.skills, form.version),
  );
  if (!ok) throw new ConflictError('The entry changed since the form was shown', { messageKey: 'fabrique.errors.stale' });
}

/** Confirms the consent for another year, or withdraws it (hidden from every search at once). */
export async function setConsent(deps: FabriqueDeps, actor: Actor, optIn: boolean): Promise<void> {
  const profile = await findProfile(deps.db, actor.userId);
  const now = deps.clock.now();
  if (!profile) {
    if (optIn) await saveProfile(deps.db, actor.userId, { optedIn: true, confirmedAt: now, updatedAt: now }, [], 0);
    return;
  }
  await saveProfile(deps.db, actor.userId, { optedIn: optIn, confirmedAt: optIn ? now : null, updatedAt: now }, undefined, profile.version);
}

/** Whether a reminder to reconfirm should be shown at launch. */
export async function reminderAtLaunch(deps: Pick<FabriqueDeps, 'db' | 'clock'>, who: Pick<Actor, 'userId'>): Promise<ConsentState | undefined> {
  const state = consentState(await findConsent(deps.db, who.userId), deps.clock.now());
  return state === 'due' || state === 'expired' ? state : undefined;
}

/** Searches the directory by competence (`framework:code`) and/or tool: only current consents, by name. */
export async function searchPeople(deps: FabriqueDeps, actor: Actor, query: { competence: string; tool: string }) {
  if (!(await canStaff(deps, actor))) throw new ForbiddenError('Committee or facilitator required', { messageKey: 'fabrique.errors.staffing_only' });
  const [framework, code] = query.competence.includes(':') ? query.competence.split(':', 2) : [undefined, undefined];
  const competence = framework && code ? { framework, code } : undefined;
  if (!competence && !query.tool) return { searched: false, people: [] };
  return { searched: true, people: await searchDirectory(deps.db, { confirmedSince: confirmedSince(deps.clock.now()), competence, tool: query.tool || undefined }) };
}
