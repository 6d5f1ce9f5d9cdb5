-- Open Badges (issue #19): badge classes authored by organisers, awards computed from the learning records,
-- the earner's consent to anything public, and the index of each award in the published status list.

-- A badge class. `context_ref` is the course that owns it (its organisers manage it); null for an
-- académie-wide badge, which only administrators manage. `rule` is the awarding rule as JSON, checked by
-- the service (src/badges/rules.ts): session-completed, sessions-count, positioning-gain or manual.
create table badge_classes (
  id uuid primary key default gen_random_uuid(),
  context_ref uuid references lti_contexts (id) on delete set null,
  name text not null,
  description text not null,
  criteria text not null,
  -- The image: an uploaded PNG or SVG, or one drawn from a template with the académie's colours.
  image_type text not null check (image_type in ('image/png', 'image/svg+xml')),
  image bytea not null,
  template text,
  -- CRCN (or other framework) competences it aligns to: [{ framework, code, title }].
  competences jsonb not null default '[]',
  rule jsonb not null,
  -- Sessions and series the rule names, copied out of `rule` so the pages of a session or series find them.
  session_id uuid references catalog_sessions (id) on delete set null,
  series_id uuid references catalog_series (id) on delete set null,
  archived boolean not null default false,
  created_by uuid references lti_users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index badge_classes_context_idx on badge_classes (context_ref, created_at desc);
create index badge_classes_session_idx on badge_classes (session_id) where session_id is not null;
create index badge_classes_series_idx on badge_classes (series_id) where series_id is not null;
-- Rules that fire on learning records: the hook reads only these.
create index badge_classes_active_idx on badge_classes ((rule ->> 'kind')) where not archived;

-- Each award's bit in the revocation status list (W3C Bitstring Status List): handed out once, never reused.
create sequence badge_status_index_seq minvalue 0 start 0;

-- One award of a class to a person, at most once (the unique key is what makes concurrent completions award
-- exactly once). The recipient is kept hashed with its salt as the assertion shows it; `public` is the
-- earner's choice per badge, shown only while their consent (badge_consents) allows it.
create table badge_awards (
  id uuid primary key default gen_random_uuid(),
  badge_class_id uuid not null references badge_classes (id) on delete restrict,
  user_ref uuid not null references lti_users (id) on delete cascade,
  recipient_type text not null check (recipient_type in ('email', 'url')),
  recipient_salt text not null,
  recipient_hash text not null,
  issued_on timestamptz not null,
  method text not null check (method in ('automatic', 'manual')),
  reason text,
  awarded_by uuid references lti_users (id) on delete set null,
  -- What met the rule: statement ids of the learning records, or the organiser's reason.
  evidence jsonb not null default '[]',
  status_index bigint not null unique default nextval('badge_status_index_seq'),
  statement_id uuid not null,
  public boolean not null default false,
  revoked_at timestamptz,
  revocation_reason text,
  revoked_by uuid references lti_users (id) on delete set null,
  unique (badge_class_id, user_ref)
);
create index badge_awards_user_idx on badge_awards (user_ref, issued_on desc);
create index badge_awards_issued_idx on badge_awards (issued_on);
create index badge_awards_revoked_idx on badge_awards (revoked_at) where revoked_at is not null;

-- Asked once: may this person's badges be public at all? No row: not asked yet (nothing is public).
create table badge_consents (
  user_ref uuid primary key references lti_users (id) on delete cascade,
  public_allowed boolean not null,
  answered_at timestamptz not null
);

-- The statements' actor is a pseudonym (HMAC of issuer + sub): this maps pseudonyms back to known users,
-- filled as the awarding hook meets them, so statements from other tools reach the right person.
create table badge_earners (
  actor_ifi text primary key,
  user_ref uuid not null references lti_users (id) on delete cascade
);
