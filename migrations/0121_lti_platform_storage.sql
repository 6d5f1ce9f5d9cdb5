-- LTI platform storage (lti_storage_target, lti.put_data / lti.get_data): the frame the platform names for
-- its storage, and the sha256 of the value Instants put there at login, checked when the launch comes
-- back without ltijs's state cookie. Null for platforms that do not offer it (Moodle 4.5).
alter table lti_login_requests add column storage_target text;
alter table lti_login_requests add column storage_binding text;
