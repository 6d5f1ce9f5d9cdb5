import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { queryRows } from './rollup.repo';

/**
 * Read queries of the dashboards over the rollup facts. Every query starts from `p`: the (session,
 * person) participations that match the filters, so that every figure obeys every filter.
 */

export interface Window {
  from: Date;
  until: Date;
}

/** What the session page's queries are limited to. */
export interface Filters {
  courses?: string[];
  series?: string;
  service?: string;
  session?: string;
}

/**
 * The filtered participations, as a CTE named p. Sessions and people are joined only when a filter or
 * the query needs them (`people`: service and job family), which keeps the common case a single scan.
 */
function participations(f: Filters, w: Window | undefined, needs: { people?: boolean } = {}): SQL {
  const people = needs.people || f.service !== undefined;
  const q = sql`with p as materialized (
    select dp.session_key, dp.actor, dp.course_key, dp.launched, dp.attended, dp.completed, dp.first_at`;
  q.append(people ? sql`, coalesce(pe.service, '') as service, pe.job_family from dash_participation dp left join dash_people pe on pe.actor = dp.actor` : sql` from dash_participation dp`);
  if (f.series !== undefined) q.append(sql` join dash_sessions s on s.session_key = dp.session_key and s.series_key = ${f.series}`);
  // A session page shows the whole session, whatever the dates of its facts.
  q.append(w ? sql` where dp.first_at >= ${w.from.toISOString()}::timestamptz and dp.first_at < ${w.until.toISOString()}::timestamptz` : sql` where true`);
  if (f.courses !== undefined) q.append(sql` and dp.course_key in (select jsonb_array_elements_text(${JSON.stringify(f.courses)}::jsonb))`);
  if (f.service !== undefined) q.append(sql` and coalesce(pe.service, '') = ${f.service}`);
  if (f.session !== undefined) q.append(sql` and dp.session_key = ${f.session}`);
  q.append(sql`) `);
  return q;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export interface Kpis {
  people: number;
  attendees: number;
  sessionsHeld: number;
  registrations: number;
  attendedRows: number;
  completedRows: number;
  ratingPeople: number;
  satisfaction: number | null;
}

/** Headline figures of a window. */
export async function kpis(db: DbOrTx, f: Filters, w: Window | undefined): Promise<Kpis> {
  const q = participations(f, w);
  q.append(sql`select
      (select count(*) from (select distinct actor from p) x) as people,
      (select count(*) from (select distinct actor from p where attended) x) as attendees,
      (select count(*) from (select distinct session_key from p where attended) x) as sessions_held,
      (select count(*) from p) as registrations,
      (select count(*) from p where attended) as attended_rows,
      (select count(*) from p where attended and completed) as completed_rows,
      (select count(*) from (select distinct r.actor from dash_ratings r join p on p.session_key = r.session_key and p.actor = r.actor) x) as rating_people,
      (select avg(r.scaled) from dash_ratings r join p on p.session_key = r.session_key and p.actor = r.actor) as satisfaction`);
  const [r] = await queryRows<Record<string, unknown>>(db, q);
  return {
    people: num(r?.people),
    attendees: num(r?.attendees),
    sessionsHeld: num(r?.sessions_held),
    registrations: num(r?.registrations),
    attendedRows: num(r?.attended_rows),
    completedRows: num(r?.completed_rows),
    ratingPeople: num(r?.rating_people),
    satisfaction: numOrNull(r?.satisfaction),
  };
}

/** Distinct people who opened each resource. */
export async function resourceOpens(db: DbOrTx, f: Filters, w: Window | undefined): Promise<Array<{ title: string; people: number }>> {
  const q = participations(f, w);
  q.append(sql`select coalesce(max(ro.title), ro.resource_key) as title, count(distinct ro.actor) as people
    from dash_resource_opens ro join p on p.session_key = ro.session_key and p.actor = ro.actor group by ro.resource_key order by 2 desc, 1`);
  return (await queryRows<{ title: string; people: unknown }>(db, q)).map((r) => ({ title: r.title, people: num(r.people) }));
}

export interface ItemRow {
  question: string;
  answered: number;
  succeeded: number;
  withCertainty: number;
  confidentErrors: number;
}

/** Quiz item analysis: first answers per person; confident error = wrong with certainty 3 or 4 (of 4). */
export async function items(db: DbOrTx, f: Filters, w: Window | undefined): Promise<ItemRow[]> {
  const q = participations(f, w);
  q.append(sql`select coalesce(max(a.question_text), a.question_key) as question, count(*) as answered, count(*) filter (where a.success) as succeeded,
      count(*) filter (where a.certainty is not null) as with_certainty, count(*) filter (where a.success = false and a.certainty >= 3) as confident_errors
    from dash_answers a join p on p.session_key = a.session_key and p.actor = a.actor group by a.question_key order by 1`);
  return (await queryRows<Record<string, unknown>>(db, q)).map((r) => ({
    question: String(r.question),
    answered: num(r.answered),
    succeeded: num(r.succeeded),
    withCertainty: num(r.with_certainty),
    confidentErrors: num(r.confident_errors),
  }));
}

export interface PairSummary {
  competence: string;
  kind: 'prospective' | 'retrospective';
  pairs: number;
  excludedAtMax: number;
  avgGain: number | null;
  meanPre: number | null;
  meanPost: number | null;
  meanDiff: number | null;
  sdDiff: number | null;
  negative: number;
  low: number;
  medium: number;
  high: number;
}

/**
 * Paired self-positioning per competence, summarised in SQL: prospective = (before, after), retrospective
 * = (then, after), one pair per person and session; people at level 8 before are excluded from gains.
 */
export async function pairSummaries(db: DbOrTx, f: Filters, w: Window | undefined, max: number): Promise<PairSummary[]> {
  const q = participations(f, w);
  q.append(sql`, x as (
      select pos.competence, pos.session_key, pos.actor,
        max(pos.level) filter (where pos.moment = 'before') as pre, max(pos.level) filter (where pos.moment = 'then') as then_,
        max(pos.level) filter (where pos.moment = 'after') as post
      from dash_positions pos join p on p.session_key = pos.session_key and p.actor = pos.actor group by 1, 2, 3),
    y as (
      select competence, 'prospective' as kind, pre, post from x where pre is not null and post is not null
      union all select competence, 'retrospective', then_, post from x where then_ is not null and post is not null),
    z as (select *, case when pre < ${max} then (post - pre)::float8 / (${max} - pre) end as g from y)
    select competence, kind, count(*) filter (where pre < ${max}) as pairs, count(*) filter (where pre >= ${max}) as excluded,
      avg(g) as avg_gain, avg(pre) filter (where pre < ${max}) as mean_pre, avg(post) filter (where pre < ${max}) as mean_post,
      avg(post - pre) as mean_diff, stddev_samp(post - pre) as sd_diff,
      count(*) filter (where g < 0) as negative, count(*) filter (where g >= 0 and g < 0.3) as low,
      count(*) filter (where g >= 0.3 and g <= 0.7) as medium, count(*) filter (where g > 0.7) as high
    from z group by 1, 2 order by 1, 2`);
  return (await queryRows<Record<string, unknown>>(db, q)).map((r) => ({
    competence: String(r.competence),
    kind: r.kind as PairSummary['kind'],
    pairs: num(r.pairs),
    excludedAtMax: num(r.excluded),
    avgGain: numOrNull(r.avg_gain),
    meanPre: numOrNull(r.mean_pre),
    meanPost: numOrNull(r.mean_post),
    meanDiff: numOrNull(r.mean_diff),
    sdDiff: numOrNull(r.sd_diff),
    negative: num(r.negative),
    low: num(r.low),
    medium: num(r.medium),
    high: num(r.high),
  }));
}

/** People per CRCN band (1–2, 3–4, 5–6, 7–8) for each competence and moment. */
export async function bandCounts(db: DbOrTx, f: Filters, w: Window | undefined): Promise<Array<{ competence: string; moment: string; band: number; people: number }>> {
  const q = participations(f, w);
  q.append(sql`select pos.competence, pos.moment, (pos.level + 1) / 2 as band, count(distinct pos.actor) as people
    from dash_positions pos join p on p.session_key = pos.session_key and p.actor = pos.actor group by 1, 2, 3 order by 1, 2, 3`);
  return (await queryRows<Record<string, unknown>>(db, q)).map((r) => ({ competence: String(r.competence), moment: String(r.moment), band: num(r.band), people: num(r.people) }));
}

/** D+30 follow-up among attendees: respondents, users since, and obstacles in distinct people. */
export async function followups(db: DbOrTx, f: Filters, w: Window | undefined): Promise<{ attendees: number; responded: number; used: number; obstacles: Array<{ obstacle: string; people: number }> }> {
  const q = participations(f, w);
  q.append(sql`select (select count(*) from p where attended) as attendees, count(fu.actor) as responded, count(*) filter (where fu.used_since) as used
    from dash_followups fu join p on p.session_key = fu.session_key and p.actor = fu.actor and p.attended`);
  const [r] = await queryRows<Record<string, unknown>>(db, q);
  const o = participations(f, w);
  o.append(sql`select ob as obstacle, count(distinct fu.actor) as people from dash_followups fu join p on p.session_key = fu.session_key and p.actor = fu.actor and p.attended,
    jsonb_array_elements_text(fu.obstacles) as ob group by 1 order by 2 desc, 1`);
  const obstacles = (await queryRows<{ obstacle: string; people: unknown }>(db, o)).map((x) => ({ obstacle: x.obstacle, people: num(x.people) }));
  return { attendees: num(r?.attendees), responded: num(r?.responded), used: num(r?.used), obstacles };
}

/**
 * Knowledge-sharing offers ("I can present a tool", activities slice, migration 0500) per normalised tool
 * in the window, in distinct people; limited to the organiser's course when given.
 */
export async function offers(db: DbOrTx, w: Window, contextRef: string | null | undefined): Promise<Array<{ tool: string; people: number }>> {
  const q = sql`select min(tool) as tool, count(distinct user_ref) as people from activity_offers
    where created_at >= ${w.from.toISOString()}::timestamptz and created_at < ${w.until.toISOString()}::timestamptz`;
  if (contextRef !== undefined) q.append(sql` and context_ref = ${contextRef}`);
  q.append(sql` group by lower(trim(tool)) order by 2 desc, 1`);
  return (await queryRows<{ tool: string; people: unknown }>(db, q)).map((r) => ({ tool: r.tool, people: num(r.people) }));
}

/** Filter choices: series, courses, services and job families seen (sessions: facts.repo `sessionInfos`). */
export async function filterChoices(db: DbOrTx, courses: string[] | undefined) {
  const limit = courses === undefined ? sql`` : sql` where dp.course_key in (select jsonb_array_elements_text(${JSON.stringify(courses)}::jsonb))`;
  const series = await queryRows<{ key: string; title: string | null }>(db, sql`select distinct s.series_key as key, s.series_title as title from dash_sessions s
    join dash_participation dp on dp.session_key = s.session_key${limit} ${courses === undefined ? sql`where` : sql`and`} s.series_key is not null order by 2, 1`);
  const courseRows = await queryRows<{ key: string; title: string | null }>(db, courses === undefined
    ? sql`select course_key as key, title from dash_courses order by 2, 1`
    : sql`select course_key as key, title from dash_courses where course_key in (select jsonb_array_elements_text(${JSON.stringify(courses)}::jsonb)) order by 2, 1`);
  const people = await queryRows<{ service: string | null; job_family: string | null }>(db, sql`select distinct pe.service, pe.job_family from dash_people pe
    where exists (select 1 from dash_participation dp where dp.actor = pe.actor${courses === undefined ? sql`` : sql` and dp.course_key in (select jsonb_array_elements_text(${JSON.stringify(courses)}::jsonb))`})`);
  const distinct = (xs: Array<string | null>) => [...new Set(xs.filter((x): x is string => x !== null && x !== ''))].sort();
  return { series, courses: courseRows, services: distinct(people.map((p) => p.service)), jobFamilies: distinct(people.map((p) => p.job_family)) };
}

/** A session of the catalogue (no dashboard data yet), with its owner course, for an empty state. */
export async function catalogSession(db: DbOrTx, id: string): Promise<{ title: string; ownerContextRef: string | null } | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
  const [row] = await queryRows<{ title: string; owner: string | null }>(db, sql`select title, owner_context_ref::text as owner from catalog_sessions where id = ${id}::uuid`);
  return row ? { title: row.title, ownerContextRef: row.owner } : undefined;
}

