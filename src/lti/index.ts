/** The lti slice's public surface. */
export {
  actorOf,
  canSeeContext,
  LaunchSessionSchema,
  loadActor,
  loadActorForLaunch,
  requireLaunch,
  requireOrganiser,
  startLaunchSession,
  type Actor,
} from './actor';
