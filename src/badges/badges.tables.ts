import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { catalogSeries, catalogSessions } from '../catalog/catalog.tables';
import { ltiContexts, ltiUsers } from '../lti/lti.tables';

/** Drizzle tables of the badges slice (migrations 09xx). */

const ts = (name: string) => timestamp(name, { withTimezone: true });
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

export const badgeClasses = pgTable(
  'badge_classes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    contextRef: uuid('context_ref').references(() => ltiContexts.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    description: text('description').notNull(),
    criteria: text('criteria').notNull(),
    imageType: text('image_type', { enum: ['image/png', 'image/svg+xml'] }).notNull(),
    image: bytea('image').notNull(),
    template: text('template'),
    competences: jsonb('competences').notNull().default([]),
    rule: jsonb('rule').notNull(),
    sessionId: uuid('session_id').references(() => catalogSessions.id, { onDelete: 'set null' }),
    seriesId: uuid('series_id').references(() => catalogSeries.id, { onDelete: 'set null' }),
    archived: boolean('archived').notNull().default(false),
    createdBy: uuid('created_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('badge_classes_context_idx').on(t.contextRef, t.createdAt)],
);

export const badgeAwards = pgTable(
  'badge_awards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    badgeClassId: uuid('badge_class_id').notNull().references(() => badgeClasses.id, { onDelete: 'restrict' }),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    recipientType: text('recipient_type', { enum: ['email', 'url'] }).notNull(),
    recipientSalt: text('recipient_salt').notNull(),
    recipientHash: text('recipient_hash').notNull(),
    issuedOn: ts('issued_on').notNull(),
    method: text('method', { enum: ['automatic', 'manual'] }).notNull(),
    reason: text('reason'),
    awardedBy: uuid('awarded_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
    evidence: jsonb('evidence').notNull().default([]),
    statusIndex: bigint('status_index', { mode: 'number' }).notNull().unique().default(sql`nextval('badge_status_index_seq')`),
    statementId: uuid('statement_id').notNull(),
    public: boolean('public').notNull().default(false),
    revokedAt: ts('revoked_at'),
    revocationReason: text('revocation_reason'),
    revokedBy: uuid('revoked_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
  },
  (t) => [unique().on(t.badgeClassId, t.userRef), index('badge_awards_user_idx').on(t.userRef, t.issuedOn)],
);

export const badgeConsents = pgTable('badge_consents', {
  userRef: uuid('user_ref').primaryKey().references(() => ltiUsers.id, { onDelete: 'cascade' }),
  publicAllowed: boolean('public_allowed').notNull(),
  answeredAt: ts('answered_at').notNull(),
});

export const badgeEarners = pgTable('badge_earners', {
  actorIfi: text('actor_ifi').primaryKey(),
  userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
});

/** Status-list bits of awards erased with their earner: they stay revoked (migrations/1002_badges_status_tombstones.sql). */
export const badgeStatusTombstones = pgTable('badge_status_tombstones', {
  statusIndex: bigint('status_index', { mode: 'number' }).primaryKey(),
  erasedAt: ts('erased_at').notNull().defaultNow(),
});
