import crypto from 'node:crypto';
import { z } from 'zod';
import type { EventActor } from './events';
import { pseudonymOf, registrationOf } from './pseudonym';
import type { BuildDeps } from './statement.builder';
import type { Activity, Statement } from './statement.schema';
import { activityTypes, extensions, profileIri, VERBS } from './vocabulary';

/**
 * The events of la Fabrique (proposals, committee decisions, phases, teams, deliverables): a project takes
 * the place of the session. Contract between the fabrique and xapi slices, like events.ts for sessions.
 */

/** The project the event is about. */
export interface EventProject {
  id: string;
  title: string;
}

interface FabriqueBase {
  id?: string;
  actor: EventActor;
  project: EventProject;
  at: Date;
  language: string;
}

export const TEAM_ROLES = ['facilitator', 'member', 'sponsor'] as const;
export const PROJECT_STAGES = ['proposed', 'declined', 'investigation', 'construction', 'acceleration', 'transferred', 'stopped'] as const;

export type FabriqueEvent =
  | (FabriqueBase & { kind: 'project-proposed'; fromNeed: boolean })
  | (FabriqueBase & { kind: 'project-supported' })
  | (FabriqueBase & { kind: 'project-selected'; reason: string })
  | (FabriqueBase & { kind: 'project-declined'; reason: string })
  | (FabriqueBase & { kind: 'project-framed' })
  | (FabriqueBase & { kind: 'project-phase-changed'; from: (typeof PROJECT_STAGES)[number]; to: (typeof PROJECT_STAGES)[number]; note: string })
  | (FabriqueBase & { kind: 'team-joined'; role: (typeof TEAM_ROLES)[number] })
  | (FabriqueBase & { kind: 'team-left'; role: (typeof TEAM_ROLES)[number] })
  | (FabriqueBase & { kind: 'deliverable-delivered'; deliverable: { id: string; title: string } });

export type FabriqueEventKind = FabriqueEvent['kind'];
export const FABRIQUE_EVENT_KINDS: FabriqueEventKind[] = [
  'project-proposed',
  'project-supported',
  'project-selected',
  'project-declined',
  'project-framed',
  'project-phase-changed',
  'team-joined',
  'team-left',
  'deliverable-delivered',
];

/** Whether an event given to recordEvents is one of la Fabrique's (it has a project, not a session). */
export function isFabriqueEvent(event: object): event is FabriqueEvent {
  return (FABRIQUE_EVENT_KINDS as string[]).includes((event as { kind?: string }).kind ?? '');
}

const text = z.string().trim().min(1, 'must not be empty');
const id = z.uuid({ error: 'expected a UUID' });
const base = {
  id: z.uuid({ error: 'expected a UUID' }).optional(),
  actor: z.strictObject({ issuer: z.url({ protocol: /^https?$/ }), sub: text.max(255), service: text.max(200).nullish(), jobFamily: text.max(200).nullish() }),
  project: z.strictObject({ id, title: text.max(300) }),
  at: z.date({ error: 'expected a Date' }).refine((d) => !Number.isNaN(d.getTime()), 'expected a valid date'),
  language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/, 'expected a language tag (e.g. fr or en)'),
};
const role = z.enum(TEAM_ROLES);
const stage = z.enum(PROJECT_STAGES);

/** zod mirror of FabriqueEvent: what recordEvents accepts for la Fabrique. */
export const FabriqueEventSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('project-proposed'), fromNeed: z.boolean() }),
  z.strictObject({ ...base, kind: z.literal('project-supported') }),
  z.strictObject({ ...base, kind: z.literal('project-selected'), reason: text.max(5000) }),
  z.strictObject({ ...base, kind: z.literal('project-declined'), reason: text.max(5000) }),
  z.strictObject({ ...base, kind: z.literal('project-framed') }),
  z.strictObject({ ...base, kind: z.literal('project-phase-changed'), from: stage, to: stage, note: text.max(5000) }),
  z.strictObject({ ...base, kind: z.literal('team-joined'), role }),
  z.strictObject({ ...base, kind: z.literal('team-left'), role }),
  z.strictObject({ ...base, kind: z.literal('deliverable-delivered'), deliverable: z.strictObject({ id, title: text.max(300) }) }),
]);

