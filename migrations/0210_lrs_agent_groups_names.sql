-- The agent index tells an Agent from a Group with the same identifier, and keeps the names seen with each
-- identifier (issue #14, point 12).
--
-- lrs_statement_agents.ifi: an identified Group's own row is now 'group:' followed by its IFI (members keep
-- their plain IFI under the group's role), so that the `agent` filter of GET /xapi/statements matches an
-- Agent through itself or the members of a Group, and a Group only through itself (Communication §2.1.3).
-- lrs_statements.actor_ifi is unchanged (a contract with the dashboard slice).
--
-- lrs_agent_names: the names seen with each Agent's IFI in stored statements (actor, object, instructor,
-- group members, contextAgents, SubStatement parts, authority), for the Person object of GET /xapi/agents.
-- Personal data: rows go with the person on erasure and with the last statement naming the IFI on purge.

create table lrs_agent_names (
  ifi text not null,
  name text not null,
  primary key (ifi, name)
);

-- The IFI text of src/lrs/ifi.ts ifiOf().
create function pg_temp.lrs_ifi(a jsonb) returns text language sql immutable as $$
  select case
    when jsonb_typeof(a->'mbox') = 'string' then 'mbox:' || lower(a->>'mbox')
    when jsonb_typeof(a->'mbox_sha1sum') = 'string' then 'mbox_sha1sum:' || lower(a->>'mbox_sha1sum')
    when jsonb_typeof(a->'openid') = 'string' then 'openid:' || (a->>'openid')
    when jsonb_typeof(a->'account') = 'object' then 'account:' || (a->'account'->>'homePage') || ' ' || (a->'account'->>'name')
  end $$;

-- Every agent or group of every stored statement, with its role as in src/lrs/ifi.ts referencesOf().
create temporary table lrs_positions on commit drop as
with s as (
  select seq, stored, statement as st, '' as p from lrs_statements
  union all
  select seq, stored, statement->'object', 'sub_' from lrs_statements where statement->'object'->>'objectType' = 'SubStatement'
)
select seq, stored, p || 'actor' as role, st->'actor' as agent from s where jsonb_typeof(st->'actor') = 'object'
union all select seq, stored, p || 'object', st->'object' from s where st->'object'->>'objectType' in ('Agent', 'Group')
union all select seq, stored, p || 'instructor', st->'context'->'instructor' from s where jsonb_typeof(st->'context'->'instructor') = 'object'
union all select seq, stored, p || 'team', st->'context'->'team' from s where jsonb_typeof(st->'context'->'team') = 'object'
union all select seq, stored, p || 'context', x->'agent' from s,
  jsonb_array_elements(case when jsonb_typeof(st->'context'->'contextAgents') = 'array' then st->'context'->'contextAgents' else '[]'::jsonb end) x
  where jsonb_typeof(x->'agent') = 'object'
union all select seq, stored, p || 'context', x->'group' from s,
  jsonb_array_elements(case when jsonb_typeof(st->'context'->'contextGroups') = 'array' then st->'context'->'contextGroups' else '[]'::jsonb end) x
  where jsonb_typeof(x->'group') = 'object'
union all select seq, stored, 'authority', st->'authority' from s where p = '' and jsonb_typeof(st->'authority') = 'object';

create temporary table lrs_members on commit drop as
select g.seq, g.role, m as agent from lrs_positions g,
  jsonb_array_elements(case when jsonb_typeof(g.agent->'member') = 'array' then g.agent->'member' else '[]'::jsonb end) m
where g.agent->>'objectType' = 'Group';

insert into lrs_statement_agents (statement_seq, ifi, role, stored)
select seq, 'group:' || pg_temp.lrs_ifi(agent), role, stored from lrs_positions
where agent->>'objectType' = 'Group' and pg_temp.lrs_ifi(agent) is not null
on conflict do nothing;

-- The group's plain row stays only where an Agent or a member at the same role has that identifier too.
delete from lrs_statement_agents a using lrs_positions g
where g.agent->>'objectType' = 'Group' and a.statement_seq = g.seq and a.role = g.role and a.ifi = pg_temp.lrs_ifi(g.agent)
  and not exists (select 1 from lrs_positions o where o.seq = g.seq and o.role = g.role
    and coalesce(o.agent->>'objectType', 'Agent') = 'Agent' and pg_temp.lrs_ifi(o.agent) = a.ifi)
  and not exists (select 1 from lrs_members m where m.seq = g.seq and m.role = g.role and pg_temp.lrs_ifi(m.agent) = a.ifi);

insert into lrs_agent_names (ifi, name)
select distinct pg_temp.lrs_ifi(x.agent), x.agent->>'name' from (
  select agent from lrs_positions where coalesce(agent->>'objectType', 'Agent') = 'Agent'
  union all select agent from lrs_members
) x
where jsonb_typeof(x.agent->'name') = 'string' and pg_temp.lrs_ifi(x.agent) is not null
on conflict do nothing;

drop function pg_temp.lrs_ifi(jsonb);
