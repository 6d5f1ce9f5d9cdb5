-- Login initiations (/lti/login) counted per client address and minute, so that anonymous clients cannot
-- write login requests without limit; rows of past minutes are purged by the lti-purge job.
create table lti_login_rate (
  client text not null,
  window_start timestamptz not null,
  count integer not null,
  primary key (client, window_start)
);
create index lti_login_rate_window_idx on lti_login_rate (window_start);
