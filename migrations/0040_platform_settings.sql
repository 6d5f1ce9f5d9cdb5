-- Facts about the database itself, kept by the platform. `production_since`: the first start of a production
-- instance on this database (`seed` then refuses to write demonstration data into it without --force).
create table instants_settings (
  name text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
