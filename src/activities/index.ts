import type { Express } from 'express';
import type { AppContext } from '../platform/context';
import { mountActivitiesFormRoutes } from './activities-form.routes';
import { mountCheckinRoutes } from './checkin.routes';
import { mountOrganiserRoutes } from './organiser.routes';
import { mountParticipantRoutes } from './participant.routes';
import { mountScanRoutes } from './scan.routes';

/** The activities slice's public surface. */
export { onSessionCompleted, maybeCompleteSession } from './completion.service';
export { SCALE_STEPS } from './activities.schema';
export { recordLaunchEvent } from './launch.service';
export { personalHistoryOf } from './history';
export { configureDemoActivities, recordDemoAttendance } from './demo-activities';
export { mySessions, upcomingSessions } from './participant.service';
export type { ActivityDeps } from './answers.service';

/** Mounts the participant, check-in and organiser pages of the activities slice. */
export function mountActivities(app: Express, ctx: AppContext): void {
  mountCheckinRoutes(app, ctx);
  mountScanRoutes(app, ctx);
  mountParticipantRoutes(app, ctx);
  mountOrganiserRoutes(app, ctx);
  mountActivitiesFormRoutes(app, ctx);
}
export { activitiesPersonalData } from './personal-data';
