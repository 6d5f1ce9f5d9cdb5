import { bigint, boolean, customType, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle tables of the lrs slice (migrations 02xx); columns documented in migrations/0200_lrs_statements.sql. */

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

export const lrsStatements = pgTable(
  'lrs_statements',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    id: uuid('id').notNull().unique(),
    statement: jsonb('statement').notNull(),
    stored: timestamp('stored', { withTimezone: true, mode: 'string' }).notNull(),
    timestamp: timestamp('timestamp', { withTimezone: true, mode: 'string' }).notNull(),
    version: text('version').notNull(),
    verbId: text('verb_id').notNull(),
    actorIfi: text('actor_ifi').notNull(),
    objectType: text('object_type').notNull(),
    objectActivityId: text('object_activity_id'),
    objectStatementRef: uuid('object_statement_ref'),
    registration: uuid('registration'),
    voided: boolean('voided').notNull().default(false),
    credentialId: uuid('credential_id'),
    hasAttachments: boolean('has_attachments').notNull().default(false),
  },
  (t) => [index('lrs_statements_stored_idx').on(t.stored, t.seq)],
);

export const lrsStatementAgents = pgTable(
  'lrs_statement_agents',
  {
    statementSeq: bigint('statement_seq', { mode: 'number' }).notNull(),
    ifi: text('ifi').notNull(),
    role: text('role').notNull(),
    stored: timestamp('stored', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ifi, t.role, t.statementSeq] })],
);

export const lrsStatementActivities = pgTable(
  'lrs_statement_activities',
  {
    statementSeq: bigint('statement_seq', { mode: 'number' }).notNull(),
    activityId: text('activity_id').notNull(),
    role: text('role').notNull(),
    stored: timestamp('stored', { withTimezone: true, mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.activityId, t.role, t.statementSeq] })],
);

/** Names seen with each Agent's IFI in stored statements (migration 0210), for GET /xapi/agents. */
export const lrsAgentNames = pgTable(
  'lrs_agent_names',
  {
    ifi: text('ifi').notNull(),
    name: text('name').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ifi, t.name] })],
);

export const lrsAttachments = pgTable('lrs_attachments', {
  sha2: text('sha2').primaryKey(),
  contentType: text('content_type').notNull(),
  length: bigint('length', { mode: 'number' }).notNull(),
  content: bytea('content').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const lrsActivities = pgTable('lrs_activities', {
  id: text('id').primaryKey(),
  definition: jsonb('definition'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const lrsCredentials = pgTable('lrs_credentials', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull().unique(),
  secretHash: text('secret_hash').notNull(),
  name: text('name').notNull(),
  scopes: text('scopes').array().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export const lrsDocuments = pgTable('lrs_documents', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  kind: text('kind').$type<'state' | 'activity_profile' | 'agent_profile'>().notNull(),
  activityId: text('activity_id').notNull().default(''),
  agentIfi: text('agent_ifi').notNull().default(''),
  registration: text('registration').notNull().default(''),
  docId: text('doc_id').notNull(),
  contentType: text('content_type').notNull(),
  content: bytea('content').notNull(),
  etag: text('etag').notNull(),
  updated: timestamp('updated', { withTimezone: true, mode: 'string' }).notNull(),
});

export const lrsAuditLog = pgTable('lrs_audit_log', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  action: text('action').notNull(),
  subject: text('subject').notNull(),
  detail: jsonb('detail').notNull().default({}),
});
