-- The hints of each login request, so that a browser refusing Instants' cookies inside Moodle's iframe can be
-- offered the same login again in a new window (first-party cookies there).
alter table lti_login_requests add column login_hint text;
alter table lti_login_requests add column lti_message_hint text;
alter table lti_login_requests add column deployment_hint text;
