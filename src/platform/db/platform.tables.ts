import { index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Browser sessions (see migrations/0001_platform_init.sql). */
export const webSessions = pgTable(
  'web_sessions',
  {
    id: text('id').primaryKey(),
    data: jsonb('data').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('web_sessions_expires_at_idx').on(t.expiresAt)],
);

/** Facts about the database itself (see migrations/0040_platform_settings.sql). */
export const instantsSettings = pgTable('instants_settings', {
  name: text('name').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
