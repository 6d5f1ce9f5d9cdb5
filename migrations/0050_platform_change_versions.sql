-- Versions of rarely changed tables that each instance caches (LRS credentials, forwarding destinations):
-- a statement-level trigger on the watched table bumps its topic's version in the changing transaction, so
-- the change and the new version commit together, whoever makes it (a page, the CLI, another instance, psql).
-- A cache keeps the version it loaded at and compares it with the one read in a query the request makes
-- anyway (src/platform/db/changes.ts): no extra round trip, and never a stale value, on every instance.
create table instants_change_versions (
  topic text primary key,
  version bigint not null default 0
);

create function instants_bump_change_version() returns trigger language plpgsql as $$
begin
  insert into instants_change_versions as v (topic, version) values (tg_argv[0], 1)
    on conflict (topic) do update set version = v.version + 1;
  return null;
end $$;
