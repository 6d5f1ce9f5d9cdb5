-- Where a person opens a resource link's activity on its platform, when the platform tells: for Moodle
-- (tool_platform.product_family_code "moodle") `<issuer>/mod/lti/view.php?l=<resource link id>`, which on
-- a phone launches the tool in the same window. Null for platforms whose activity address is unknown.
alter table lti_resource_links add column activity_url text;
