import type { Actor } from '../lti';
import { findAttendance } from './activities.repo';
import type { ActivityDeps } from './answers.service';
import { loadSession, type CatalogSession } from './catalog.port';
import { activitiesOfSession, findCheckinLink } from './checkin-links.repo';
import { CHECKIN_MARGIN_MS, inCheckinWindow } from './checkin.service';

export { parseScan } from './checkin-address';

/**
 * The QR code's short address, `/c/<key>?c=<code>`, scanned by a phone's camera. The key (not a secret) names
 * the session and the activity its screen was shown from; the code is the session's check-in code, checked
 * only once the person is known, by `checkIn` (window, per-person rate limit). Nothing here tells a
 * visitor whether a code is right.
 */

export type ScanOutcome =
  | { kind: 'unknown' }
  | { kind: 'present'; session: CatalogSession; at: Date }
  | { kind: 'closed'; session: CatalogSession; closesAt: Date | null }
  | { kind: 'not_yet'; session: CatalogSession; opensAt: Date }
  | { kind: 'confirm'; session: CatalogSession; code: string }
  | { kind: 'sign_in'; session: CatalogSession; activityUrl: string | null; courseTitle: string | null; closesAt: Date };

/**
 * What a scan leads to. With a launch in this browser: the check-in form to send at once (`confirm`), or
 * `present`. Without one: `sign_in`, through the activity on its platform when its address is known. A
 * session past its window, cancelled or archived is `closed`; a draft or an unknown key is `unknown`.
 */
export async function scanCheckin(deps: Pick<ActivityDeps, 'db' | 'clock'>, actor: Actor | undefined, scan: { key: string; code: string }): Promise<ScanOutcome> {
  const link = await findCheckinLink(deps.db, scan.key);
  const session = link ? await loadSession(deps.db, link.sessionId) : undefined;
  if (!link || !session || session.status === 'draft') return { kind: 'unknown' };
  if (actor) {
    const attendance = await findAttendance(deps.db, session.id, actor.userId);
    if (attendance) return { kind: 'present', session, at: attendance.attendedAt };
  }
  const now = deps.clock.now();
  const closesAt = new Date(session.endsAt.getTime() + CHECKIN_MARGIN_MS);
  if (session.status !== 'published') return { kind: 'closed', session, closesAt: null };
  if (!inCheckinWindow(session, now)) {
    return now < session.startsAt ? { kind: 'not_yet', session, opensAt: new Date(session.startsAt.getTime() - CHECKIN_MARGIN_MS) } : { kind: 'closed', session, closesAt };
  }
  if (actor) return { kind: 'confirm', session, code: scan.code };
  const [activity] = await activitiesOfSession(deps.db, session.id, link.resourceLinkRef, session.ownerContextRef);
  return { kind: 'sign_in', session, activityUrl: activity?.activityUrl ?? null, courseTitle: activity?.courseTitle ?? null, closesAt };
}
