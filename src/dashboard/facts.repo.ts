import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import { queryRows } from './rollup.repo';

/**
 * Fact rows of the sessions held in a window, for the disclosure layer to aggregate over every view of a
 * school year at once (see disclosure.ts). A session belongs to the window of its own date: the catalogue's
 * start when Instants knows the session, else the first check-in, else its first statement.
 */

export interface Scope {
  from: Date;
  until: Date;
  /** Course keys the rows are limited to; undefined for every course. */
  courses?: string[];
}

/** Sessions with their own date, as a CTE named `held` (session_key, session_id, title, series_key, series_title, competences, held_at). */
export function heldSessions(): SQL {
  return sql`held as (select s.session_key, s.session_id, s.title, s.series_key, s.series_title, s.competences,
      coalesce(cs.starts_at, (select min(x.attended_at) from dash_participation x where x.session_key = s.session_key), s.first_at) as held_at
    from dash_sessions s left join catalog_sessions cs on cs.id::text = s.session_id)`;
}

/** The participations of the scope, as CTEs `held` and `sp` (with the person's service and job family). */
function scoped(scope: Scope): SQL {
  const q = sql`with `;
  q.append(heldSessions());
  q.append(sql`, sp as materialized (select dp.session_key, dp.actor, dp.course_key, dp.launched, dp.attended, dp.completed, h.held_at, h.series_key,
      coalesce(pe.service, '') as service, coalesce(pe.job_family, '') as job_family
    from dash_participation dp join held h on h.session_key = dp.session_key left join dash_people pe on pe.actor = dp.actor
    where h.held_at >= ${scope.from.toISOString()}::timestamptz and h.held_at < ${scope.until.toISOString()}::timestamptz`);
  if (scope.courses !== undefined) q.append(sql` and dp.course_key in (select jsonb_array_elements_text(${JSON.stringify(scope.courses)}::jsonb))`);
  q.append(sql`) `);
  return q;
}

export interface ParticipationRow {
  sessionKey: string;
  actor: string;
  launched: boolean;
  attended: boolean;
  completed: boolean;
  heldAt: Date;
  series: string;
  service: string;
  jobFamily: string;
}

export async function participationRows(db: DbOrTx, scope: Scope): Promise<ParticipationRow[]> {
  const q = scoped(scope);
  q.append(sql`select session_key, actor, launched, attended, completed, held_at, coalesce(series_key, '') as series_key, service, job_family from sp`);
  return (await queryRows<Record<string, unknown>>(db, q)).map((r) => ({
    sessionKey: String(r.session_key),
    actor: String(r.actor),
    launched: Boolean(r.launched),
    attended: Boolean(r.attended),
    completed: Boolean(r.completed),
    heldAt: new Date(String(r.held_at)),
    series: String(r.series_key),
    service: String(r.service),
    jobFamily: String(r.job_family),
  }));
}

/** Ratings (scaled 0–1) of the scope's participations. */
export async function ratingRows(db: DbOrTx, scope: Scope): Promise<Array<{ sessionKey: string; actor: string; scaled: number }>> {
  const q = scoped(scope);
  q.append(sql`select r.session_key, r.actor, r.scaled from dash_ratings r join sp on sp.session_key = r.session_key and sp.actor = r.actor`);
  return (await queryRows<{ session_key: string; actor: string; scaled: unknown }>(db, q)).map((r) => ({ sessionKey: r.session_key, actor: r.actor, scaled: Number(r.scaled) }));
}

export interface PositionRow {
  sessionKey: string;
  actor: string;
  competence: string;
  moment: string;
  level: number;
  at: Date;
}

