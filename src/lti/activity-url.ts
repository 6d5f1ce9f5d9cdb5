import type { LaunchContext } from './launch.schema';

/**
 * The address of a resource link's activity on its platform, when Instants knows how that platform names
 * it. Moodle's issuer is its `wwwroot`, and `mod/lti/view.php?l=<mdl_lti id>` (the resource link id) opens
 * the activity; on phones Moodle launches the tool in the same window (reference/lti.md). Other platforms:
 * null (the check-in page then names the course to open).
 */
export function activityUrlOf(launch: Pick<LaunchContext, 'issuer' | 'platformFamily' | 'resourceLink'>): string | null {
  if (launch.platformFamily !== 'moodle' || !launch.resourceLink) return null;
  let base: URL;
  try {
    base = new URL(launch.issuer);
  } catch {
    return null;
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') return null;
  return `${launch.issuer.replace(/\/+$/, '')}/mod/lti/view.php?l=${encodeURIComponent(launch.resourceLink.id)}`;
}
