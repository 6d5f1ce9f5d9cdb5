/** The grades slice's public surface: gradebook scores (LTI AGS) and course rosters (LTI NRPS). */
export { createScoreHandler, SCORE_KIND, LINE_ITEM_TAG, type GradesDeps, type ScoreOutcome } from './score.handler';
export { queueSessionScore, retryRefusedScores, gradeSync, type SessionResult } from './scores.service';
export { getServiceToken, signClientAssertion, SCOPES, type CredentialsSource, type ServiceCredentials } from './service-token';
