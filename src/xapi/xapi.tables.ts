import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle tables of the xapi slice (migrations 03xx); columns documented in migrations/0300_xapi_outbox.sql. */

export const xapiDestinations = pgTable('xapi_destinations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  endpoint: text('endpoint').notNull(),
  authEncrypted: text('auth_encrypted').notNull(),
  xapiVersion: text('xapi_version').notNull().default('1.0.3'),
  verbs: text('verbs').array().notNull().default([]),
  activities: text('activities').array().notNull().default([]),
  batchSize: integer('batch_size').notNull().default(200),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const outbox = pgTable('outbox', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind').notNull(),
  destination: text('destination').notNull(),
  ref: text('ref'),
  payload: jsonb('payload').notNull(),
  status: text('status', { enum: ['pending', 'dead'] }).notNull().default('pending'),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  claimToken: uuid('claim_token'),
  lastError: text('last_error'),
  remoteStatus: integer('remote_status'),
  remoteBody: text('remote_body'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  deadAt: timestamp('dead_at', { withTimezone: true }),
});

export const outboxProgress = pgTable(
  'outbox_progress',
  {
    kind: text('kind').notNull(),
    destination: text('destination').notNull(),
    deliveredCount: bigint('delivered_count', { mode: 'number' }).notNull().default(0),
    lastDeliveredAt: timestamp('last_delivered_at', { withTimezone: true }),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
    lastError: text('last_error'),
    lastErrorAt: timestamp('last_error_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.kind, t.destination] })],
);

/** Destinations that may hold copies of a person's statements (migrations/1001_xapi_forwarded_copies.sql). */
export const xapiForwarded = pgTable(
  'xapi_forwarded',
  {
    destinationId: uuid('destination_id').notNull(),
    ifi: text('ifi').notNull(),
    statements: bigint('statements', { mode: 'number' }).notNull().default(0),
    firstAt: timestamp('first_at', { withTimezone: true }).notNull(),
    lastAt: timestamp('last_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.destinationId, t.ifi] })],
);

/** Erasure requests sent to destinations that accept them; the person's identifier travels sealed in the outbox. */
export const xapiErasureRequests = pgTable('xapi_erasure_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  erasureId: uuid('erasure_id').notNull(),
  destinationId: uuid('destination_id').notNull(),
  destinationName: text('destination_name').notNull(),
  statements: bigint('statements', { mode: 'number' }).notNull().default(0),
  status: text('status', { enum: ['pending', 'done', 'refused', 'unsupported'] }).notNull().default('pending'),
  remoteStatus: integer('remote_status'),
  erasedThere: jsonb('erased_there').$type<Record<string, unknown> | null>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  settledAt: timestamp('settled_at', { withTimezone: true }),
});
