-- Activities of a session (what participants do), check-in and follow-up. Session and resource ids refer
-- to the catalog slice's tables; they carry no foreign key so each slice's migrations stay independent.

-- Which activities a session offers, their settings (questions, scale, delay…) and whether completion needs them.
create table activity_configs (
  session_id uuid not null,
  kind text not null check (kind in ('self-positioning', 'quiz', 'needs', 'satisfaction', 'follow-up')),
  required boolean not null default false,
  settings jsonb not null default '{}',
  updated_at timestamptz not null default now(),
  primary key (session_id, kind)
);

-- One attempt per participant, session and activity; answers are keyed by (attempt, question), so a reload
-- or a double submit never loses nor duplicates an answer.
create table activity_attempts (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null,
  user_ref uuid not null references lti_users (id) on delete cascade,
  context_ref uuid references lti_contexts (id) on delete set null,
  kind text not null,
  started_at timestamptz not null default now(),
  completed_at timestamptz,
  result jsonb,
  unique (session_id, user_ref, kind)
);
create index activity_attempts_session_idx on activity_attempts (session_id, kind);

create table activity_answers (
  attempt_id uuid not null references activity_attempts (id) on delete cascade,
  question_key text not null,
  value jsonb not null,
  answered_at timestamptz not null default now(),
  primary key (attempt_id, question_key)
);

-- Presence at a session: by code, QR code or marked by hand by an organiser.
create table activity_attendances (
  session_id uuid not null,
  user_ref uuid not null references lti_users (id) on delete cascade,
  method text not null check (method in ('code', 'qr', 'manual')),
  marked_by uuid references lti_users (id) on delete set null,
  attended_at timestamptz not null default now(),
  primary key (session_id, user_ref)
);

-- The short check-in code of a session, drawn once and shown on the organiser's screen.
create table activity_checkin_codes (
  session_id uuid primary key,
  code text not null,
  created_at timestamptz not null default now()
);

-- Wrong check-in codes, per person, for rate limiting shared by every instance.
create table activity_checkin_failures (
  id uuid primary key default gen_random_uuid(),
  user_ref uuid not null references lti_users (id) on delete cascade,
  session_id uuid not null,
  attempted_at timestamptz not null default now()
);
create index activity_checkin_failures_user_idx on activity_checkin_failures (user_ref, attempted_at);

-- Resources a participant opened (first and last time, how often).
create table activity_resource_opens (
  resource_id uuid not null,
  user_ref uuid not null references lti_users (id) on delete cascade,
  session_id uuid not null,
  first_opened_at timestamptz not null default now(),
  last_opened_at timestamptz not null default now(),
  open_count integer not null default 1,
  primary key (resource_id, user_ref)
);

-- A participant's completion of a session (all required activities done), recorded once.
create table activity_session_completions (
  session_id uuid not null,
  user_ref uuid not null references lti_users (id) on delete cascade,
  completed_at timestamptz not null default now(),
  primary key (session_id, user_ref)
);

-- Tools and themes organisers propose in the "what next?" survey.
create table activity_need_topics (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('tool', 'theme')),
  label text not null,
  active boolean not null default true,
  created_at timestamptz not null default now()
);
create unique index activity_need_topics_label_idx on activity_need_topics (kind, lower(label));

-- "I can present a tool": knowledge-sharing offers from staff.
create table activity_offers (
  id uuid primary key default gen_random_uuid(),
  user_ref uuid not null references lti_users (id) on delete cascade,
  context_ref uuid references lti_contexts (id) on delete set null,
  tool text not null,
  description text not null,
  competence text,
  created_at timestamptz not null default now()
);
create index activity_offers_context_idx on activity_offers (context_ref, created_at desc);
