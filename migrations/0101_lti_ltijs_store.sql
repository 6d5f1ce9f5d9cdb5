-- ltijs's nine collections (platform, platformStatus, publickey, privatekey, accesstoken, idtoken,
-- contexttoken, nonce, state) kept in PostgreSQL by our database plugin instead of MongoDB. Documents are
-- ltijs's own objects; keys and access tokens stay encrypted by ltijs (aes-256-cbc, key sha256(LTI_KEY)).
create table ltijs_documents (
  id bigserial primary key,
  collection text not null check (collection in
    ('platform', 'platformStatus', 'publickey', 'privatekey', 'accesstoken', 'idtoken', 'contexttoken', 'nonce', 'state')),
  doc jsonb not null,
  created_at timestamptz not null default now(),
  -- Reproduces the TTL indexes of ltijs's mongoose schemas; null = kept (platforms, keys).
  expires_at timestamptz
);
create index ltijs_documents_doc_idx on ltijs_documents using gin (doc jsonb_path_ops);
create index ltijs_documents_collection_idx on ltijs_documents (collection);
create index ltijs_documents_expiry_idx on ltijs_documents (expires_at) where expires_at is not null;

-- Each OIDC login request we answered: the state, the nonce we asked for and the target link, so the
-- id_token posted back can be bound to them (ltijs checks none of the three). Single use.
create table lti_login_requests (
  state text primary key,
  nonce text not null,
  issuer text not null,
  client_id text,
  target_link_uri text not null,
  -- Set when an id_token consumed this request: a second token for the same state is a replay.
  used_at timestamptz,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index lti_login_requests_expiry_idx on lti_login_requests (expires_at);

-- Deployments seen or declared per platform (a Moodle tool type id, or a course-level copy).
create table lti_deployments (
  issuer text not null,
  client_id text not null,
  deployment_id text not null,
  source text not null check (source in ('declared', 'launch', 'registration')),
  created_at timestamptz not null default now(),
  primary key (issuer, client_id, deployment_id)
);

-- The client id the launch came through (one issuer may register Instants more than once).
alter table lti_launches add column client_id text;
-- Deep Linking settings of a LtiDeepLinkingRequest launch (return URL, accepted types, opaque data).
alter table lti_launches add column deep_linking jsonb;
