-- Short check-in addresses for the QR code (`/c/<key>?c=<code>`): the key names a session and the activity
-- (resource link) whose organiser showed the screen, so that a phone that never launched Instants can be
-- sent through that activity on its platform. The key is not a secret: the code after it is, and is only
-- checked once the person is known (with the per-person rate limit).
create table activity_checkin_links (
  key text primary key,
  session_id uuid not null,
  resource_link_ref uuid references lti_resource_links (id) on delete set null,
  created_at timestamptz not null default now(),
  constraint activity_checkin_links_session_link_key unique nulls not distinct (session_id, resource_link_ref)
);
