-- xAPI recording: forwarding destinations and the generic outbox (also used by the grades slice for
-- 'ags-score'). Columns are a contract with other slices: add, never rename or drop.

-- External LRSs that receive every stored statement matching their filter.
create table xapi_destinations (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  endpoint text not null,
  -- "Basic …" Authorization header, AES-256-GCM encrypted (iv.tag.ciphertext, base64url) with a key derived
  -- from the LTI key (outside the database); never logged nor shown.
  auth_encrypted text not null,
  xapi_version text not null default '1.0.3' check (xapi_version in ('1.0.3', '2.0.0')),
  -- Optional filter: only these verb IRIs / only objects whose id starts with one of these IRIs (empty = all).
  verbs text[] not null default '{}',
  activities text[] not null default '{}',
  batch_size integer not null default 200 check (batch_size between 1 and 5000),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One row per item to deliver to one destination. Delivered rows are deleted; refused ones stay as dead
-- letters (status 'dead') with the remote answer until replayed.
--   kind            'xapi-statement', 'ags-score'… (a handler is registered per kind)
--   destination     the handler's destination key (for xAPI: xapi_destinations.id)
--   ref             the item's own id (statement id), for dead-letter listings and de-duplication
--   next_attempt_at due time; a worker claiming rows pushes it by a lease, so a crashed worker's rows come back
create table outbox (
  id bigint generated always as identity primary key,
  kind text not null,
  destination text not null,
  ref text,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claim_token uuid,
  last_error text,
  remote_status integer,
  remote_body text,
  created_at timestamptz not null default now(),
  dead_at timestamptz
);
create index outbox_due_idx on outbox (kind, destination, next_attempt_at, id) where status = 'pending';
create index outbox_dead_idx on outbox (kind, destination, dead_at) where status = 'dead';
create index outbox_claim_idx on outbox (claim_token) where claim_token is not null;

-- Delivery progress per destination: what the operations page shows, and the destination-wide pause after a
-- transient failure (so a down LRS is not hammered once per row).
create table outbox_progress (
  kind text not null,
  destination text not null,
  delivered_count bigint not null default 0,
  last_delivered_at timestamptz,
  consecutive_failures integer not null default 0,
  paused_until timestamptz,
  last_error text,
  last_error_at timestamptz,
  primary key (kind, destination)
);
