-- Status-list bits of awards erased with their earner (issue 20): the award row goes, its bit stays revoked,
-- so a credential downloaded before the erasure no longer verifies and a revoked one is not revived. No
-- personal data: the index only.
create table badge_status_tombstones (
  status_index bigint primary key,
  erased_at timestamptz not null default now()
);
