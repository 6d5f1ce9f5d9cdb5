import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { ltiUsers } from '../lti/lti.tables';

/** Drizzle tables of the privacy slice (migrations 10xx; columns documented in migrations/1000_privacy_init.sql). */

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const privacyAuditLog = pgTable(
  'privacy_audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    at: ts('at').notNull().defaultNow(),
    action: text('action', { enum: ['person.erased', 'person.exported', 'retention.run', 'departure.flagged', 'departure.erased'] }).notNull(),
    actorRef: uuid('actor_ref').references(() => ltiUsers.id, { onDelete: 'set null' }),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('privacy_audit_log_at_idx').on(t.at)],
);

export const privacyDepartures = pgTable('privacy_departures', {
  userRef: uuid('user_ref').primaryKey().references(() => ltiUsers.id, { onDelete: 'cascade' }),
  absentSince: ts('absent_since').notNull(),
  flaggedAt: ts('flagged_at'),
  checkedAt: ts('checked_at').notNull(),
});
