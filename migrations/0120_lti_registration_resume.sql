-- Dynamic registration guarded (issue 13), single-use resume tokens (issue 11).

-- One-time registration links an administrator creates (`npm run platform -- link`, /admin/lti):
-- `<PUBLIC_URL>/lti/register?link=<token>`, pasted into Moodle as the tool URL. Only the sha256 of the token
-- is kept; the link accepts the openid_configuration of one Moodle origin only.
create table lti_registration_links (
  token_hash text primary key,
  moodle_origin text not null,
  label text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  -- Claimed by a registration in progress (released when it fails), so a link registers once.
  used_at timestamptz
);

-- Platforms created (kind 'new', inactive until activated) or re-registered (kind 'update', applied only when
-- an administrator confirms) by dynamic registration. Undecided rows expire after 24 h; an expired 'new'
-- takes its inactive platform with it.
create table lti_registrations (
  id uuid primary key default gen_random_uuid(),
  issuer text not null,
  client_id text not null,
  kind text not null check (kind in ('new', 'update')),
  deployment_id text,
  -- What the registration brought: name, authorization and token endpoints, key set URL.
  config jsonb not null,
  -- The origin of the validated openid_configuration URL (Moodle's).
  origin text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  decided_at timestamptz,
  decision text check (decision in ('activated', 'applied', 'rejected'))
);
create index lti_registrations_pending_idx on lti_registrations (expires_at) where decided_at is null;

-- Tokens that carry a verified launch to the browser session: 'continue' (in the redirect right after the
-- launch, consumed by the first request that shows it) and 'resume' (in the body of the cookie help page,
-- posted from Instants' own origin to open Instants in a new window). Single use, short-lived, hashed.
create table lti_resume_tokens (
  token_hash text primary key,
  kind text not null check (kind in ('continue', 'resume')),
  launch_id uuid not null references lti_launches (id) on delete cascade,
  destination text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index lti_resume_tokens_expiry_idx on lti_resume_tokens (expires_at);