/** Self-positioning of the scope's participations (latest per session, competence, person and moment). */
export async function positionRows(db: DbOrTx, scope: Scope): Promise<PositionRow[]> {
  const q = scoped(scope);
  q.append(sql`select pos.session_key, pos.actor, pos.competence, pos.moment, pos.level, pos.at from dash_positions pos join sp on sp.session_key = pos.session_key and sp.actor = pos.actor`);
  return (await queryRows<Record<string, unknown>>(db, q)).map((r) => ({
    sessionKey: String(r.session_key),
    actor: String(r.actor),
    competence: String(r.competence),
    moment: String(r.moment),
    level: Number(r.level),
    at: new Date(String(r.at)),
  }));
}

export interface NeedRow {
  actor: string;
  type: string;
  key: string;
  label: string;
  sessionKey: string;
}

/** Needs expressed at the scope's sessions (distinct people are counted by the caller). */
export async function needRows(db: DbOrTx, scope: Scope): Promise<NeedRow[]> {
  const q = scoped(scope);
  q.append(sql`select n.actor, n.need_type, n.need_key, n.label, n.session_key from dash_needs n join sp on sp.session_key = n.session_key and sp.actor = n.actor`);
  return (await queryRows<Record<string, unknown>>(db, q)).map((r) => ({ actor: String(r.actor), type: String(r.need_type), key: String(r.need_key), label: String(r.label), sessionKey: String(r.session_key) }));
}

export interface SessionInfo {
  sessionKey: string;
  sessionId: string | null;
  title: string | null;
  series: string;
  competences: string[];
  heldAt: Date;
}

/** The sessions of the scope with their own date, newest first. */
export async function sessionInfos(db: DbOrTx, scope: Scope): Promise<SessionInfo[]> {
  const q = scoped(scope);
  q.append(sql`select h.session_key, h.session_id, h.title, coalesce(h.series_key, '') as series_key, h.competences, h.held_at from held h
    where h.session_key in (select session_key from sp) order by h.held_at desc, h.session_key`);
  return (await queryRows<Record<string, unknown>>(db, q)).map((r) => ({
    sessionKey: String(r.session_key),
    sessionId: (r.session_id as string | null) ?? null,
    title: (r.title as string | null) ?? null,
    series: String(r.series_key),
    competences: Array.isArray(r.competences) ? (r.competences as string[]) : (JSON.parse(String(r.competences ?? '[]')) as string[]),
    heldAt: new Date(String(r.held_at)),
  }));
}

/** A session's own date (see `heldSessions`). */
export async function sessionDate(db: DbOrTx, sessionKey: string): Promise<Date | null> {
  const q = sql`with `;
  q.append(heldSessions());
  q.append(sql` select held_at from held where session_key = ${sessionKey}`);
  const [r] = await queryRows<{ held_at: unknown }>(db, q);
  return r ? new Date(String(r.held_at)) : null;
}

/** The earliest session date in the scope's courses (for the period choices). */
export async function firstSessionDate(db: DbOrTx, courses: string[] | undefined): Promise<Date | null> {
  const q = sql`with `;
  q.append(heldSessions());
  q.append(sql` select min(h.held_at) as at from held h`);
  if (courses !== undefined) q.append(sql` where exists (select 1 from dash_participation dp where dp.session_key = h.session_key and dp.course_key in (select jsonb_array_elements_text(${JSON.stringify(courses)}::jsonb)))`);
  const [r] = await queryRows<{ at: unknown }>(db, q);
  return r?.at ? new Date(String(r.at)) : null;
}

/**
 * What the dashboards' figures depend on, as one text: the rollup cursor (new statements, rebuilds), the
 * target levels and the catalogue's sessions (their dates). Released figures are cached under it.
 */
export async function dataVersion(db: DbOrTx): Promise<string> {
  const [r] = await queryRows<{ v: string | null }>(db, sql`select coalesce((select string_agg(id || ':' || last_seq::text || gaps::text, ',' order by id) from dash_cursor), '')
    || '|' || coalesce((select max(updated_at)::text from dash_targets), '') || '|' || coalesce((select max(updated_at)::text || count(*)::text from catalog_sessions), '') as v`);
  return r?.v ?? '';
}
