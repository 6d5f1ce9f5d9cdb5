/** The lti slice's public surface. */
export {
  actorOf,
  canSeeContext,
  LaunchSessionSchema,
  loadActor,
  loadSessionWithActor,
  loadActorForLaunch,
  startLaunchSession,
  type Actor,
} from './actor';
export { mountLti, ltiOf } from './lti.routes';
export { addLaunchHook, type LaunchHook, type LaunchRecorded } from './launch-hooks';
export { activatePlatform, createRegistrationLink, decideRegistration, RegistrationRefused } from './registration/registration.service';
export { listPending as listPendingRegistrations } from './registration/registration.repo';
export { buildDeepLinkingResponse, deepLinkingOf, isPlatformReturnUrl, type PickedSession } from './deep-linking.service';
export { bindResourceLink } from './launch.repo';
export { checkFormToken, formToken } from './resume-token';
export { mapRoles, type MappedRole } from './roles';
export type { LaunchContext } from './launch.schema';
export { LtiLaunchError, type LtiRefusal } from './lti.errors';
export { openLti, addPlatform, listPlatformRecords, findPlatformRecord, removePlatform, type LtiServices, type PlatformRecord } from './registry';
export type { PlatformInfo, PlatformInput } from './platform.types';
export { nrpsRolesOf, PlatformCore, ROLE_URI, type LaunchSpec, type Tamper, type FormPost } from './demo/platform-core';
export { platformRouter, autoSubmitPage } from './demo/platform.routes';
export { createPlatformServices, MEDIA, SERVICE_SCOPES, type PlatformServicesCore } from './demo/services.router';
export type { CourseMember, Grade, LineItem, ScorePost, ServiceTool } from './demo/services.types';
export { DEMO_CLIENT_ID, DEMO_COURSE, DEMO_DEPLOYMENT_ID, DEMO_ISSUER } from './demo/demo-platform';
export { ensureDemoContext, ensureDemoUsers } from './demo/demo-course.repo';
export { ltiPersonalData } from './personal-data';
