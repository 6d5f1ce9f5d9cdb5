import { boolean, integer, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { ltiUsers } from '../lti/lti.tables';

/** Drizzle tables of the people slice (migrations 11xx). */

const tz = (name: string) => timestamp(name, { withTimezone: true });

export type ProfileField = 'service' | 'job_family';

export const peopleChoices = pgTable(
  'people_choices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['service', 'job_family'] }).notNull(),
    label: text('label').notNull(),
    position: integer('position').notNull().default(0),
    archivedAt: tz('archived_at'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [unique().on(t.kind, t.label)],
);

export const peopleProfiles = pgTable('people_profiles', {
  userRef: uuid('user_ref')
    .primaryKey()
    .references(() => ltiUsers.id, { onDelete: 'cascade' }),
  status: text('status', { enum: ['answered', 'skipped'] }).notNull(),
  service: text('service'),
  jobFamily: text('job_family'),
  serviceDeclined: boolean('service_declined').notNull().default(false),
  jobFamilyDeclined: boolean('job_family_declined').notNull().default(false),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});

export const peopleImports = pgTable(
  'people_imports',
  {
    keyKind: text('key_kind', { enum: ['email', 'pseudonym'] }).notNull(),
    key: text('key').notNull(),
    service: text('service'),
    jobFamily: text('job_family'),
    importedAt: tz('imported_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.keyKind, t.key] })],
);

export const peopleLaunchValues = pgTable('people_launch_values', {
  userRef: uuid('user_ref')
    .primaryKey()
    .references(() => ltiUsers.id, { onDelete: 'cascade' }),
  service: text('service'),
  jobFamily: text('job_family'),
  updatedAt: tz('updated_at').notNull().defaultNow(),
});
