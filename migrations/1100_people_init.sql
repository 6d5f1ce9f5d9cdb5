-- The people slice (issue 13): service and job family from the people themselves, from an administrator's
-- CSV import, or from LTI custom parameters, in that order. The effective values are kept in
-- lti_users.service / job_family, which statements and dashboards read.

-- The lists the administrator maintains (the choices of the profile screen).
create table people_choices (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('service', 'job_family')),
  label text not null check (length(label) between 1 and 200),
  position integer not null default 0,
  archived_at timestamptz,
  created_at timestamptz not null default now(),
  unique (kind, label)
);

-- What a person answered on the profile screen. `status` skipped: they chose "Plus tard" and are not asked
-- again at launch (the page stays open to them). A declined field ("Je préfère ne pas répondre") is null.
create table people_profiles (
  user_ref uuid primary key references lti_users (id) on delete cascade,
  status text not null check (status in ('answered', 'skipped')),
  service text,
  job_family text,
  service_declined boolean not null default false,
  job_family_declined boolean not null default false,
  updated_at timestamptz not null default now()
);

-- Rows of the administrator's CSV import (e.g. from HR), by e-mail (lower-cased) or by pseudonym (the
-- account name of the person's xAPI statements). Kept so that people who launch later get them too.
create table people_imports (
  key_kind text not null check (key_kind in ('email', 'pseudonym')),
  key text not null,
  service text,
  job_family text,
  imported_at timestamptz not null default now(),
  primary key (key_kind, key)
);

-- The values the LMS sent as custom parameters `service` and `job_family` at the person's launches
-- (absent parameters keep the previous value; an unsubstituted Moodle variable counts as absent).
create table people_launch_values (
  user_ref uuid primary key references lti_users (id) on delete cascade,
  service text,
  job_family text,
  updated_at timestamptz not null default now()
);
