/** What Moodle's LTI Advantage services hold, as the demo platform and the test simulator play them. */

/** A member of a course, as Moodle's NRPS describes them. */
export interface CourseMember {
  userId: string;
  /** Short role names as Moodle sends them (`Learner`, `Instructor`) or full IRIs. */
  roles: string[];
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  /** Suspended enrolments are not listed by Moodle's NRPS. */
  status?: 'Active' | 'Inactive';
}

/** A grade item of a course. Ids are opaque path segments (Moodle's are numbers). */
export interface LineItem {
  id: string;
  contextId: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
  resourceId?: string;
  tag?: string;
}

/** One grade as Moodle's gradebook keeps it. */
export interface Grade {
  /** The rescaled grade (to the item's maximum), or null when not FullyGraded. */
  grade: number | null;
  /** Seconds, as Moodle's `timemodified`. */
  timemodified: number;
  activityProgress: string;
  gradingProgress: string;
  comment?: string;
}

/** A tool registered with the platform. */
export interface ServiceTool {
  clientId: string;
  /** The tool type id, which Moodle uses as deployment id. */
  typeId: string;
  /** Where to fetch the tool's key set, or the key set itself. */
  jwksUrl?: string;
  jwks?: { keys: Array<Record<string, unknown>> };
  /** Scopes the tool may be granted (default: AGS and NRPS). */
  scopes?: string[];
}

/** Every accepted score post, as received. */
export interface ScorePost {
  lineItemId: string;
  userId: string;
  body: Record<string, unknown>;
}