/** The course keys of an LMS course (issuer, context id) as they appear in statements. */
export async function courseKeysFor(db: DbOrTx, issuer: string, contextId: string): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(db, sql`select course_key as key from dash_courses where context_id = ${contextId} and (issuer is null or issuer = ${issuer})`);
  return rows.map((r) => r.key);
}

/** Whether anyone from one of these courses took part in a session. */
export async function sessionHasCourse(db: DbOrTx, sessionKey: string, courses: string[]): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from dash_participation where session_key = ${sessionKey}
    and course_key in (select jsonb_array_elements_text(${JSON.stringify(courses)}::jsonb)) limit 1`);
  return rows.length > 0;
}

/** A session's key from its Instants id or its key, with its Instants (catalogue) id when statements gave one. */
export async function findSessionKey(db: DbOrTx, idOrKey: string): Promise<{ key: string; title: string | null; sessionId: string | null } | undefined> {
  const [row] = await queryRows<{ key: string; title: string | null; session_id: string | null }>(db, sql`select session_key as key, title, session_id from dash_sessions where session_id = ${idOrKey} or session_key = ${idOrKey} limit 1`);
  return row ? { key: row.key, title: row.title, sessionId: row.session_id } : undefined;
}

/** Sets the target level of a competence for a job family. */
export async function upsertTarget(db: DbOrTx, t: { competence: string; jobFamily: string; level: number }): Promise<void> {
  await db.execute(sql`insert into dash_targets (competence, job_family, level) values (${t.competence}, ${t.jobFamily}, ${t.level})
    on conflict (competence, job_family) do update set level = excluded.level, updated_at = now()`);
}

export async function listTargets(db: DbOrTx): Promise<Array<{ competence: string; jobFamily: string; level: number }>> {
  return (await queryRows<{ competence: string; job_family: string; level: unknown }>(db, sql`select competence, job_family, level from dash_targets order by 1, 2`)).map((r) => ({ competence: r.competence, jobFamily: r.job_family, level: num(r.level) }));
}

/** Job families seen in statements (for the target form). */
export async function jobFamilies(db: DbOrTx): Promise<string[]> {
  return (await queryRows<{ f: string }>(db, sql`select distinct job_family as f from dash_people where job_family is not null order by 1`)).map((r) => r.f);
}
