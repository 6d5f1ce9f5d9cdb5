-- Launches whose `launched` learning event (and statement) is recorded: one per launch, never twice.
create table activity_launch_events (
  launch_id uuid primary key references lti_launches (id) on delete cascade,
  session_id uuid not null,
  recorded_at timestamptz not null default now()
);
