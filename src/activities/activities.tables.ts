import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ltiContexts, ltiLaunches, ltiResourceLinks, ltiUsers } from '../lti/lti.tables';

/** Drizzle tables of the activities slice (migrations 05xx). */

export const ACTIVITY_KINDS = ['self-positioning', 'quiz', 'needs', 'satisfaction', 'follow-up'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const activityConfigs = pgTable(
  'activity_configs',
  {
    sessionId: uuid('session_id').notNull(),
    kind: text('kind', { enum: ACTIVITY_KINDS }).notNull(),
    required: boolean('required').notNull().default(false),
    /** False for a quiz kept with its questions but not offered to participants (0540). */
    offered: boolean('offered').notNull().default(true),
    settings: jsonb('settings').notNull().default({}),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.kind] })],
);

export const activityAttempts = pgTable(
  'activity_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id').notNull(),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    contextRef: uuid('context_ref').references(() => ltiContexts.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: ACTIVITY_KINDS }).notNull(),
    startedAt: ts('started_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
    result: jsonb('result'),
  },
  (t) => [unique().on(t.sessionId, t.userRef, t.kind), index('activity_attempts_session_idx').on(t.sessionId, t.kind)],
);

export const activityAnswers = pgTable(
  'activity_answers',
  {
    attemptId: uuid('attempt_id').notNull().references(() => activityAttempts.id, { onDelete: 'cascade' }),
    questionKey: text('question_key').notNull(),
    value: jsonb('value').notNull(),
    answeredAt: ts('answered_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.questionKey] })],
);

export const activityAttendances = pgTable(
  'activity_attendances',
  {
    sessionId: uuid('session_id').notNull(),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    method: text('method', { enum: ['code', 'qr', 'manual'] }).notNull(),
    markedBy: uuid('marked_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
    attendedAt: ts('attended_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userRef] })],
);

export const activityCheckinCodes = pgTable('activity_checkin_codes', {
  sessionId: uuid('session_id').primaryKey(),
  code: text('code').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const activityCheckinFailures = pgTable(
  'activity_checkin_failures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').notNull(),
    attemptedAt: ts('attempted_at').notNull().defaultNow(),
  },
  (t) => [index('activity_checkin_failures_user_idx').on(t.userRef, t.attemptedAt)],
);

export const activityResourceOpens = pgTable(
  'activity_resource_opens',
  {
    resourceId: uuid('resource_id').notNull(),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').notNull(),
    firstOpenedAt: ts('first_opened_at').notNull().defaultNow(),
    lastOpenedAt: ts('last_opened_at').notNull().defaultNow(),
    openCount: integer('open_count').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.resourceId, t.userRef] })],
);

export const activitySessionCompletions = pgTable(
  'activity_session_completions',
  {
    sessionId: uuid('session_id').notNull(),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    completedAt: ts('completed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.userRef] })],
);

export const activityNeedTopics = pgTable(
  'activity_need_topics',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['tool', 'theme'] }).notNull(),
    label: text('label').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('activity_need_topics_label_idx').on(t.kind, sql`lower(${t.label})`)],
);

export const activityOffers = pgTable(
  'activity_offers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    contextRef: uuid('context_ref').references(() => ltiContexts.id, { onDelete: 'set null' }),
    tool: text('tool').notNull(),
    description: text('description').notNull(),
    competence: text('competence'),
    createdAt: ts('created_at').notNull().defaultNow(),
    // Taken up by an organiser (migration 0541): the session it became, when, by whom, and the `hosted` statement recorded.
    takenUpSessionId: uuid('taken_up_session_id'),
    takenUpAt: ts('taken_up_at'),
    takenUpBy: uuid('taken_up_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
    takenUpStatementId: uuid('taken_up_statement_id'),
  },
  (t) => [
    index('activity_offers_context_idx').on(t.contextRef, t.createdAt),
    index('activity_offers_taken_up_session_idx').on(t.takenUpSessionId).where(sql`${t.takenUpSessionId} is not null`),
  ],
);

export const activityLaunchEvents = pgTable('activity_launch_events', {
  launchId: uuid('launch_id')
    .primaryKey()
    .references(() => ltiLaunches.id, { onDelete: 'cascade' }),
  sessionId: uuid('session_id').notNull(),
  recordedAt: ts('recorded_at').notNull().defaultNow(),
});

/** Short check-in addresses of the QR code (0530): a key for a session and the activity its screen was shown from. */
export const activityCheckinLinks = pgTable(
  'activity_checkin_links',
  {
    key: text('key').primaryKey(),
    sessionId: uuid('session_id').notNull(),
    resourceLinkRef: uuid('resource_link_ref').references(() => ltiResourceLinks.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [unique('activity_checkin_links_session_link_key').on(t.sessionId, t.resourceLinkRef).nullsNotDistinct()],
);
