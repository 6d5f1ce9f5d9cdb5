-- Enabled forwarding destinations are cached per instance (src/xapi/forwarding/destinations.cache.ts):
-- every change bumps their version.
insert into instants_change_versions (topic) values ('xapi_destinations');
create trigger xapi_destinations_version after insert or update or delete or truncate on xapi_destinations
  for each statement execute function instants_bump_change_version('xapi_destinations');
