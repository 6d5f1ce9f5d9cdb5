import type { z } from 'zod';
import { searchSessions } from '../catalog';
import type { Actor } from '../lti';
import { NotFoundError } from '../platform/errors';
import { assertOpenForActivities, sessionForParticipant } from './access';
import { followUpOpensAt, loadActivities, type SessionActivities } from './activities.config';
import { insertOffer, listOffers, listTopics, recordResourceOpen } from './activities.repo';
import { findMySessionIds, findPendingFollowUps, findPersonalState } from './people.repo';
import { SettingsSchemas } from './activities.schema';
import type { OfferSchema } from './activities.schema';
import type { ActivityKind } from './activities.tables';
import type { ActivityDeps, Participant } from './answers.service';
import { competenceTitles, loadResources, loadSession, sessionAccessFor, type CatalogSession, type SessionResource } from './catalog.port';
import { eventBase, record } from './events';

/** Reading what a participant sees, and the participant actions that are not answers. */

export type ActivityStatus = 'todo' | 'in-progress' | 'done' | 'not-open';

export interface ActivityState {
  kind: ActivityKind;
  required: boolean;
  status: ActivityStatus;
  /** For the follow-up: when it opens. */
  opensAt: Date | null;
  answers: Map<string, unknown>;
  result: unknown;
}

/** Everything the session page and the activity pages show, for one participant. */
export interface ParticipantView {
  session: CatalogSession;
  activities: SessionActivities;
  resources: Array<SessionResource & { opened: boolean }>;
  states: ActivityState[];
  attendance: { at: Date; method: string } | null;
  completedAt: Date | null;
  now: Date;
}

/** Loads the session page of a participant. */
export async function participantView(deps: ActivityDeps, actor: Actor, sessionId: string): Promise<ParticipantView> {
  if (!UUID_RE.test(sessionId)) throw new NotFoundError(`No session ${sessionId}`);
  // One round trip each, all at once: the page's latency is that of the slowest query.
  const [session, activities, resources, mine] = await Promise.all([
    sessionForParticipant(deps.db, actor, sessionId),
    loadActivities(deps.db, sessionId),
    loadResources(deps.db, sessionId),
    findPersonalState(deps.db, sessionId, actor.userId),
  ]);
  const now = deps.clock.now();
  const opened = new Set(mine.opens);
  const states = activities.kinds.map((kind): ActivityState => {
    const attempt = mine.attempts.find((a) => a.kind === kind);
    const opensAt = kind === 'follow-up' ? followUpOpensAt(session.endsAt, activities.followUp!.delayDays) : null;
    const status: ActivityStatus = attempt?.completedAt ? 'done' : opensAt && now < opensAt ? 'not-open' : attempt?.answers.length ? 'in-progress' : 'todo';
    return {
      kind,
      required: activities.required.includes(kind),
      status,
      opensAt,
      answers: new Map((attempt?.answers ?? []).map((a) => [a.questionKey, a.value])),
      result: attempt?.result ?? null,
    };
  });
  return {
    session,
    activities,
    resources: resources.map((r) => ({ ...r, opened: opened.has(r.id) })),
    states,
    attendance: mine.attendance,
    completedAt: mine.completedAt,
    now,
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tools, themes and competences the needs survey offers. */
export async function needsChoices(deps: ActivityDeps) {
  const [topics, competences] = await Promise.all([listTopics(deps.db, true), competenceTitles(deps.db)]);
  return { topics, competences: [...competences].map(([code, title]) => ({ code, title })) };
}

/** Records that a participant opened a resource and returns where to send them. */
export async function openResource(deps: ActivityDeps, who: Participant, sessionId: string, resourceId: string): Promise<string> {
  const session = await sessionForParticipant(deps.db, who.actor, sessionId);
  const resource = (await loadResources(deps.db, session.id)).find((r) => r.id === resourceId);
  if (!resource) throw new NotFoundError(`No resource ${resourceId} in session ${session.id}`);
  const url = new URL(resource.target, deps.config.http.publicUrl).toString();
  if (session.status !== 'published') return url;
  assertOpenForActivities(session);
  const at = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await recordResourceOpen(tx, { resourceId: resource.id, sessionId: session.id, userRef: who.actor.userId, at });
    const base = await eventBase(tx, who, session.id, at);
    await record(tx, [{ ...base, kind: 'resource-opened', resource: { id: resource.id, title: resource.title, type: resource.type, url } }], deps);
  });
  return url;
}

