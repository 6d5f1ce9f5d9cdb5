import type { Actor } from '../lti';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db/client';
import { ConflictError, ValidationError, type FieldIssue } from '../platform/errors';
import { assertManagesSession, listScope, ownerContextFor } from './access';
import { findSession, findSessionByCreationKey, insertSession, searchSessionRows, updateSession, type CatalogSession, type SessionStatus } from './catalog.repo';
import type { SessionForm, StatusAction } from './catalog.schema';
import { listCompetences } from './frameworks.repo';
import { parisToInstant } from './paris-time';
import { copyResources } from './resources.repo';
import { findSeries } from './series.repo';

/** Use cases of organisers on sessions: create, edit, duplicate, change status. Each starts with an access check. */

export interface CatalogDeps {
  db: Db;
  clock: Clock;
}

/** The sessions the organiser's course owns or co-organises (every course's for an administrator), most recent first. */
export function listOrganiserSessions(deps: CatalogDeps, actor: Actor, filters: { q?: string; status?: SessionStatus }): Promise<CatalogSession[]> {
  const scope = listScope(actor);
  if (scope === null) return Promise.resolve([]);
  return searchSessionRows(deps.db, { ...filters, managedBy: scope, limit: 200 });
}

/** A session the actor manages: 404 when unknown, 403 when it belongs to another course. */
export async function loadEditableSession(deps: Pick<CatalogDeps, 'db'>, actor: Actor, id: string): Promise<CatalogSession> {
  return assertManagesSession(deps.db, actor, await findSession(deps.db, id));
}

async function toValues(deps: CatalogDeps, actor: Actor, form: SessionForm, currentSeriesId: string | null = null) {
  const issues: FieldIssue[] = [];
  const startsAt = parisToInstant(form.date, form.startTime);
  const endsAt = parisToInstant(form.date, form.endTime);
  if (!startsAt) issues.push({ path: 'date', message: 'catalog.errors.date' });
  let seriesId: string | null = null;
  if (form.seriesId) {
    const series = await findSeries(deps.db, form.seriesId);
    // A co-organiser keeps the owner's series of the session; other choices are their own course's series.
    if (!series || !(actor.isAdmin || series.ownerContextRef === actor.contextRef || series.id === currentSeriesId)) issues.push({ path: 'seriesId', message: 'catalog.errors.choice' });
    else seriesId = series.id;
  }
  const known = new Set((await listCompetences(deps.db)).map((c) => `${c.frameworkId}:${c.code}`));
  const competences = form.competences.map((key) => {
    const i = key.indexOf(':');
    return { framework: key.slice(0, i), code: key.slice(i + 1) };
  });
  if (form.competences.some((k) => !known.has(k))) issues.push({ path: 'competences', message: 'catalog.errors.choice' });
  if (issues.length || !startsAt || !endsAt) throw new ValidationError('Invalid session', issues, { messageKey: 'errors.validation_failed' });
  const values = {
    title: form.title,
    tool: form.tool,
    tags: form.tags,
    descriptionMd: form.description,
    startsAt,
    endsAt,
    place: form.format === 'remote' ? null : form.place,
    format: form.format,
    remoteUrl: form.format === 'in_person' ? null : form.remoteUrl,
    capacity: form.capacity,
    audience: form.audience,
    presenters: form.presenters,
    contributors: form.contributors,
    seriesId,
  };
  return { values, competences };
}

/** Creates a draft session in the actor's course; returns its id. */
export async function createSession(deps: CatalogDeps, actor: Actor, form: SessionForm): Promise<string> {
  const ownerContextRef = ownerContextFor(actor);
  const { values, competences } = await toValues(deps, actor, form);
  const now = deps.clock.now();
  const creationKey = form.creationKey ?? null;
  try {
    const row = await deps.db.transaction(async (tx) => {
      const already = creationKey ? await findSessionByCreationKey(tx, creationKey) : undefined;
      if (already) return already;
      return insertSession(tx, { ...values, status: 'draft', ownerContextRef, createdBy: actor.userId, creationKey, createdAt: now, updatedAt: now }, competences);
    });
    return row.id;
  } catch (err) {
    // Two posts of one form at the same instant: the loser of the unique index finds the winner's session.
    const winner = creationKey ? await findSessionByCreationKey(deps.db, creationKey) : undefined;
    if (winner) return winner.id;
    throw err;
  }
}

