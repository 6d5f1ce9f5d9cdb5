-- The statement store of the embedded Learning Record Store (xAPI 1.0.3 and 2.0).
--
-- lrs_statements holds one row per stored statement. `statement` is the statement exactly as the LRS
-- returns it with format=exact (id, stored, timestamp, authority and version filled in); the other columns
-- are copies of what queries filter or sort on. Columns are a contract with the xapi and dashboard slices:
-- add, never rename or drop.
--   seq                  storage order, strictly increasing (outbox and rollups read "after seq N")
--   id                   the statement id (lower-case uuid)
--   stored, "timestamp"  the xAPI stored and timestamp properties, as instants
--   version              the statement's xAPI version ("1.0.0", "1.0.3", "2.0.0"...)
--   verb_id              verb.id
--   actor_ifi            the actor's inverse functional identifier (see below); for an anonymous group,
--                        'group:' followed by a hash of its members' identifiers
--   object_type          Activity, Agent, Group, StatementRef or SubStatement
--   object_activity_id   object.id when the object is an Activity
--   object_statement_ref object.id when the object is a StatementRef (voiding statements included)
--   registration         context.registration
--   voided               true once a voiding statement refers to this one (never true for a voiding one)
--   credential_id        the LRS credential that wrote it (null for statements written by Instants itself)
--   has_attachments      the statement declares attachments
--
-- An IFI is written as one text: 'mbox:mailto:a@b.fr', 'mbox_sha1sum:<hex>', 'openid:<uri>',
-- 'account:<homePage> <name>' (homePage cannot contain a space, so the first space separates them).
create table lrs_statements (
  seq bigint generated always as identity primary key,
  id uuid not null unique,
  statement jsonb not null,
  stored timestamptz not null,
  "timestamp" timestamptz not null,
  version text not null,
  verb_id text not null,
  actor_ifi text not null,
  object_type text not null,
  object_activity_id text,
  object_statement_ref uuid,
  registration uuid,
  voided boolean not null default false,
  credential_id uuid,
  has_attachments boolean not null default false
);
-- Every GET shape is served by an index ending in (stored, seq), the keyset of `more` links.
create index lrs_statements_stored_idx on lrs_statements (stored, seq);
create index lrs_statements_verb_idx on lrs_statements (verb_id, stored, seq);
create index lrs_statements_registration_idx on lrs_statements (registration, stored, seq) where registration is not null;
create index lrs_statements_ref_idx on lrs_statements (object_statement_ref) where object_statement_ref is not null;
create index lrs_statements_ref_stored_idx on lrs_statements (stored, seq) where object_statement_ref is not null;
create index lrs_statements_actor_idx on lrs_statements (actor_ifi, stored, seq);
create index lrs_statements_object_activity_idx on lrs_statements (object_activity_id, stored, seq) where object_activity_id is not null;
create index lrs_statements_credential_idx on lrs_statements (credential_id, stored, seq) where credential_id is not null;

-- Agents and groups each statement is about, by role: 'actor', 'object' (the `agent` filter), and the
-- related roles 'authority', 'instructor', 'team', 'context' (2.0 contextAgents/contextGroups), and
-- 'sub_actor', 'sub_object', 'sub_instructor', 'sub_team', 'sub_context' inside a SubStatement
-- (`related_agents`). Members of a group are listed under the group's role too.
create table lrs_statement_agents (
  statement_seq bigint not null references lrs_statements (seq) on delete cascade,
  ifi text not null,
  role text not null,
  stored timestamptz not null,
  primary key (ifi, role, statement_seq)
);
create index lrs_statement_agents_ifi_idx on lrs_statement_agents (ifi, stored, statement_seq);
create index lrs_statement_agents_seq_idx on lrs_statement_agents (statement_seq);

-- Activities each statement refers to: 'object' (the `activity` filter) and the related roles 'parent',
-- 'grouping', 'category', 'other', 'sub_object', 'sub_parent'... (`related_activities`).
create table lrs_statement_activities (
  statement_seq bigint not null references lrs_statements (seq) on delete cascade,
  activity_id text not null,
  role text not null,
  stored timestamptz not null,
  primary key (activity_id, role, statement_seq)
);
create index lrs_statement_activities_id_idx on lrs_statement_activities (activity_id, stored, statement_seq);
create index lrs_statement_activities_seq_idx on lrs_statement_activities (statement_seq);

-- Attachment contents, stored once by SHA-256 whatever the number of statements declaring them.
create table lrs_attachments (
  sha2 text primary key,
  content_type text not null,
  length bigint not null,
  content bytea not null,
  created_at timestamptz not null default now()
);

-- The canonical definition of each activity seen (GET /xapi/activities), merged from the statements.
create table lrs_activities (
  id text primary key,
  definition jsonb,
  updated_at timestamptz not null default now()
);
