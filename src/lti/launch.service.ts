import type { LaunchSessionPort } from '../platform/context';
import { isUuid } from './uuid';
import type { LaunchContext } from './launch.schema';
import { saveLaunch } from './launch.repo';
import type { LtiServices } from './registry';
import { mapRoles, type MappedRole } from './roles';

/** Custom parameter that binds a Moodle activity to an Instants session (set by deep linking). */
export const SESSION_PARAM = 'instants_session';

/**
 * Where a launch lands, by message type, role and whether the resource link is bound to a session. An
 * administrator's launch from an activity with no session lands on their home (what needs attention across
 * courses, and the way to bind this activity), not on the binding page.
 */
export function destinationOf(messageType: LaunchContext['messageType'], role: MappedRole, sessionId: string | null): string {
  if (messageType === 'LtiDeepLinkingRequest') return '/lti/deep-linking';
  if (sessionId) return role.role === 'organiser' ? `/organiser/sessions/${sessionId}` : `/sessions/${sessionId}`;
  if (role.isAdmin) return '/home';
  return role.role === 'organiser' ? '/lti/bind' : '/lti/not-ready';
}

/**
 * Records a verified launch (user, course, resource link with its AGS endpoints, launch with its NRPS URL,
 * locale and return URL), binding the resource link to the session named by the custom parameter when the
 * launch's course may show it (`sessions.linkable`: its own session, or another course's published one; a
 * teacher can type any id into Moodle's custom parameters). Returns the launch id and where to send the browser.
 */
export async function completeLaunch(
  lti: LtiServices,
  launch: LaunchContext,
  sessions: Pick<LaunchSessionPort, 'linkable'>,
): Promise<{ launchId: string; userId: string; destination: string; role: 'participant' | 'organiser' }> {
  const mapped = mapRoles(launch.roles);
  const wanted = launch.custom[SESSION_PARAM];
  const course = { issuer: launch.issuer, deploymentId: launch.deploymentId, contextId: launch.context?.id ?? null };
  const bind = wanted && isUuid(wanted) && (await sessions.linkable(wanted, course)) ? wanted : null;
  const { launchId, userId, sessionId } = await saveLaunch(lti.db, launch, mapped, bind, lti.clock.now());
  return { launchId, userId, destination: destinationOf(launch.messageType, mapped, sessionId), role: mapped.role };
}
