-- A quiz the organisers stop offering keeps its questions: the row stays with `offered = false`, and
-- participants see only offered activities. Other kinds are still removed when they are not offered.
alter table activity_configs add column offered boolean not null default true;
