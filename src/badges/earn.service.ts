import { getSession, searchSessions } from '../catalog';
import type { Actor } from '../lti';
import type { DbOrTx } from '../platform/db/client';
import { NotFoundError } from '../platform/errors';
import { findSeriesFacts, listAwardsOf, listEarnable, namesOf, type BadgeClassRow, type Competence } from './badges.repo';
import { RuleSchema, type Rule } from './rules';

/**
 * What one can earn through a session or a series, read-only, for anyone who may see it: a session's own
 * badges and those of its series; a series' badges and those of its published sessions. Archived classes
 * award nothing more and are left out; the badges of a draft or a cancelled session too.
 */

export interface BadgeToEarn {
  id: string;
  name: string;
  description: string;
  criteria: string;
  rule: Rule;
  competences: Competence[];
  /** Whether the viewer holds it (not revoked). */
  earned: boolean;
}

export interface EarnPage {
  title: string;
  /** A cancelled or archived session: nobody can complete it any more, so it awards nothing. */
  closed: boolean;
  seriesId: string | null;
  seriesTitle: string | null;
  badges: BadgeToEarn[];
  /** Titles of the sessions and series the rules name. */
  names: Map<string, string>;
}

async function present(db: DbOrTx, actor: Actor, rows: BadgeClassRow[]): Promise<{ badges: BadgeToEarn[]; names: Map<string, string> }> {
  const held = new Set((await listAwardsOf(db, actor.userId)).filter((a) => !a.award.revokedAt).map((a) => a.badge.id));
  const badges = rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    criteria: r.criteria,
    rule: RuleSchema.safeParse(r.rule).data ?? ({ kind: 'manual' } as Rule),
    competences: (r.competences as Competence[] | null) ?? [],
    earned: held.has(r.id),
  }));
  const names = await namesOf(db, { sessions: rows.flatMap((r) => (r.sessionId ? [r.sessionId] : [])), series: rows.flatMap((r) => (r.seriesId ? [r.seriesId] : [])) });
  return { badges, names };
}

/** The badges of a session (the policy has let the actor see it: published, or a draft they manage). */
export async function sessionBadges(db: DbOrTx, actor: Actor, sessionId: string): Promise<EarnPage> {
  const session = await getSession(db, sessionId);
  if (!session) throw new NotFoundError(`No session ${sessionId}`);
  const closed = session.status === 'cancelled' || session.status === 'archived';
  const rows = closed ? [] : await listEarnable(db, { sessionIds: [session.id], seriesId: session.seriesId });
  return { title: session.title, closed, seriesId: session.seriesId, seriesTitle: session.seriesTitle, ...(await present(db, actor, rows)) };
}

/** The badges of a series and of its published sessions; 404 for an unknown series. */
export async function seriesBadges(db: DbOrTx, actor: Actor, seriesId: string): Promise<EarnPage & { ownerContextRef: string | null }> {
  const series = await findSeriesFacts(db, seriesId);
  if (!series) throw new NotFoundError(`No series ${seriesId}`, { messageKey: 'badges.errors.series_not_found' });
  const title = (await namesOf(db, { sessions: [], series: [seriesId] })).get(seriesId) ?? '';
  const sessions = await searchSessions(db, { seriesId, status: 'published', limit: 500 });
  const rows = await listEarnable(db, { sessionIds: sessions.map((s) => s.id), seriesId });
  return { title, closed: false, seriesId, seriesTitle: title, ownerContextRef: series.ownerContextRef, ...(await present(db, actor, rows)) };
}

/** How many badges one can earn through a session (its own and its series'), for a link from its page. */
export async function countSessionBadges(db: DbOrTx, session: { id: string; seriesId: string | null; status: string }): Promise<number> {
  if (session.status === 'cancelled' || session.status === 'archived') return 0;
  return (await listEarnable(db, { sessionIds: [session.id], seriesId: session.seriesId })).length;
}
