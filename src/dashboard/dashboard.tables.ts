import { bigint, boolean, date, doublePrecision, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle tables of the dashboard slice (migrations 07xx); documented in migrations/0700_dashboard_rollups.sql. */

const tz = (name: string) => timestamp(name, { withTimezone: true });

export const dashCursor = pgTable('dash_cursor', {
  id: text('id').primaryKey(),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  gaps: jsonb('gaps').notNull().default([]),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const dashSessions = pgTable('dash_sessions', {
  sessionKey: text('session_key').primaryKey(),
  sessionId: text('session_id'),
  title: text('title'),
  tool: text('tool'),
  seriesKey: text('series_key'),
  seriesTitle: text('series_title'),
  competences: jsonb('competences').notNull().default([]),
  firstAt: tz('first_at').notNull(),
  lastAt: tz('last_at').notNull(),
  metaAt: tz('meta_at').notNull(),
  metaStmt: uuid('meta_stmt').notNull(),
});

export const dashCourses = pgTable('dash_courses', {
  courseKey: text('course_key').primaryKey(),
  issuer: text('issuer'),
  contextId: text('context_id'),
  title: text('title'),
});

export const dashPeople = pgTable('dash_people', {
  actor: text('actor').primaryKey(),
  service: text('service'),
  jobFamily: text('job_family'),
  at: tz('at').notNull(),
  stmt: uuid('stmt').notNull(),
});

export const dashParticipation = pgTable(
  'dash_participation',
  {
    sessionKey: text('session_key').notNull(),
    actor: text('actor').notNull(),
    courseKey: text('course_key'),
    launched: boolean('launched').notNull().default(false),
    attended: boolean('attended').notNull().default(false),
    completed: boolean('completed').notNull().default(false),
    firstAt: tz('first_at').notNull(),
    attendedAt: tz('attended_at'),
  },
  (t) => [primaryKey({ columns: [t.sessionKey, t.actor] })],
);

export const dashResourceOpens = pgTable(
  'dash_resource_opens',
  { sessionKey: text('session_key').notNull(), resourceKey: text('resource_key').notNull(), actor: text('actor').notNull(), title: text('title'), firstAt: tz('first_at').notNull() },
  (t) => [primaryKey({ columns: [t.sessionKey, t.resourceKey, t.actor] })],
);

export const dashAnswers = pgTable(
  'dash_answers',
  {
    sessionKey: text('session_key').notNull(),
    questionKey: text('question_key').notNull(),
    actor: text('actor').notNull(),
    questionText: text('question_text'),
    success: boolean('success'),
    certainty: integer('certainty'),
    at: tz('at').notNull(),
    stmt: uuid('stmt').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionKey, t.questionKey, t.actor] })],
);

export const dashPositions = pgTable(
  'dash_positions',
  {
    sessionKey: text('session_key').notNull(),
    competence: text('competence').notNull(),
    actor: text('actor').notNull(),
    moment: text('moment').notNull(),
    level: integer('level').notNull(),
    at: tz('at').notNull(),
    stmt: uuid('stmt').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionKey, t.competence, t.actor, t.moment] })],
);

export const dashRatings = pgTable(
  'dash_ratings',
  { sessionKey: text('session_key').notNull(), actor: text('actor').notNull(), scaled: doublePrecision('scaled').notNull(), at: tz('at').notNull(), stmt: uuid('stmt').notNull() },
  (t) => [primaryKey({ columns: [t.sessionKey, t.actor] })],
);

export const dashFollowups = pgTable(
  'dash_followups',
  {
    sessionKey: text('session_key').notNull(),
    actor: text('actor').notNull(),
    usedSince: boolean('used_since').notNull(),
    frequency: text('frequency'),
    obstacles: jsonb('obstacles').notNull().default([]),
    at: tz('at').notNull(),
    stmt: uuid('stmt').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionKey, t.actor] })],
);

export const dashNeeds = pgTable(
  'dash_needs',
  {
    actor: text('actor').notNull(),
    needType: text('need_type').notNull(),
    needKey: text('need_key').notNull(),
    day: date('day').notNull(),
    label: text('label').notNull(),
    sessionKey: text('session_key'),
  },
  (t) => [primaryKey({ columns: [t.actor, t.needType, t.needKey, t.day] })],
);

export const dashTargets = pgTable(
  'dash_targets',
  { competence: text('competence').notNull(), jobFamily: text('job_family').notNull(), level: integer('level').notNull(), updatedAt: tz('updated_at').notNull().defaultNow() },
  (t) => [primaryKey({ columns: [t.competence, t.jobFamily] })],
);
