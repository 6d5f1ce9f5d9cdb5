import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

/** Drizzle tables of the lti slice (migrations 01xx). */

export const ltiUsers = pgTable(
  'lti_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    issuer: text('issuer').notNull(),
    sub: text('sub').notNull(),
    name: text('name'),
    givenName: text('given_name'),
    familyName: text('family_name'),
    email: text('email'),
    service: text('service'),
    jobFamily: text('job_family'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.issuer, t.sub)],
);

export const ltiContexts = pgTable(
  'lti_contexts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    issuer: text('issuer').notNull(),
    deploymentId: text('deployment_id').notNull(),
    contextId: text('context_id').notNull(),
    title: text('title'),
    label: text('label'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.issuer, t.deploymentId, t.contextId)],
);

export const ltiResourceLinks = pgTable(
  'lti_resource_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    issuer: text('issuer').notNull(),
    deploymentId: text('deployment_id').notNull(),
    resourceLinkId: text('resource_link_id').notNull(),
    contextRef: uuid('context_ref').references(() => ltiContexts.id, { onDelete: 'set null' }),
    title: text('title'),
    sessionId: uuid('session_id'),
    agsLineitem: text('ags_lineitem'),
    agsLineitems: text('ags_lineitems'),
    agsScopes: text('ags_scopes').array().notNull().default([]),
    /** The activity's address on its platform (Moodle: mod/lti/view.php?l=…), migration 0150. */
    activityUrl: text('activity_url'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.issuer, t.deploymentId, t.resourceLinkId), index('lti_resource_links_session_idx').on(t.sessionId)],
);

export const ltiLaunches = pgTable(
  'lti_launches',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userRef: uuid('user_ref').notNull().references(() => ltiUsers.id, { onDelete: 'cascade' }),
    contextRef: uuid('context_ref').references(() => ltiContexts.id, { onDelete: 'set null' }),
    resourceLinkRef: uuid('resource_link_ref').references(() => ltiResourceLinks.id, { onDelete: 'set null' }),
    issuer: text('issuer').notNull(),
    deploymentId: text('deployment_id').notNull(),
    messageType: text('message_type').notNull(),
    roles: text('roles').array().notNull().default([]),
    role: text('role', { enum: ['participant', 'organiser'] }).notNull(),
    isAdmin: boolean('is_admin').notNull().default(false),
    locale: text('locale'),
    returnUrl: text('return_url'),
    documentTarget: text('document_target'),
    nrpsUrl: text('nrps_url'),
    custom: jsonb('custom').notNull().default({}),
    clientId: text('client_id'),
    deepLinking: jsonb('deep_linking'),
    launchedAt: timestamp('launched_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('lti_launches_user_idx').on(t.userRef, t.launchedAt), index('lti_launches_context_idx').on(t.contextRef, t.launchedAt)],
);

/** ltijs's nine collections as JSON documents (migration 0101), written only by our ltijs database plugin. */
export const ltijsDocuments = pgTable('ltijs_documents', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  collection: text('collection').notNull(),
  doc: jsonb('doc').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
});

/** OIDC login requests answered by Instants, so the id_token can be bound to their state, nonce and target. */
export const ltiLoginRequests = pgTable('lti_login_requests', {
  state: text('state').primaryKey(),
  nonce: text('nonce').notNull(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id'),
  targetLinkUri: text('target_link_uri').notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  loginHint: text('login_hint'),
  ltiMessageHint: text('lti_message_hint'),
  deploymentHint: text('deployment_hint'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** Platform storage (migration 0121): the frame named by `lti_storage_target`, and sha256 of the value put there. */
  storageTarget: text('storage_target'),
  storageBinding: text('storage_binding'),
});

/** Login initiations per client address and minute (migration 0110), for the rate limit of /lti/login. */
export const ltiLoginRate = pgTable(
  'lti_login_rate',
  {
    client: text('client').notNull(),
    windowStart: timestamptz('window_start').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.client, t.windowStart] }), index('lti_login_rate_window_idx').on(t.windowStart)],
);

/** Deployments known per platform registration. */
export const ltiDeployments = pgTable(
  'lti_deployments',
  {
    issuer: text('issuer').notNull(),
    clientId: text('client_id').notNull(),
    deploymentId: text('deployment_id').notNull(),
    source: text('source', { enum: ['declared', 'launch', 'registration'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.clientId, t.deploymentId] })],
);

/** One-time dynamic registration links (migration 0120): only the token's sha256 is kept. */
export const ltiRegistrationLinks = pgTable('lti_registration_links', {
  tokenHash: text('token_hash').primaryKey(),
  moodleOrigin: text('moodle_origin').notNull(),
  label: text('label'),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at').notNull(),
  usedAt: timestamptz('used_at'),
});

/** Platforms created or re-registered by dynamic registration, until an administrator decides (migration 0120). */
export const ltiRegistrations = pgTable('lti_registrations', {
  id: uuid('id').primaryKey().defaultRandom(),
  issuer: text('issuer').notNull(),
  clientId: text('client_id').notNull(),
  kind: text('kind', { enum: ['new', 'update'] }).notNull(),
  deploymentId: text('deployment_id'),
  config: jsonb('config').notNull(),
  origin: text('origin').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at').notNull(),
  decidedAt: timestamptz('decided_at'),
  decision: text('decision', { enum: ['activated', 'applied', 'rejected'] }),
});

/** Single-use tokens carrying a verified launch to a browser session (migration 0120). */
export const ltiResumeTokens = pgTable('lti_resume_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  kind: text('kind', { enum: ['continue', 'resume'] }).notNull(),
  launchId: uuid('launch_id')
    .notNull()
    .references(() => ltiLaunches.id, { onDelete: 'cascade' }),
  destination: text('destination').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at').notNull(),
  usedAt: timestamptz('used_at'),
});
