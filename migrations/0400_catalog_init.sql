-- Catalogue: series, competence frameworks (CRCN shipped), sessions, their competences and resources.

-- A competence framework of the shape (code, domain, title). The CRCN is the default; admins import others.
create table catalog_frameworks (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  title text not null,
  source text,
  is_default boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index catalog_frameworks_one_default_idx on catalog_frameworks (is_default) where is_default;

create table catalog_competences (
  framework_id text not null references catalog_frameworks (id) on delete cascade,
  code text not null,
  domain text not null,
  title text not null,
  position integer not null,
  primary key (framework_id, code)
);

-- A series of sessions, e.g. "Instants numériques 2026-2027".
create table catalog_series (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  description text not null default '',
  -- The course where it was created, and who created it.
  owner_context_ref uuid references lti_contexts (id) on delete set null,
  created_by uuid references lti_users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index catalog_series_owner_idx on catalog_series (owner_context_ref);

create table catalog_sessions (
  id uuid primary key default gen_random_uuid(),
  series_id uuid references catalog_series (id) on delete set null,
  title text not null,
  -- The digital tool discovered (e.g. "OpenStreetMap").
  tool text,
  tags text[] not null default '{}',
  -- Markdown as typed by the organiser; rendered and sanitised on display.
  description_md text not null default '',
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  place text,
  format text not null default 'in_person' check (format in ('in_person', 'hybrid', 'remote')),
  remote_url text,
  capacity integer check (capacity is null or capacity > 0),
  -- Services the session is open to (e.g. "Rectorat", "DSDEN 21").
  audience text[] not null default '{}',
  -- Staff who present, and staff who share what they know.
  presenters text[] not null default '{}',
  contributors text[] not null default '{}',
  status text not null default 'draft' check (status in ('draft', 'published', 'cancelled', 'archived')),
  cancel_reason text,
  published_at timestamptz,
  owner_context_ref uuid references lti_contexts (id) on delete set null,
  created_by uuid references lti_users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at > starts_at),
  check (format = 'in_person' or remote_url is not null)
);
create index catalog_sessions_status_starts_idx on catalog_sessions (status, starts_at);
create index catalog_sessions_owner_idx on catalog_sessions (owner_context_ref, starts_at);
create index catalog_sessions_series_idx on catalog_sessions (series_id);

-- The 1 to 3 competences a session targets (the count is checked by the service).
create table catalog_session_competences (
  session_id uuid not null references catalog_sessions (id) on delete cascade,
  framework_id text not null,
  code text not null,
  position integer not null default 0,
  primary key (session_id, framework_id, code),
  foreign key (framework_id, code) references catalog_competences (framework_id, code) on update cascade
);

-- Uploaded files, kept in the database so that every instance serves them and backups hold them.
create table catalog_files (
  id uuid primary key default gen_random_uuid(),
  filename text not null,
  content_type text not null,
  size_bytes integer not null,
  sha256 text not null,
  data bytea not null,
  created_by uuid references lti_users (id) on delete set null,
  created_at timestamptz not null default now()
);

create table catalog_resources (
  id uuid primary key default gen_random_uuid(),
  session_id uuid not null references catalog_sessions (id) on delete cascade,
  type text not null check (type in ('link', 'video', 'slides', 'document')),
  title text not null,
  description text not null default '',
  estimated_minutes integer check (estimated_minutes is null or estimated_minutes between 1 and 600),
  url text,
  file_id uuid references catalog_files (id) on delete restrict,
  position integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((url is null) <> (file_id is null))
);
create index catalog_resources_session_idx on catalog_resources (session_id, position);
create index catalog_resources_file_idx on catalog_resources (file_id);

-- The CRCN, shipped as data (src/catalog/frameworks/crcn.json; a test keeps the two equal).
insert into catalog_frameworks (id, title, source, is_default) values
  ('crcn', 'Cadre de référence des compétences numériques (CRCN)', 'Décret n° 2019-919 du 30 août 2019 ; code de l''éducation, art. D121-1', true);
insert into catalog_competences (framework_id, code, domain, title, position) values
  ('crcn', '1.1', '1 Information et données', 'Mener une recherche et une veille d''information', 1),
  ('crcn', '1.2', '1 Information et données', 'Gérer des données', 2),
  ('crcn', '1.3', '1 Information et données', 'Traiter des données', 3),
  ('crcn', '2.1', '2 Communication et collaboration', 'Interagir', 4),
  ('crcn', '2.2', '2 Communication et collaboration', 'Partager et publier', 5),
  ('crcn', '2.3', '2 Communication et collaboration', 'Collaborer', 6),
  ('crcn', '2.4', '2 Communication et collaboration', 'S''insérer dans le monde numérique', 7),
  ('crcn', '3.1', '3 Création de contenus', 'Développer des documents textuels', 8),
  ('crcn', '3.2', '3 Création de contenus', 'Développer des documents multimédia', 9),
  ('crcn', '3.3', '3 Création de contenus', 'Adapter les documents à leur finalité', 10),
  ('crcn', '3.4', '3 Création de contenus', 'Programmer', 11),
  ('crcn', '4.1', '4 Protection et sécurité', 'Sécuriser l''environnement numérique', 12),
  ('crcn', '4.2', '4 Protection et sécurité', 'Protéger les données personnelles et la vie privée', 13),
  ('crcn', '4.3', '4 Protection et sécurité', 'Protéger la santé, le bien-être et l''environnement', 14),
  ('crcn', '5.1', '5 Environnement numérique', 'Résoudre des problèmes techniques', 15),
  ('crcn', '5.2', '5 Environnement numérique', 'Évoluer dans un environnement numérique', 16);