const both = (t: string) => ({ fr: t, en: t });
const activity = (iri: string, name: Record<string, string>, type: string): Activity => ({ objectType: 'Activity', id: iri, definition: { name, type } });

/** Activity IRIs of la Fabrique, under the base IRI. */
export function fabriqueIris(base: string) {
  return {
    fabrique: `${base}/fabrique`,
    project: (projectId: string) => `${base}/fabrique/projects/${encodeURIComponent(projectId)}`,
    deliverable: (projectId: string, deliverableId: string) => `${base}/fabrique/projects/${encodeURIComponent(projectId)}/deliverables/${encodeURIComponent(deliverableId)}`,
  };
}

/** One statement per Fabrique event; the registration ties a person's statements on one project together. */
export function buildFabriqueStatements(event: FabriqueEvent, deps: BuildDeps): Statement[] {
  const base = deps.baseIri;
  const iris = fabriqueIris(base);
  const types = activityTypes(base);
  const ext = extensions(base);
  const pseudonym = pseudonymOf(deps.pseudonymKey, event.actor.issuer, event.actor.sub);
  const fabrique = activity(iris.fabrique, { fr: 'La Fabrique', en: 'La Fabrique' }, types.incubator.id);
  const project = activity(iris.project(event.project.id), both(event.project.title), types.project.id);
  const contextExtensions: Record<string, unknown> = {};
  if (event.actor.service) contextExtensions[ext.service.id] = event.actor.service;
  if (event.actor.jobFamily) contextExtensions[ext.jobFamily.id] = event.actor.jobFamily;

  const statement = (verb: { id: string; prefLabel: Record<string, string> }, object: Activity, more: { parent?: Activity[]; result?: Statement['result']; extensions?: Record<string, unknown> } = {}): Statement => {
    const all = { ...contextExtensions, ...more.extensions };
    const out: Statement = {
      id: event.id ?? crypto.randomUUID(),
      actor: { objectType: 'Agent', account: { homePage: event.actor.issuer, name: pseudonym } },
      verb: { id: verb.id, display: { ...verb.prefLabel } },
      object,
      context: {
        registration: registrationOf(pseudonym, `fabrique:${event.project.id}`),
        platform: 'Instants',
        language: event.language,
        contextActivities: { parent: more.parent ?? [fabrique], category: [{ objectType: 'Activity', id: profileIri(base) }] },
        ...(Object.keys(all).length ? { extensions: all } : {}),
      },
      timestamp: event.at.toISOString(),
    };
    if (more.result) out.result = more.result;
    return out;
  };

  switch (event.kind) {
    case 'project-proposed':
      return [statement(VERBS.proposed, project, { extensions: { [ext.fromNeed.id]: event.fromNeed } })];
    case 'project-supported':
      return [statement(VERBS.supported, project)];
    case 'project-selected':
      return [statement(VERBS.selected, project, { result: { response: event.reason } })];
    case 'project-declined':
      return [statement(VERBS.declined, project, { result: { response: event.reason } })];
    case 'project-framed':
      return [statement(VERBS.framed, project)];
    case 'project-phase-changed':
      return [statement(VERBS.progressed, project, { result: { response: event.note }, extensions: { [ext.phaseFrom.id]: event.from, [ext.phase.id]: event.to } })];
    case 'team-joined':
      return [statement(VERBS.joined, project, { extensions: { [ext.teamRole.id]: event.role } })];
    case 'team-left':
      return [statement(VERBS.left, project, { extensions: { [ext.teamRole.id]: event.role } })];
    case 'deliverable-delivered': {
      const object = activity(iris.deliverable(event.project.id, event.deliverable.id), both(event.deliverable.title), types.deliverable.id);
      return [statement(VERBS.completed, object, { parent: [project], result: { completion: true } })];
    }
  }
}
