-- Which forwarding destinations may hold copies of whose statements (issue 20): written when a batch is
-- handed to a destination (before its answer, so a lost answer still counts), per destination and person.
-- Statements cannot be recalled once forwarded; an erasure reads this to say what remains elsewhere and
-- whom to ask. `ifi` is the actor's identifier as the LRS writes it (pseudonymous for Instants' own).
create table xapi_forwarded (
  destination_id uuid not null,
  ifi text not null,
  statements bigint not null default 0,
  first_at timestamptz not null,
  last_at timestamptz not null,
  primary key (destination_id, ifi)
);
create index xapi_forwarded_ifi_idx on xapi_forwarded (ifi);

-- Erasure requests sent to destinations that accept them (another Instants advertises it in /about). The
-- person's identifier travels sealed in the outbox row (kind 'xapi-erasure'), never in this table.
--   erasure_id  the privacy_audit_log entry of the erasure
--   status      pending (queued) → done (the destination erased), refused (it answered no), unsupported
create table xapi_erasure_requests (
  id uuid primary key default gen_random_uuid(),
  erasure_id uuid not null,
  destination_id uuid not null,
  destination_name text not null,
  statements bigint not null default 0,
  status text not null default 'pending' check (status in ('pending', 'done', 'refused', 'unsupported')),
  remote_status integer,
  erased_there jsonb,
  created_at timestamptz not null default now(),
  settled_at timestamptz
);
create index xapi_erasure_requests_erasure_idx on xapi_erasure_requests (erasure_id);