/** Saves the edit form of a session (archived sessions are read-only). */
export async function editSession(deps: CatalogDeps, actor: Actor, id: string, form: SessionForm): Promise<void> {
  const session = await loadEditableSession(deps, actor, id);
  if (session.status === 'archived') throw new ConflictError('An archived session cannot be edited', { messageKey: 'catalog.errors.archived' });
  const { values, competences } = await toValues(deps, actor, form, session.seriesId);
  const expected = form.version ? new Date(form.version) : undefined;
  await deps.db.transaction(async (tx) => {
    const row = await updateSession(tx, id, { ...values, updatedAt: deps.clock.now() }, competences, expected);
    // Someone saved or changed the status since this form was shown: do not overwrite their work silently.
    if (!row) throw new ConflictError('The session changed since the form was shown', { messageKey: 'catalog.errors.stale' });
  });
}

/** Copies a session (fields, competences, resources) as a new draft in the actor's course; returns its id. */
export async function duplicateSession(deps: CatalogDeps, actor: Actor, id: string, title: string): Promise<string> {
  const s = await loadEditableSession(deps, actor, id);
  const now = deps.clock.now();
  const ownerContextRef = actor.isAdmin ? (actor.contextRef ?? s.ownerContextRef) : ownerContextFor(actor);
  return deps.db.transaction(async (tx) => {
    const copy = await insertSession(
      tx,
      {
        seriesId: s.seriesId,
        title: title.slice(0, 200),
        tool: s.tool,
        tags: s.tags,
        descriptionMd: s.descriptionMd,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        place: s.place,
        format: s.format,
        remoteUrl: s.remoteUrl,
        capacity: s.capacity,
        audience: s.audience,
        presenters: s.presenters,
        contributors: s.contributors,
        status: 'draft',
        ownerContextRef,
        createdBy: actor.userId,
        createdAt: now,
        updatedAt: now,
      },
      s.competences.map((c) => ({ framework: c.framework, code: c.code })),
    );
    await copyResources(tx, s.id, copy.id);
    return copy.id;
  });
}

/** Allowed status changes: the action, from which statuses, to which status. */
const TRANSITIONS: Record<StatusAction['action'], { from: SessionStatus[]; to: SessionStatus }> = {
  publish: { from: ['draft'], to: 'published' },
  cancel: { from: ['draft', 'published'], to: 'cancelled' },
  archive: { from: ['draft', 'published', 'cancelled'], to: 'archived' },
  reopen: { from: ['cancelled', 'archived', 'published'], to: 'draft' },
};

/** Publishes, cancels, archives or reopens (back to draft) a session; 409 for a change its status forbids. */
export async function changeStatus(deps: CatalogDeps, actor: Actor, id: string, change: StatusAction): Promise<SessionStatus> {
  const session = await loadEditableSession(deps, actor, id);
  const rule = TRANSITIONS[change.action];
  if (!rule.from.includes(session.status)) {
    throw new ConflictError(`Cannot ${change.action} a ${session.status} session`, { messageKey: 'catalog.errors.transition' });
  }
  const now = deps.clock.now();
  await updateSession(deps.db, id, {
    status: rule.to,
    updatedAt: now,
    ...(rule.to === 'published' ? { publishedAt: now, cancelReason: null } : {}),
    ...(rule.to === 'cancelled' ? { cancelReason: change.reason } : {}),
    ...(rule.to === 'draft' ? { cancelReason: null } : {}),
  });
  return rule.to;
}
