-- Who launched Instants, from where: kept by us, not left in ltijs's 24-hour token store.

create table lti_users (
  id uuid primary key default gen_random_uuid(),
  issuer text not null,
  sub text not null,
  name text,
  given_name text,
  family_name text,
  email text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (issuer, sub)
);

create table lti_contexts (
  id uuid primary key default gen_random_uuid(),
  issuer text not null,
  deployment_id text not null,
  context_id text not null,
  title text,
  label text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (issuer, deployment_id, context_id)
);

create table lti_resource_links (
  id uuid primary key default gen_random_uuid(),
  issuer text not null,
  deployment_id text not null,
  resource_link_id text not null,
  context_ref uuid references lti_contexts (id) on delete set null,
  title text,
  -- The Instants session shown by this link (set by deep linking's custom parameter or by an organiser).
  session_id uuid,
  -- AGS endpoints from the launch, needed days later to post scores.
  ags_lineitem text,
  ags_lineitems text,
  ags_scopes text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (issuer, deployment_id, resource_link_id)
);
create index lti_resource_links_session_idx on lti_resource_links (session_id);

create table lti_launches (
  id uuid primary key default gen_random_uuid(),
  user_ref uuid not null references lti_users (id) on delete cascade,
  context_ref uuid references lti_contexts (id) on delete set null,
  resource_link_ref uuid references lti_resource_links (id) on delete set null,
  issuer text not null,
  deployment_id text not null,
  message_type text not null,
  roles text[] not null default '{}',
  role text not null check (role in ('participant', 'organiser')),
  is_admin boolean not null default false,
  locale text,
  return_url text,
  document_target text,
  nrps_url text,
  custom jsonb not null default '{}',
  launched_at timestamptz not null default now()
);
create index lti_launches_user_idx on lti_launches (user_ref, launched_at desc);
create index lti_launches_context_idx on lti_launches (context_ref, launched_at desc);
