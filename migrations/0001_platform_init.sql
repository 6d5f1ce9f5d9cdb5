-- Platform-level tables shared by every slice.

-- Browser sessions after an LTI launch: the cookie holds only the random id; nothing lives in process memory.
create table web_sessions (
  id text primary key,
  data jsonb not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index web_sessions_expires_at_idx on web_sessions (expires_at);
