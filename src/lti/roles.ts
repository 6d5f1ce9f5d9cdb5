/** What an LTI role list means in Instants. */
export interface MappedRole {
  role: 'participant' | 'organiser';
  isAdmin: boolean;
}

/** Context roles that author and run sessions (LIS v2 membership vocabulary; short or full form). */
const ORGANISER_ROLES = new Set(['Instructor', 'ContentDeveloper', 'TeachingAssistant', 'Mentor', 'Administrator']);
const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership';
const ADMIN_ROLES = new Set([
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
  'urn:lti:instrole:ims/lis/Administrator',
  'urn:lti:sysrole:ims/lis/Administrator',
  'urn:lti:sysrole:ims/lis/SysAdmin',
]);

/** The context role named by one role string, or undefined for institution, system or unknown roles. */
function contextRole(role: string): string | undefined {
  const r = role.trim();
  if (!r) return undefined;
  // Short form (LTI 1.3 allows the simple name for context roles).
  if (/^[A-Za-z]+$/.test(r)) return r;
  // Full form, or a sub-role such as membership/Instructor#TeachingAssistant.
  if (r.startsWith(`${MEMBERSHIP}#`)) return r.slice(MEMBERSHIP.length + 1);
  if (r.startsWith(`${MEMBERSHIP}/`)) return r.slice(r.indexOf('#') + 1) || undefined;
  if (r.startsWith('urn:lti:role:ims/lis/')) return r.slice('urn:lti:role:ims/lis/'.length).split('/').pop();
  return undefined;
}

/**
 * Learner, unknown and empty roles give a participant (least privilege); Instructor, ContentDeveloper,
 * TeachingAssistant, Mentor and institution or system Administrator give an organiser, the last two also
 * an administrator.
 */
export function mapRoles(roles: readonly string[]): MappedRole {
  const isAdmin = roles.some((r) => ADMIN_ROLES.has(r.trim()));
  const organiser = isAdmin || roles.some((r) => ORGANISER_ROLES.has(contextRole(r) ?? ''));
  return { role: organiser ? 'organiser' : 'participant', isAdmin };
}
