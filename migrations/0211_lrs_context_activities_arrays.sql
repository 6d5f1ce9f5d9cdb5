-- Every contextActivities value of a stored statement becomes an array (issue #14, point 2): Data §2.4.6.2
-- says the LRS MUST return every value as an array, in every format, and format=exact sends the stored JSON
-- as is. New statements are stored so (src/lrs/store.service.ts complete()); the statement comparison of a
-- resend treats a single object and a one-element array as equal, so a resend still compares equal.

create function pg_temp.lrs_context_arrays(ctx jsonb) returns jsonb language sql immutable as $$
  select jsonb_set(ctx, '{contextActivities}', (
    select coalesce(jsonb_object_agg(k, case when jsonb_typeof(v) = 'array' then v else jsonb_build_array(v) end), '{}'::jsonb)
    from jsonb_each(ctx->'contextActivities') as e(k, v)))
  $$;

create function pg_temp.lrs_has_single(ctx jsonb) returns boolean language sql immutable as $$
  select jsonb_typeof(ctx->'contextActivities') = 'object'
    and exists (select 1 from jsonb_each(ctx->'contextActivities') as e(k, v) where jsonb_typeof(v) <> 'array')
  $$;

update lrs_statements set statement = jsonb_set(statement, '{context}', pg_temp.lrs_context_arrays(statement->'context'))
where pg_temp.lrs_has_single(statement->'context');

update lrs_statements set statement = jsonb_set(statement, '{object,context}', pg_temp.lrs_context_arrays(statement->'object'->'context'))
where statement->'object'->>'objectType' = 'SubStatement' and pg_temp.lrs_has_single(statement->'object'->'context');

drop function pg_temp.lrs_has_single(jsonb);
drop function pg_temp.lrs_context_arrays(jsonb);
