import { doublePrecision, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { ltiContexts, ltiResourceLinks, ltiUsers } from '../lti/lti.tables';

/** Drizzle tables of the grades slice (migrations 06xx). */

export const gradesServiceTokens = pgTable('grades_service_tokens', {
  cacheKey: text('cache_key').primaryKey(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  scopes: text('scopes').array().notNull(),
  accessToken: text('access_token').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  refreshingUntil: timestamp('refreshing_until', { withTimezone: true }),
});

export const gradesLineItems = pgTable('grades_line_items', {
  resourceLinkRef: uuid('resource_link_ref')
    .primaryKey()
    .references(() => ltiResourceLinks.id, { onDelete: 'cascade' }),
  lineitemUrl: text('lineitem_url').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const gradesScores = pgTable(
  'grades_scores',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    resourceLinkRef: uuid('resource_link_ref')
      .notNull()
      .references(() => ltiResourceLinks.id, { onDelete: 'cascade' }),
    userRef: uuid('user_ref')
      .notNull()
      .references(() => ltiUsers.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id'),
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    deploymentId: text('deployment_id').notNull(),
    scoreGiven: doublePrecision('score_given'),
    scoreMaximum: doublePrecision('score_maximum').notNull(),
    activityProgress: text('activity_progress').notNull(),
    gradingProgress: text('grading_progress').notNull(),
    comment: text('comment'),
    scoreTimestamp: timestamp('score_timestamp', { withTimezone: true }).notNull(),
    version: integer('version').notNull().default(1),
    deliveredVersion: integer('delivered_version').notNull().default(0),
    status: text('status', { enum: ['pending', 'delivered', 'refused'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    remoteStatus: integer('remote_status'),
    remoteBody: text('remote_body'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.resourceLinkRef, t.userRef), index('grades_scores_session_idx').on(t.sessionId, t.status)],
);

export const gradesSettings = pgTable('grades_settings', {
  sessionId: uuid('session_id').primaryKey(),
  scoreMode: text('score_mode', { enum: ['completion', 'quiz'] }).notNull().default('completion'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const gradesRosters = pgTable('grades_rosters', {
  contextRef: uuid('context_ref')
    .primaryKey()
    .references(() => ltiContexts.id, { onDelete: 'cascade' }),
  members: jsonb('members').notNull(),
  memberCount: integer('member_count').notNull(),
  pages: integer('pages').notNull(),
  fetchedAt: timestamp('fetched_at', { withTimezone: true }).notNull(),
});
