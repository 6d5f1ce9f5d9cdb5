-- Co-organiser courses of a session: a session belongs to the course it was created in
-- (catalog_sessions.owner_context_ref); an organiser of that course may add other courses whose organisers
-- then manage the session too. Linking a session from a course (lti_resource_links.session_id) never does.
create table catalog_session_organisers (
  session_id uuid not null references catalog_sessions (id) on delete cascade,
  context_ref uuid not null references lti_contexts (id) on delete cascade,
  added_by uuid references lti_users (id) on delete set null,
  added_at timestamptz not null default now(),
  primary key (session_id, context_ref)
);
create index catalog_session_organisers_context_idx on catalog_session_organisers (context_ref);
