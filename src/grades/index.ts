/** The grades slice's public surface: gradebook scores (LTI AGS) and course rosters (LTI NRPS). */
export { mountGrades, courseRoster, gradesDepsOf, ltiCredentials } from './grades.mount';
export { createScoreHandler, SCORE_KIND, LINE_ITEM_TAG, type GradesDeps, type ScoreOutcome } from './score.handler';
export { queueSessionScore, retryRefusedScores, gradeSync, type SessionResult } from './scores.service';
export { countRefusedBySession } from './scores.repo';
export { loadRoster, rosterWithStatuses, DEFAULT_ROSTER_OPTIONS, type Roster, type RosterOptions } from './roster.service';
export type { NrpsMember } from './nrps.client';
export { getServiceToken, signClientAssertion, SCOPES, type CredentialsSource, type ServiceCredentials } from './service-token';
export { gradesPersonalData } from './personal-data';
