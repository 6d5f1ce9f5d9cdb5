-- Service-token refresh without holding a transaction across the HTTP call (the platform may fetch our key
-- set meanwhile, which needs the database): a refresh is claimed by setting a short lease on the cache row.
alter table grades_service_tokens add column refreshing_until timestamptz;
