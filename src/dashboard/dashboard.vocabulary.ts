/**
 * The xAPI vocabulary the dashboards read (../shared/reference/xapi.md). Extensions are matched by the last
 * segment of their IRI (e.g. `…/extensions/service`), so that the profile's base IRI may change.
 */
export const VERB = {
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  attended: 'http://adlnet.gov/expapi/verbs/attended',
  experienced: 'http://adlnet.gov/expapi/verbs/experienced',
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  rated: 'http://id.tincanapi.com/verb/rated',
  voided: 'http://adlnet.gov/expapi/verbs/voided',
} as const;

/** Verbs accepted for "expressed a training need" (the profile picks one; others' tools may use another). */
export const NEED_VERBS = new Set([
  'https://w3id.org/xapi/dod-isd/verbs/recommended',
  'http://id.tincanapi.com/verb/requested',
  'https://w3id.org/xapi/adl/verbs/requested',
]);

export const ACTIVITY_TYPE = {
  meeting: 'http://adlnet.gov/expapi/activities/meeting',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  competency: 'https://w3id.org/xapi/tla/activity-types/competency',
  course: 'http://adlnet.gov/expapi/activities/course',
} as const;

/** Last IRI segments of the context and result extensions the dashboards read. */
export const EXT = {
  /** Context: the person's service (rectorat / DSDEN service), from the LMS profile at launch. */
  service: 'service',
  /** Context: the person's job family (for Borich targets). */
  jobFamily: 'job-family',
  /** Context: self-positioning moment, "before", "after" or "then". */
  moment: 'moment',
  /** Result or context: certainty 1–4 of a quiz answer. */
  certainty: 'certainty',
  /** Result: D+30 follow-up. */
  usedSince: 'used-since',
  frequency: 'frequency',
  obstacles: 'obstacles',
  /** Object definition or context: kind of training need (tool, theme, competence, free-text). */
  needType: 'need-type',
  /** Context: the kind of "completed" object (session follow-up vs quiz) when types are absent. */
  followUp: 'follow-up',
} as const;

export const MOMENTS = ['before', 'after', 'then'] as const;
export type Moment = (typeof MOMENTS)[number];
export const NEED_TYPES = ['tool', 'theme', 'competence', 'free-text'] as const;
export type NeedType = (typeof NEED_TYPES)[number];

/** Top of the CRCN scale used by self-positioning. */
export const LEVEL_MAX = 8;