/** A participant's sessions: upcoming and past, with completion and whether the follow-up is open. */
export async function mySessions(deps: ActivityDeps, actor: Actor) {
  const ids = await findMySessionIds(deps.db, actor.userId);
  const now = deps.clock.now();
  const rows = await Promise.all(
    ids.map(async (id) => {
      const view = await participantView(deps, actor, id).catch((e: unknown) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      });
      if (!view) return null;
      const followUp = view.states.find((s) => s.kind === 'follow-up');
      return {
        session: view.session,
        upcoming: view.session.endsAt > now,
        attended: Boolean(view.attendance),
        completed: Boolean(view.completedAt),
        followUpOpen: followUp ? followUp.status === 'todo' || followUp.status === 'in-progress' : false,
        resourceCount: view.resources.length,
      };
    }),
  );
  const list = rows.filter((r): r is NonNullable<typeof r> => r !== null);
  return {
    upcoming: list.filter((r) => r.upcoming).sort((a, b) => a.session.startsAt.getTime() - b.session.startsAt.getTime()),
    past: list.filter((r) => !r.upcoming).sort((a, b) => b.session.startsAt.getTime() - a.session.startsAt.getTime()),
  };
}

/** Published sessions still to come (for the "my sessions" page when a participant has none yet). */
export function upcomingSessions(deps: ActivityDeps) {
  return searchSessions(deps.db, { status: 'published', endsAfter: deps.clock.now(), upcomingFirst: true, limit: 20 });
}

/** "I can present a tool": stores an offer organisers will see. */
export async function makeOffer(deps: ActivityDeps, actor: Actor, input: z.infer<typeof OfferSchema>) {
  const titles = await competenceTitles(deps.db);
  if (input.competence && !titles.has(input.competence)) return { ok: false as const, field: 'competence', key: 'competence' };
  await insertOffer(deps.db, {
    userRef: actor.userId,
    contextRef: actor.contextRef,
    tool: input.tool,
    description: input.description,
    competence: input.competence || null,
    createdAt: deps.clock.now(),
  });
  return { ok: true as const };
}

/**
 * What became of an offer, as its author may know it: not taken up; taken up for a session they may open
 * (published or archived, or a draft they manage); for a draft they may not know of (no title: a draft is
 * known only to its organisers); or for a session cancelled or deleted since.
 */
export type OfferOutcome =
  | { kind: 'open' }
  | { kind: 'taken-up'; session: { id: string; title: string } }
  | { kind: 'taken-up-draft' }
  | { kind: 'taken-up-deleted' };

/** The offers a person made (theirs only: filtered by their user id), each with what became of it. */
export async function myOffers(deps: ActivityDeps, actor: Actor) {
  const offers = (await listOffers(deps.db, { userRef: actor.userId })).map((r) => r.offer);
  const ids = [...new Set(offers.map((o) => o.takenUpSessionId).filter((id): id is string => id !== null))];
  const outcomes = new Map<string, OfferOutcome>(
    await Promise.all(
      ids.map(async (id): Promise<[string, OfferOutcome]> => {
        const [session, access] = await Promise.all([loadSession(deps.db, id), sessionAccessFor(deps.db, actor, id)]);
        if (!session || !access || session.status === 'cancelled') return [id, { kind: 'taken-up-deleted' }];
        if (session.status === 'draft' && access.relation !== 'manager') return [id, { kind: 'taken-up-draft' }];
        return [id, { kind: 'taken-up', session: { id: session.id, title: session.title } }];
      }),
    ),
  );
  return offers.map((offer) => {
    const outcome: OfferOutcome = offer.takenUpSessionId
      ? (outcomes.get(offer.takenUpSessionId) ?? { kind: 'taken-up-deleted' })
      : offer.takenUpStatementId
        ? { kind: 'taken-up-deleted' }
        : { kind: 'open' };
    return { ...offer, outcome };
  });
}

/** The D+30 follow-ups open for a person now (shown on every session page after a launch, and on "my sessions"). */
export async function openFollowUps(deps: ActivityDeps, actor: Actor): Promise<Array<{ sessionId: string; title: string }>> {
  const pending = await findPendingFollowUps(deps.db, actor.userId);
  const now = deps.clock.now();
  const open = await Promise.all(
    pending.map(async (p) => {
      const session = await loadSession(deps.db, p.sessionId);
      if (!session || session.status !== 'published') return null;
      const { delayDays } = SettingsSchemas['follow-up'].parse(p.settings ?? {});
      return now >= followUpOpensAt(session.endsAt, delayDays) ? { sessionId: session.id, title: session.title } : null;
    }),
  );
  return open.filter((o): o is { sessionId: string; title: string } => o !== null);
}
