-- A key drawn when the "new session" form is shown: posting the same form twice (double click, resent
-- request from the Moodle iframe) creates one session, not two.
alter table catalog_sessions add column creation_key uuid;
create unique index catalog_sessions_creation_key_idx on catalog_sessions (creation_key) where creation_key is not null;
