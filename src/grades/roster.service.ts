import { AppError } from '../platform/errors';
import { fetchAllMembers, type NrpsMember } from './nrps.client';
import { PlatformAnswerError } from './platform-http';
import { findCachedRoster, findContext, findMembershipsUrl, findStatuses, saveRoster } from './roster.repo';
import type { GradesDeps } from './score.handler';
import { findClientId } from './scores.repo';
import { dropServiceToken, getServiceToken, SCOPES } from './service-token';

export interface RosterOptions {
  /** How long a fetched roster is reused (seconds). */
  cacheSeconds: number;
  /** Members asked per NRPS page. */
  pageSize: number;
}

export const DEFAULT_ROSTER_OPTIONS: RosterOptions = { cacheSeconds: 600, pageSize: 100 };

/** A course's members as last read from the platform. */
export interface Roster {
  members: NrpsMember[];
  pages: number;
  fetchedAt: Date;
  fromCache: boolean;
}

/**
 * The members of a course (our context id) from the platform's NRPS, reused from the database while younger
 * than `cacheSeconds` unless `refresh`. Only organisers' pages and dashboards call this.
 */
export async function loadRoster(deps: GradesDeps, options: RosterOptions, contextRef: string, refresh = false): Promise<Roster> {
  const cached = await findCachedRoster(deps.db, contextRef);
  const now = deps.clock.now();
  if (cached && !refresh && now.getTime() - cached.fetchedAt.getTime() < options.cacheSeconds * 1000) {
    return { members: cached.members, pages: cached.pages, fetchedAt: cached.fetchedAt, fromCache: true };
  }
  const context = await findContext(deps.db, contextRef);
  const source = await findMembershipsUrl(deps.db, contextRef);
  if (!context || !source) throw notOffered('grades.roster_no_service', 'No membership service for this course');
  const clientId = source.clientId ?? (await findClientId(deps.db, context.issuer, context.deploymentId));
  const creds = clientId ? await deps.credentials(context.issuer, clientId) : undefined;
  if (!creds) throw notOffered('grades.roster_no_key', 'No key registered for this platform');
  const scopes = [SCOPES.memberships];
  try {
    let token = await getServiceToken(deps, creds, context.deploymentId, scopes);
    let result;
    try {
      result = await fetchAllMembers(deps.fetch ?? fetch, token, source.url, options.pageSize);
    } catch (err) {
      if (!(err instanceof PlatformAnswerError) || err.status !== 401) throw err;
      await dropServiceToken(deps.db, creds, scopes);
      token = await getServiceToken(deps, creds, context.deploymentId, scopes);
      result = await fetchAllMembers(deps.fetch ?? fetch, token, source.url, options.pageSize);
    }
    await saveRoster(deps.db, contextRef, result.members, result.pages, now);
    return { ...result, fetchedAt: now, fromCache: false };
  } catch (err) {
    deps.log.warn({ err, contextRef }, 'roster could not be read from the platform');
    if (cached) return { members: cached.members, pages: cached.pages, fetchedAt: cached.fetchedAt, fromCache: true };
    throw unavailable('grades.roster_platform_error', 'The platform did not answer with the course members', err);
  }
}

/** Each member with what they did for one session: launched Instants from the course (as an organiser, or not), attended, completed. */
export async function rosterWithStatuses(deps: GradesDeps, options: RosterOptions, contextRef: string, sessionId: string, refresh = false) {
  const roster = await loadRoster(deps, options, contextRef, refresh);
  const context = (await findContext(deps.db, contextRef))!;
  const s = await findStatuses(deps.db, context.issuer, contextRef, sessionId);
  const members = roster.members.map((m) => ({ ...m, launched: s.launched.has(m.userId), organiser: s.organisers.has(m.userId), attended: s.attended.has(m.userId), completed: s.completed.has(m.userId) }));
  return { ...roster, members, contextTitle: context.title };
}

/** 409: this course offers no roster (its launch gave no membership service, or no key): not a passing outage. */
function notOffered(messageKey: string, message: string): AppError {
  return new AppError('conflict', message, { messageKey, expose: true });
}

function unavailable(messageKey: string, message: string, cause?: unknown): AppError {
  return new AppError('unavailable', message, { messageKey, expose: true, cause });
}
