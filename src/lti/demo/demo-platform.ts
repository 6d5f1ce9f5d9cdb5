import type { AppContext } from '../../platform/context';
import { addPlatform, listPlatformRecords, removePlatform, type LtiServices } from '../registry';
import { courseMembers } from './personas';
import { PlatformCore } from './platform-core';
import { createPlatformServices, type PlatformServicesCore } from './services.router';

export const DEMO_CLIENT_ID = 'instants-demo';
/**
 * The demo Moodle's issuer: the same whatever address Instants answers on, so that one registration, its
 * launches and the demo data (`seed --demo`, whose pseudonyms derive from the issuer) survive a new port.
 * Nothing is fetched from it: the registration's endpoints follow PUBLIC_URL.
 */
export const DEMO_ISSUER = 'https://moodle.demo.invalid';
export const DEMO_DEPLOYMENT_ID = '1';
export const DEMO_COURSE = { id: 'demo-course', title: 'Cours de démonstration' } as const;

/** The demo platform: its LTI core (OIDC, signed tokens) and its Moodle services (AGS, NRPS). */
export interface DemoPlatform {
  core: PlatformCore;
  services: PlatformServicesCore;
  /** Absolute URL of the platform's OIDC endpoints (`/demo/platform`). */
  platformBase: string;
}

const LINK_ITEM = 'link-';

/** A coupled line item's id, made from its resource link: it names the same column after a restart (the gradebook is in memory). */
export function lineItemIdOf(resourceLinkId: string): string {
  return `${LINK_ITEM}${Buffer.from(resourceLinkId).toString('base64url')}`;
}

/** The coupled line item an id names, for the services to recreate after a restart. */
function coupledItemOf(itemId: string) {
  if (!itemId.startsWith(LINK_ITEM)) return undefined;
  const resourceLinkId = Buffer.from(itemId.slice(LINK_ITEM.length), 'base64url').toString('utf8');
  return resourceLinkId && lineItemIdOf(resourceLinkId) === itemId ? { label: 'Instants', scoreMaximum: 100, resourceLinkId } : undefined;
}

/**
 * Builds the demo platform for this app and registers it with Instants (updating the one registration on
 * every start; registrations a previous version made per address, `<url>/demo`, are removed).
 */
export async function openDemoPlatform(ctx: AppContext, lti: LtiServices): Promise<DemoPlatform> {
  const base = ctx.config.http.publicUrl;
  const platformBase = `${base}/demo/platform`;
  const services = createPlatformServices({ baseUrl: `${base}/demo`, gate: ctx.allow.credential(), now: () => ctx.clock.now(), recoverLineItem: (_contextId, itemId) => coupledItemOf(itemId) });
  services.registerTool({ clientId: DEMO_CLIENT_ID, typeId: DEMO_DEPLOYMENT_ID, jwksUrl: `${base}/lti/keys` });
  const course = services.addCourse(DEMO_COURSE.id, courseMembers(), DEMO_DEPLOYMENT_ID);
  const core = await PlatformCore.create({
    issuer: DEMO_ISSUER,
    clientId: DEMO_CLIENT_ID,
    deploymentId: DEMO_DEPLOYMENT_ID,
    tool: { loginUrl: `${base}/lti/login`, launchUrl: `${base}/lti`, keySetUrl: `${base}/lti/keys` },
    deepLinkReturnUrl: `${platformBase}/deep-linking/return`,
    // Like Moodle, every activity has its own grade item (the coupled line item of its resource link).
    serviceUrls: ({ contextId, resourceLinkId, title }) => {
      const urls = contextId === DEMO_COURSE.id ? course : services.addCourse(contextId, [], DEMO_DEPLOYMENT_ID);
      const lineitem = services.addLineItem(contextId, { id: lineItemIdOf(resourceLinkId), label: title, scoreMaximum: 100, resourceLinkId }, DEMO_DEPLOYMENT_ID);
      return { lineitems: urls.lineitems, lineitem, memberships: urls.memberships };
    },
  });
  for (const old of await listPlatformRecords(lti)) {
    if (old.clientId === DEMO_CLIENT_ID && old.issuer !== DEMO_ISSUER && old.issuer.endsWith('/demo')) await removePlatform(lti, old.issuer, old.clientId);
  }
  await addPlatform(
    lti,
    {
      issuer: DEMO_ISSUER,
      clientId: DEMO_CLIENT_ID,
      name: 'Moodle de démonstration',
      authEndpoint: `${platformBase}/auth`,
      tokenEndpoint: services.tokenUrl,
      keys: { method: 'JWK_SET', key: `${platformBase}/jwks` },
    },
    [DEMO_DEPLOYMENT_ID],
  );
  return { core, services, platformBase };
}
