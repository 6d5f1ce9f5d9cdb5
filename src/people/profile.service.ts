import { z } from 'zod';
import type { Actor } from '../platform/actor';
import type { Clock } from '../platform/clock';
import type { Db, DbOrTx } from '../platform/db/client';
import { ValidationError } from '../platform/errors';
import { pseudonymOf } from '../xapi';
import * as repo from './people.repo';
import type { ProfileField } from './people.tables';

/**
 * A person's service and job family come from three sources, in this order: what they declared on the
 * profile screen, the administrator's CSV import, the LMS's custom parameters (`service`, `job_family`).
 * "Je préfère ne pas répondre" means no declaration: the next sources still apply (the page says so).
 * The effective values go to lti_users, where statements' context extensions and dashboards read them.
 */
export interface PeopleDeps {
  db: Db;
  clock: Clock;
  pseudonymKey: string;
}

type Who = Pick<Actor, 'userId' | 'issuer' | 'sub'>;

/** Recomputes and stores a person's effective values (one statement); returns them. */
export async function refreshEffective(deps: PeopleDeps, who: Who, db: DbOrTx = deps.db): Promise<repo.Values> {
  const { service, jobFamily } = await repo.refreshEffectiveValues(db, { userRef: who.userId, pseudonym: pseudonymOf(deps.pseudonymKey, who.issuer, who.sub) }, deps.clock.now());
  return { service, jobFamily };
}

/** A custom parameter's value: trimmed, empty or an unsubstituted Moodle variable (`$Person…`) is none. */
function customValue(custom: Record<string, unknown>, key: string): string | null | undefined {
  const v = custom[key];
  if (typeof v !== 'string') return undefined;
  const s = v.trim().slice(0, 200);
  return s === '' || s.startsWith('$') ? null : s;
}

/**
 * After a verified launch: records the custom-parameter values, refreshes the effective ones, and for a
 * resource-link launch of someone never asked, when the administrator keeps lists, sends them first to the
 * one-screen profile (then on to where the launch was going).
 */
export async function afterLaunch(deps: PeopleDeps, input: Who & { custom: Record<string, unknown>; messageType: string; destination: string }): Promise<string | undefined> {
  // One statement: the launch values recorded, the effective ones refreshed, and the question asked.
  const launch = { service: customValue(input.custom, 'service'), jobFamily: customValue(input.custom, 'job_family') };
  const done = await repo.refreshEffectiveValues(deps.db, { userRef: input.userId, pseudonym: pseudonymOf(deps.pseudonymKey, input.issuer, input.sub) }, deps.clock.now(), launch);
  if (input.messageType !== 'LtiResourceLinkRequest' || done.asked || !done.lists) return undefined;
  return `/me/profile?next=${encodeURIComponent(input.destination)}`;
}

/** What the profile screen shows: the lists, the person's answers and the effective values. */
export async function profileView(deps: PeopleDeps, actor: Actor) {
  const [choices, profile, effective] = await Promise.all([repo.listChoices(deps.db), repo.findProfile(deps.db, actor.userId), refreshEffective(deps, actor)]);
  const of = (kind: ProfileField) => choices.filter((c) => c.kind === kind);
  return { services: of('service'), jobFamilies: of('job_family'), profile, effective };
}

const Answer = z.string().max(100).optional().default('');
export const ProfileFormSchema = z.object({ service: Answer, job_family: Answer, action: z.enum(['save', 'skip']).default('save'), next: z.string().max(500).optional() });

/**
 * Saves the profile screen: each answer is a choice id of the live lists, `declined`, or empty (no answer).
 * "Plus tard" records that the person was asked, without answers (unless they had answered before).
 */
export async function saveProfile(deps: PeopleDeps, actor: Actor, input: z.infer<typeof ProfileFormSchema>): Promise<repo.Values> {
  const now = deps.clock.now();
  if (input.action === 'skip') {
    if (!(await repo.findProfile(deps.db, actor.userId))) await repo.saveProfile(deps.db, { userRef: actor.userId, status: 'skipped', updatedAt: now });
    return refreshEffective(deps, actor);
  }
  const choices = await repo.listChoices(deps.db);
  const issues: Array<{ path: string; message: string }> = [];
  const read = (field: ProfileField, value: string) => {
    if (value === '' || value === 'declined') return { label: null, declined: value === 'declined' };
    const choice = choices.find((c) => c.id === value && c.kind === field);
    if (!choice) issues.push({ path: field, message: 'people.profile.unknown_choice' });
    return { label: choice?.label ?? null, declined: false };
  };
  const service = read('service', input.service);
  const jobFamily = read('job_family', input.job_family);
  if (issues.length) throw new ValidationError('Unknown choice', issues, { messageKey: 'people.profile.unknown_choice' });
  await repo.saveProfile(deps.db, { userRef: actor.userId, status: 'answered', service: service.label, jobFamily: jobFamily.label, serviceDeclined: service.declined, jobFamilyDeclined: jobFamily.declined, updatedAt: now });
  return refreshEffective(deps, actor);
}
