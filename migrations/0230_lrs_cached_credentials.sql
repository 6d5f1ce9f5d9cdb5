-- LRS credentials are cached per instance (src/lrs/credential.cache.ts): every change bumps their version.
insert into instants_change_versions (topic) values ('lrs_credentials');
create trigger lrs_credentials_version after insert or update or delete or truncate on lrs_credentials
  for each statement execute function instants_bump_change_version('lrs_credentials');
