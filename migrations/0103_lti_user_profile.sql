-- The person's service (rectorat / DSDEN service) and job family, from LTI custom parameters `service` and
-- `job_family` (Moodle substitutes profile fields, e.g. service=$Person.address.department or a custom
-- profile field). Used by dashboards (reach by service, Borich targets by job family); null when not sent.
alter table lti_users add column service text;
alter table lti_users add column job_family text;
