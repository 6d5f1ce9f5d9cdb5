/** The lti slice's public surface. */
export {
  actorOf,
  canSeeContext,
  LaunchSessionSchema,
  loadActor,
  loadActorForLaunch,
  requireAdmin,
  requireLaunch,
  requireOrganiser,
  startLaunchSession,
  type Actor,
} from './actor';
