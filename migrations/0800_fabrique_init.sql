-- La Fabrique: proposals that become time-boxed projects (beta.gouv phases), the steering committee, the
-- consented directory of resource persons, teams and their invitations. pg_trgm gives "similar
-- proposals" while typing (trusted extension on PostgreSQL 13+, loaded as contrib by PGlite).
create extension if not exists pg_trgm;

-- People an administrator names to the steering committee (LTI administrators are members by right).
create table fabrique_committee (
  user_ref uuid primary key references lti_users(id) on delete cascade,
  named_by uuid references lti_users(id) on delete set null,
  named_at timestamptz not null default now()
);

-- A proposal, and once selected the project it becomes. stage: proposed | declined, then the phases
-- investigation → construction → acceleration → transferred | stopped.
create table fabrique_projects (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  problem text not null,
  beneficiaries text not null,
  services text[] not null default '{}',
  outcome text not null,
  time_needed text not null default '',
  from_need jsonb,
  proposer_ref uuid references lti_users(id) on delete set null,
  stage text not null default 'proposed'
    check (stage in ('proposed', 'declined', 'investigation', 'construction', 'acceleration', 'transferred', 'stopped')),
  decision_reason text,
  decided_at timestamptz,
  objectives text not null default '',
  resources text not null default '',
  timebox_kind text check (timebox_kind in ('week', 'weekly', 'custom')),
  timebox_weeks integer check (timebox_weeks between 1 and 52),
  timebox_custom text,
  facilitator_ref uuid references lti_users(id) on delete set null,
  impact_measure text not null default '',
  impact_target numeric,
  impact_current numeric,
  framed_at timestamptz,
  next_review_on date,
  transferred_to text,
  postmortem text,
  creation_key uuid unique,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index fabrique_projects_stage_idx on fabrique_projects (stage, updated_at desc);
create index fabrique_projects_title_trgm_idx on fabrique_projects using gin (title gin_trgm_ops);

create table fabrique_deliverables (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references fabrique_projects(id) on delete cascade,
  title text not null,
  due_on date not null,
  status text not null default 'planned' check (status in ('planned', 'in_progress', 'delivered')),
  delivered_at timestamptz,
  position integer not null default 0
);
create index fabrique_deliverables_project_idx on fabrique_deliverables (project_id, position);
create index fabrique_deliverables_due_idx on fabrique_deliverables (due_on) where status <> 'delivered';

-- "Me too": one support per person and proposal.
create table fabrique_supports (
  project_id uuid not null references fabrique_projects(id) on delete cascade,
  user_ref uuid not null references lti_users(id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (project_id, user_ref)
);

-- Comments of colleagues and questions of the committee.
create table fabrique_comments (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references fabrique_projects(id) on delete cascade,
  author_ref uuid references lti_users(id) on delete set null,
  kind text not null default 'comment' check (kind in ('comment', 'question')),
  body text not null,
  created_at timestamptz not null default now()
);
create index fabrique_comments_project_idx on fabrique_comments (project_id, created_at);

-- Every committee action (who, when, what, why), shown on the project's history.
create table fabrique_history (
  id bigserial primary key,
  project_id uuid not null references fabrique_projects(id) on delete cascade,
  actor_ref uuid references lti_users(id) on delete set null,
  action text not null,
  reason text,
  detail jsonb not null default '{}',
  at timestamptz not null
);
create index fabrique_history_project_idx on fabrique_history (project_id, at);

-- Phase reviews held by the committee: the date, the decision and its note.
create table fabrique_reviews (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references fabrique_projects(id) on delete cascade,
  held_on date not null,
  from_stage text not null,
  to_stage text not null,
  note text not null,
  decided_by uuid references lti_users(id) on delete set null,
  created_at timestamptz not null default now()
);
create index fabrique_reviews_project_idx on fabrique_reviews (project_id, held_on);

-- The directory of resource persons: nothing is shown unless opted_in and confirmed within a year.
create table fabrique_profiles (
  user_ref uuid primary key references lti_users(id) on delete cascade,
  opted_in boolean not null default false,
  confirmed_at timestamptz,
  description text not null default '',
  tools text[] not null default '{}',
  version integer not null default 1,
  updated_at timestamptz not null default now()
);
create index fabrique_profiles_tools_idx on fabrique_profiles using gin (tools);

create table fabrique_profile_skills (
  user_ref uuid not null references fabrique_profiles(user_ref) on delete cascade,
  framework text not null,
  code text not null,
  level integer not null check (level between 1 and 8),
  primary key (user_ref, framework, code)
);
create index fabrique_profile_skills_code_idx on fabrique_profile_skills (framework, code);

-- Team members and invitations: an invitation carries the time asked; the person accepts or declines.
create table fabrique_members (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references fabrique_projects(id) on delete cascade,
  user_ref uuid not null references lti_users(id) on delete cascade,
  role text not null check (role in ('facilitator', 'member', 'sponsor')),
  status text not null default 'invited' check (status in ('invited', 'accepted', 'declined', 'left')),
  message text not null default '',
  time_asked text not null default '',
  hours_committed numeric check (hours_committed >= 0 and hours_committed <= 2000),
  shown_on_board boolean not null default false,
  invited_by uuid references lti_users(id) on delete set null,
  invited_at timestamptz not null,
  responded_at timestamptz,
  unique (project_id, user_ref)
);
create index fabrique_members_user_idx on fabrique_members (user_ref, status);

-- The team's log of progress.
create table fabrique_progress (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references fabrique_projects(id) on delete cascade,
  author_ref uuid references lti_users(id) on delete set null,
  body text not null,
  at timestamptz not null
);
create index fabrique_progress_project_idx on fabrique_progress (project_id, at desc);
