import { bigserial, boolean, date, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { ltiUsers } from '../lti/lti.tables';

/** Drizzle tables of the fabrique slice (migrations 08xx). */

const ts = (name: string) => timestamp(name, { withTimezone: true });
const userRef = (name: string) => uuid(name).references(() => ltiUsers.id, { onDelete: 'set null' });

/** Proposal stages, then beta.gouv's phases. */
export const STAGES = ['proposed', 'declined', 'investigation', 'construction', 'acceleration', 'transferred', 'stopped'] as const;
export type Stage = (typeof STAGES)[number];
export const TIMEBOX_KINDS = ['week', 'weekly', 'custom'] as const;
export const DELIVERABLE_STATUSES = ['planned', 'in_progress', 'delivered'] as const;
export const MEMBER_ROLES = ['facilitator', 'member', 'sponsor'] as const;
export const MEMBER_STATUSES = ['invited', 'accepted', 'declined', 'left'] as const;

/** Where a proposal came from when created from the emerging-needs dashboard. */
export interface FromNeed {
  type: string;
  label: string;
  key: string | null;
}

export const fabriqueCommittee = pgTable('fabrique_committee', {
  userRef: uuid('user_ref')
    .primaryKey()
    .references(() => ltiUsers.id, { onDelete: 'cascade' }),
  namedBy: userRef('named_by'),
  namedAt: ts('named_at').notNull().defaultNow(),
});

export const fabriqueProjects = pgTable('fabrique_projects', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  problem: text('problem').notNull(),
  beneficiaries: text('beneficiaries').notNull(),
  services: text('services').array().notNull().default([]),
  outcome: text('outcome').notNull(),
  timeNeeded: text('time_needed').notNull().default(''),
  fromNeed: jsonb('from_need').$type<FromNeed | null>(),
  proposerRef: userRef('proposer_ref'),
  stage: text('stage', { enum: STAGES }).notNull().default('proposed'),
  decisionReason: text('decision_reason'),
  decidedAt: ts('decided_at'),
  objectives: text('objectives').notNull().default(''),
  resources: text('resources').notNull().default(''),
  timeboxKind: text('timebox_kind', { enum: TIMEBOX_KINDS }),
  timeboxWeeks: integer('timebox_weeks'),
  timeboxCustom: text('timebox_custom'),
  facilitatorRef: userRef('facilitator_ref'),
  impactMeasure: text('impact_measure').notNull().default(''),
  impactTarget: numeric('impact_target', { mode: 'number' }),
  impactCurrent: numeric('impact_current', { mode: 'number' }),
  framedAt: ts('framed_at'),
  nextReviewOn: date('next_review_on'),
  transferredTo: text('transferred_to'),
  postmortem: text('postmortem'),
  creationKey: uuid('creation_key').unique(),
  version: integer('version').notNull().default(1),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const fabriqueDeliverables = pgTable('fabrique_deliverables', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id')
    .notNull()
    .references(() => fabriqueProjects.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  dueOn: date('due_on').notNull(),
  status: text('status', { enum: DELIVERABLE_STATUSES }).notNull().default('planned'),
  deliveredAt: ts('delivered_at'),
  position: integer('position').notNull().default(0),
});

export const fabriqueSupports = pgTable(
  'fabrique_supports',
  {
    projectId: uuid('project_id')
      .notNull()
      .references(() => fabriqueProjects.id, { onDelete: 'cascade' }),
    userRef: uuid('user_ref')
      .notNull()
      .references(() => ltiUsers.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userRef] })],
);

export const fabriqueComments = pgTable('fabrique_comments', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id')
    .notNull()
    .references(() => fabriqueProjects.id, { onDelete: 'cascade' }),
  authorRef: userRef('author_ref'),
  kind: text('kind', { enum: ['comment', 'question'] }).notNull().default('comment'),
  body: text('body').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const fabriqueHistory = pgTable('fabrique_history', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  projectId: uuid('project_id')
    .notNull()
    .references(() => fabriqueProjects.id, { onDelete: 'cascade' }),
  actorRef: userRef('actor_ref'),
  action: text('action').notNull(),
  reason: text('reason'),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  at: ts('at').notNull(),
});

export const fabriqueReviews = pgTable('fabrique_reviews', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id')
    .notNull()
    .references(() => fabriqueProjects.id, { onDelete: 'cascade' }),
  heldOn: date('held_on').notNull(),
  fromStage: text('from_stage', { enum: STAGES }).notNull(),
  toStage: text('to_stage', { enum: STAGES }).notNull(),
  note: text('note').notNull(),
  decidedBy: userRef('decided_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const fabriqueProfiles = pgTable('fabrique_profiles', {
  userRef: uuid('user_ref')
    .primaryKey()
    .references(() => ltiUsers.id, { onDelete: 'cascade' }),
  optedIn: boolean('opted_in').notNull().default(false),
  confirmedAt: ts('confirmed_at'),
  description: text('description').notNull().default(''),
  tools: text('tools').array().notNull().default([]),
  version: integer('version').notNull().default(1),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const fabriqueProfileSkills = pgTable(
  'fabrique_profile_skills',
  {
    userRef: uuid('user_ref')
      .notNull()
      .references(() => fabriqueProfiles.userRef, { onDelete: 'cascade' }),
    framework: text('framework').notNull(),
    code: text('code').notNull(),
    level: integer('level').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userRef, t.framework, t.code] })],
);

export const fabriqueMembers = pgTable(
  'fabrique_members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => fabriqueProjects.id, { onDelete: 'cascade' }),
    userRef: uuid('user_ref')
      .notNull()
      .references(() => ltiUsers.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MEMBER_ROLES }).notNull(),
    status: text('status', { enum: MEMBER_STATUSES }).notNull().default('invited'),
    message: text('message').notNull().default(''),
    timeAsked: text('time_asked').notNull().default(''),
    hoursCommitted: numeric('hours_committed', { mode: 'number' }),
    shownOnBoard: boolean('shown_on_board').notNull().default(false),
    invitedBy: userRef('invited_by'),
    invitedAt: ts('invited_at').notNull(),
    respondedAt: ts('responded_at'),
  },
  (t) => [unique().on(t.projectId, t.userRef)],
);

export const fabriqueProgress = pgTable('fabrique_progress', {
  id: uuid('id').primaryKey().defaultRandom(),
  projectId: uuid('project_id')
    .notNull()
    .references(() => fabriqueProjects.id, { onDelete: 'cascade' }),
  authorRef: userRef('author_ref'),
  body: text('body').notNull(),
  at: ts('at').notNull(),
});
