-- LRS credentials, the document resources (state, activity profile, agent profile) and the log of
-- data-protection operations.

-- Key/secret pairs for HTTP Basic; the secret (32 random bytes) is kept only as its SHA-256.
create table lrs_credentials (
  id uuid primary key default gen_random_uuid(),
  key text not null unique,
  secret_hash text not null,
  name text not null,
  scopes text[] not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);

-- One row per document. Absent parts of the key are '' so that the unique constraint covers them:
-- state: activity_id + agent_ifi + registration + doc_id; activity profile: activity_id + doc_id;
-- agent profile: agent_ifi + doc_id.
create table lrs_documents (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('state', 'activity_profile', 'agent_profile')),
  activity_id text not null default '',
  agent_ifi text not null default '',
  registration text not null default '',
  doc_id text not null,
  content_type text not null,
  content bytea not null,
  etag text not null,
  updated timestamptz not null,
  unique (kind, activity_id, agent_ifi, registration, doc_id)
);
create index lrs_documents_updated_idx on lrs_documents (kind, activity_id, agent_ifi, registration, updated);
create index lrs_documents_agent_idx on lrs_documents (agent_ifi) where agent_ifi <> '';

-- Data-protection operations (export, erasure, retention purge) and credential changes, kept for audit.
create table lrs_audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  action text not null,
  subject text not null,
  detail jsonb not null default '{}'::jsonb
);
