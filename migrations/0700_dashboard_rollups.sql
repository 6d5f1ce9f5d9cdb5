-- Dashboard rollups: compact facts extracted from lrs_statements by the `dashboard-rollup` job, one row per
-- (thing, person), merged by rules that do not depend on processing order (OR of flags, earliest or
-- latest by (timestamp, statement id)), so that incremental processing equals a full rebuild.
-- Actors are kept as the LRS's IFI text (pseudonymous accounts for Instants' own statements).

-- Where the rollup job is: every statement with seq <= last_seq has been read, except the seqs in
-- `gaps` (numbers skipped by the identity that may still belong to a transaction committing late); each
-- gap is {"seq": n, "seenAt": iso} and is re-read on every run until found or older than the gap TTL.
create table dash_cursor (
  id text primary key,
  last_seq bigint not null default 0,
  gaps jsonb not null default '[]',
  updated_at timestamptz not null default now()
);

-- An Instants session (or any activity used as a session parent) as seen in statements.
create table dash_sessions (
  session_key text primary key,
  session_id text,
  title text,
  tool text,
  series_key text,
  series_title text,
  competences jsonb not null default '[]',
  first_at timestamptz not null,
  last_at timestamptz not null,
  meta_at timestamptz not null,
  meta_stmt uuid not null
);

-- LMS courses seen in statements (context grouping).
create table dash_courses (
  course_key text primary key,
  issuer text,
  context_id text,
  title text
);

-- People's service and job family, from the latest statement carrying them (context extensions).
create table dash_people (
  actor text primary key,
  service text,
  job_family text,
  at timestamptz not null,
  stmt uuid not null
);

-- Who launched, attended, completed a session; the course is the one of the person's first statement.
create table dash_participation (
  session_key text not null,
  actor text not null,
  course_key text,
  launched boolean not null default false,
  attended boolean not null default false,
  completed boolean not null default false,
  first_at timestamptz not null,
  attended_at timestamptz,
  primary key (session_key, actor)
);
create index dash_participation_first_idx on dash_participation (first_at);
create index dash_participation_actor_idx on dash_participation (actor);

create table dash_resource_opens (
  session_key text not null,
  resource_key text not null,
  actor text not null,
  title text,
  first_at timestamptz not null,
  primary key (session_key, resource_key, actor)
);

-- A person's first answer to a quiz question counts (later retries do not change item analysis).
create table dash_answers (
  session_key text not null,
  question_key text not null,
  actor text not null,
  question_text text,
  success boolean,
  certainty integer,
  at timestamptz not null,
  stmt uuid not null,
  primary key (session_key, question_key, actor)
);

-- Self-positioning per competence and moment (before, after, then); the latest answer counts.
create table dash_positions (
  session_key text not null,
  competence text not null,
  actor text not null,
  moment text not null,
  level integer not null,
  at timestamptz not null,
  stmt uuid not null,
  primary key (session_key, competence, actor, moment)
);
create index dash_positions_competence_idx on dash_positions (competence);

-- Satisfaction, scaled 0–1; the latest rating counts.
create table dash_ratings (
  session_key text not null,
  actor text not null,
  scaled double precision not null,
  at timestamptz not null,
  stmt uuid not null,
  primary key (session_key, actor)
);

-- The D+30 follow-up; the latest answer counts.
create table dash_followups (
  session_key text not null,
  actor text not null,
  used_since boolean not null,
  frequency text,
  obstacles jsonb not null default '[]',
  at timestamptz not null,
  stmt uuid not null,
  primary key (session_key, actor)
);

-- Training needs by person, kind, normalised key and day (distinct people per window).
create table dash_needs (
  actor text not null,
  need_type text not null,
  need_key text not null,
  day date not null,
  label text not null,
  session_key text,
  primary key (actor, need_type, need_key, day)
);
create index dash_needs_day_idx on dash_needs (day);

-- Target levels (1–8) per competence and job family, set by organisers (Borich gaps).
create table dash_targets (
  competence text not null,
  job_family text not null,
  level integer not null check (level between 1 and 8),
  updated_at timestamptz not null default now(),
  primary key (competence, job_family)
);
