-- The privacy slice (issue 20): the audit of data-protection operations, and people who left every course.

-- Erasures, exports, retention runs and automatic departures, for accountability (RGPD art. 5.2). An entry
-- never names the person it was about: `detail` holds counts per table and the destinations asked to erase
-- copies, never an id, a name, an e-mail or a pseudonym of an erased person. `actor_ref` is the
-- administrator who acted (null for the job runner, or once that administrator was erased in turn).
create table privacy_audit_log (
  id uuid primary key default gen_random_uuid(),
  at timestamptz not null default now(),
  action text not null check (action in ('person.erased', 'person.exported', 'retention.run', 'departure.flagged', 'departure.erased')),
  actor_ref uuid references lti_users (id) on delete set null,
  detail jsonb not null default '{}'
);
create index privacy_audit_log_at_idx on privacy_audit_log (at desc);

-- People absent from every roster (NRPS) of the courses they launched from: since when, as first observed by
-- the departures job; the row goes when they appear in a roster or launch again. Flagged once absent longer
-- than PRIVACY_DEPARTURE_DAYS; erased automatically when PRIVACY_DEPARTURE_ERASE is true.
create table privacy_departures (
  user_ref uuid primary key references lti_users (id) on delete cascade,
  absent_since timestamptz not null,
  flagged_at timestamptz,
  checked_at timestamptz not null
);
create index privacy_departures_flagged_idx on privacy_departures (flagged_at) where flagged_at is not null;
