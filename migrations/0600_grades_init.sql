-- Grades and rosters: scores for Moodle's gradebook (LTI AGS), service tokens, line items, roster caches (NRPS).

-- Access tokens from a platform's client-credentials endpoint, shared by every instance until shortly before
-- expiry. A refresh happens under an advisory lock on the key, so one instance asks the platform at a time.
create table grades_service_tokens (
  cache_key text primary key,
  issuer text not null,
  client_id text not null,
  scopes text[] not null,
  access_token text not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);

-- The line item Instants posts to for a resource link that came without a coupled one (found or created by
-- resourceId/tag).
create table grades_line_items (
  resource_link_ref uuid primary key references lti_resource_links (id) on delete cascade,
  lineitem_url text not null,
  created_at timestamptz not null default now()
);

-- The latest score of one person for one resource link, and its delivery state. The outbox row carries only
-- this row's id: a delivery always sends the latest value, and a value already delivered is not sent again.
--   version            bumped on each change; delivered_version says which value the platform has
--   score_timestamp    the AGS timestamp, strictly increasing per row (Moodle answers 409 otherwise)
create table grades_scores (
  id uuid primary key default gen_random_uuid(),
  resource_link_ref uuid not null references lti_resource_links (id) on delete cascade,
  user_ref uuid not null references lti_users (id) on delete cascade,
  session_id uuid,
  issuer text not null,
  client_id text not null,
  deployment_id text not null,
  score_given double precision,
  score_maximum double precision not null,
  activity_progress text not null,
  grading_progress text not null,
  comment text,
  score_timestamp timestamptz not null,
  version integer not null default 1,
  delivered_version integer not null default 0,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'refused')),
  attempts integer not null default 0,
  remote_status integer,
  remote_body text,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (resource_link_ref, user_ref)
);
create index grades_scores_session_idx on grades_scores (session_id, status);

-- How a session's score is computed: completion only (default) or the quiz score.
create table grades_settings (
  session_id uuid primary key,
  score_mode text not null default 'completion' check (score_mode in ('completion', 'quiz')),
  updated_at timestamptz not null default now()
);

-- A course's members as last read from the platform (NRPS), kept for a configurable time.
create table grades_rosters (
  context_ref uuid primary key references lti_contexts (id) on delete cascade,
  members jsonb not null,
  member_count integer not null,
  pages integer not null,
  fetched_at timestamptz not null
);
