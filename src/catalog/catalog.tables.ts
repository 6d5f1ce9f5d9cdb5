import { customType, boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid, foreignKey } from 'drizzle-orm/pg-core';
import { ltiContexts, ltiUsers } from '../lti/lti.tables';

/** Drizzle tables of the catalog slice; keep in step with migrations/04xx_catalog_*.sql. */

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const catalogFrameworks = pgTable('catalog_frameworks', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  source: text('source'),
  isDefault: boolean('is_default').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const catalogCompetences = pgTable(
  'catalog_competences',
  {
    frameworkId: text('framework_id')
      .notNull()
      .references(() => catalogFrameworks.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    domain: text('domain').notNull(),
    title: text('title').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.frameworkId, t.code] })],
);

export const catalogSeries = pgTable(
  'catalog_series',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    ownerContextRef: uuid('owner_context_ref').references(() => ltiContexts.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('catalog_series_owner_idx').on(t.ownerContextRef)],
);

export const SESSION_STATUSES = ['draft', 'published', 'cancelled', 'archived'] as const;
export const SESSION_FORMATS = ['in_person', 'hybrid', 'remote'] as const;
export const RESOURCE_TYPES = ['link', 'video', 'slides', 'document'] as const;

export const catalogSessions = pgTable(
  'catalog_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seriesId: uuid('series_id').references(() => catalogSeries.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    tool: text('tool'),
    tags: text('tags').array().notNull().default([]),
    descriptionMd: text('description_md').notNull().default(''),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    place: text('place'),
    format: text('format', { enum: SESSION_FORMATS }).notNull().default('in_person'),
    remoteUrl: text('remote_url'),
    capacity: integer('capacity'),
    audience: text('audience').array().notNull().default([]),
    presenters: text('presenters').array().notNull().default([]),
    contributors: text('contributors').array().notNull().default([]),
    status: text('status', { enum: SESSION_STATUSES }).notNull().default('draft'),
    cancelReason: text('cancel_reason'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    ownerContextRef: uuid('owner_context_ref').references(() => ltiContexts.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
    /** Drawn when the creation form is shown, so a form posted twice creates one session (0401). */
    creationKey: uuid('creation_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('catalog_sessions_status_starts_idx').on(t.status, t.startsAt),
    index('catalog_sessions_owner_idx').on(t.ownerContextRef, t.startsAt),
    index('catalog_sessions_series_idx').on(t.seriesId),
  ],
);

export const catalogSessionCompetences = pgTable(
  'catalog_session_competences',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => catalogSessions.id, { onDelete: 'cascade' }),
    frameworkId: text('framework_id').notNull(),
    code: text('code').notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.frameworkId, t.code] }),
    foreignKey({ columns: [t.frameworkId, t.code], foreignColumns: [catalogCompetences.frameworkId, catalogCompetences.code] }),
  ],
);

export const catalogFiles = pgTable('catalog_files', {
  id: uuid('id').primaryKey().defaultRandom(),
  filename: text('filename').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  data: bytea('data').notNull(),
  createdBy: uuid('created_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const catalogResources = pgTable(
  'catalog_resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => catalogSessions.id, { onDelete: 'cascade' }),
    type: text('type', { enum: RESOURCE_TYPES }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    estimatedMinutes: integer('estimated_minutes'),
    url: text('url'),
    fileId: uuid('file_id').references(() => catalogFiles.id, { onDelete: 'restrict' }),
    position: integer('position').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('catalog_resources_session_idx').on(t.sessionId, t.position), index('catalog_resources_file_idx').on(t.fileId)],
);

/** Courses an owner added as co-organisers of a session (0410): their organisers manage it too. */
export const catalogSessionOrganisers = pgTable(
  'catalog_session_organisers',
  {
    sessionId: uuid('session_id')
      .notNull()
      .references(() => catalogSessions.id, { onDelete: 'cascade' }),
    contextRef: uuid('context_ref')
      .notNull()
      .references(() => ltiContexts.id, { onDelete: 'cascade' }),
    addedBy: uuid('added_by').references(() => ltiUsers.id, { onDelete: 'set null' }),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.contextRef] }), index('catalog_session_organisers_context_idx').on(t.contextRef)],
);
