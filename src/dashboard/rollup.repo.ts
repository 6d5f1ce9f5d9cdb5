import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../platform/db/client';
import type { Facts } from './extract';

/**
 * Writes dashboard facts with one set-based upsert per table. Merge rules are commutative (OR of flags,
 * earliest/latest by (timestamp, statement id)), and applied both here in SQL and before, in memory, to
 * the rows of one batch (an INSERT … ON CONFLICT may not touch the same row twice).
 */

type Row = Record<string, unknown>;

/** Runs a query and returns its rows, whichever engine (both drivers give `{ rows }`). */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** (at, stmt) ordering, the same as PostgreSQL's on (timestamptz, uuid). */
const later = (a: { at: Date; stmt: string }, b: { at: Date; stmt: string }) => a.at.getTime() > b.at.getTime() || (a.at.getTime() === b.at.getTime() && a.stmt > b.stmt);
const minDate = (a: Date | null, b: Date | null) => (a === null ? b : b === null ? a : a <= b ? a : b);
const greatestText = (a: string | null, b: string | null) => (a === null ? b : b === null ? a : a >= b ? a : b);

function mergeBy<T>(list: T[], key: (x: T) => string, merge: (a: T, b: T) => T): T[] {
  const map = new Map<string, T>();
  for (const x of list) {
    const k = key(x);
    const prev = map.get(k);
    map.set(k, prev === undefined ? x : merge(prev, x));
  }
  return [...map.values()];
}

const latestWins = <T extends { at: Date; stmt: string }>(a: T, b: T) => (later(b, a) ? b : a);
const firstWins = <T extends { at: Date; stmt: string }>(a: T, b: T) => (later(b, a) ? a : b);

async function upsert(db: DbOrTx, table: string, columns: string, rows: Row[], conflict: string): Promise<void> {
  if (!rows.length) return;
  const query: SQL = sql.raw(`insert into ${table} as t select * from jsonb_to_recordset(`);
  query.append(sql`${JSON.stringify(rows)}::jsonb`);
  query.append(sql.raw(`) as x(${columns}) on conflict ${conflict}`));
  await db.execute(query);
}

/** Applies the facts of a batch of statements. */
export async function applyFacts(db: DbOrTx, f: Facts): Promise<void> {
  type SessionRow = Facts['sessions'][number] & { first: Date; last: Date };
  const sessions = mergeBy(
    f.sessions.map((s): SessionRow => ({ ...s, first: s.at, last: s.at })),
    (s) => s.sessionKey,
    (a, b) => ({ ...latestWins(a, b), first: a.first <= b.first ? a.first : b.first, last: a.last >= b.last ? a.last : b.last }),
  ).map((s) => ({
    session_key: s.sessionKey, session_id: s.sessionId, title: s.title, tool: s.tool, series_key: s.seriesKey, series_title: s.seriesTitle,
    competences: s.competences, first_at: s.first, last_at: s.last, meta_at: s.at, meta_stmt: s.stmt,
  }));
  await upsert(db, 'dash_sessions', 'session_key text, session_id text, title text, tool text, series_key text, series_title text, competences jsonb, first_at timestamptz, last_at timestamptz, meta_at timestamptz, meta_stmt uuid', sessions,
    `(session_key) do update set first_at = least(t.first_at, excluded.first_at), last_at = greatest(t.last_at, excluded.last_at),
      session_id = case when (excluded.meta_at, excluded.meta_stmt) > (t.meta_at, t.meta_stmt) then excluded.session_id else t.session_id end,
      title = case when (excluded.meta_at, excluded.meta_stmt) > (t.meta_at, t.meta_stmt) then excluded.title else t.title end,
      tool = case when (excluded.meta_at, excluded.meta_stmt) > (t.meta_at, t.meta_stmt) then excluded.tool else t.tool end,
      series_key = case when (excluded.meta_at, excluded.meta_stmt) > (t.meta_at, t.meta_stmt) then excluded.series_key else t.series_key end,
      series_title = case when (excluded.meta_at, excluded.meta_stmt) > (t.meta_at, t.meta_stmt) then excluded.series_title else t.series_title end,
      competences = case when (excluded.meta_at, excluded.meta_stmt) > (t.meta_at, t.meta_stmt) then excluded.competences else t.competences end,
      meta_stmt = case when (excluded.meta_at, excluded.meta_stmt) > (t.meta_at, t.meta_stmt) then excluded.meta_stmt else t.meta_stmt end,
      meta_at = greatest(t.meta_at, excluded.meta_at)`);

  const courses = mergeBy(f.courses, (c) => c.courseKey, (a, b) => ({ ...a, issuer: greatestText(a.issuer, b.issuer), contextId: greatestText(a.contextId, b.contextId), title: greatestText(a.title, b.title) }));
  await upsert(db, 'dash_courses', 'course_key text, issuer text, context_id text, title text', courses.map((c) => ({ course_key: c.courseKey, issuer: c.issuer, context_id: c.contextId, title: c.title })),
    `(course_key) do update set issuer = greatest(t.issuer, excluded.issuer), context_id = greatest(t.context_id, excluded.context_id), title = greatest(t.title, excluded.title)`);

  const people = mergeBy(f.people, (p) => p.actor, latestWins);
  await upsert(db, 'dash_people', 'actor text, service text, job_family text, at timestamptz, stmt uuid', people.map((p) => ({ actor: p.actor, service: p.service, job_family: p.jobFamily, at: p.at, stmt: p.stmt })),
    `(actor) do update set service = excluded.service, job_family = excluded.job_family, at = excluded.at, stmt = excluded.stmt where (excluded.at, excluded.stmt) > (t.at, t.stmt)`);

  const participation = mergeBy(f.participation, (p) => `${p.sessionKey}\n${p.actor}`, (a, b) => {
    const first = a.at < b.at || (a.at.getTime() === b.at.getTime() && (a.courseKey ?? '') <= (b.courseKey ?? '')) ? a : b;
    return { ...first, launched: a.launched || b.launched, attended: a.attended || b.attended, completed: a.completed || b.completed, attendedAt: minDate(a.attendedAt, b.attendedAt) };
  });
  await upsert(db, 'dash_participation', 'session_key text, actor text, course_key text, launched boolean, attended boolean, completed boolean, first_at timestamptz, attended_at timestamptz',
    participation.map((p) => ({ session_key: p.sessionKey, actor: p.actor, course_key: p.courseKey, launched: p.launched, attended: p.attended, completed: p.completed, first_at: p.at, attended_at: p.attendedAt })),
    `(session_key, actor) do update set launched = t.launched or excluded.launched, attended = t.attended or excluded.attended, completed = t.completed or excluded.completed,
      attended_at = least(t.attended_at, excluded.attended_at),
      course_key = case when (excluded.first_at, coalesce(excluded.course_key, '')) < (t.first_at, coalesce(t.course_key, '')) then excluded.course_key else t.course_key end,
      first_at = least(t.first_at, excluded.first_at)`);

  const resources = mergeBy(f.resources, (r) => `${r.sessionKey}\n${r.resourceKey}\n${r.actor}`, (a, b) => ({ ...(a.at <= b.at ? a : b), title: greatestText(a.title, b.title) }));
  await upsert(db, 'dash_resource_opens', 'session_key text, resource_key text, actor text, title text, first_at timestamptz',
    resources.map((r) => ({ session_key: r.sessionKey, resource_key: r.resourceKey, actor: r.actor, title: r.title, first_at: r.at })),
    `(session_key, resource_key, actor) do update set first_at = least(t.first_at, excluded.first_at), title = greatest(t.title, excluded.title)`);

  const answers = mergeBy(f.answers, (a) => `${a.sessionKey}\n${a.questionKey}\n${a.actor}`, firstWins);
  await upsert(db, 'dash_answers', 'session_key text, question_key text, actor text, question_text text, success boolean, certainty integer, at timestamptz, stmt uuid',
    answers.map((a) => ({ session_key: a.sessionKey, question_key: a.questionKey, actor: a.actor, question_text: a.questionText, success: a.success, certainty: a.certainty, at: a.at, stmt: a.stmt })),
    `(session_key, question_key, actor) do update set question_text = excluded.question_text, success = excluded.success, certainty = excluded.certainty, at = excluded.at, stmt = excluded.stmt
      where (excluded.at, excluded.stmt) < (t.at, t.stmt)`);

  const positions = mergeBy(f.positions, (p) => `${p.sessionKey}\n${p.competence}\n${p.actor}\n${p.moment}`, latestWins);
  await upsert(db, 'dash_positions', 'session_key text, competence text, actor text, moment text, level integer, at timestamptz, stmt uuid',
    positions.map((p) => ({ session_key: p.sessionKey, competence: p.competence, actor: p.actor, moment: p.moment, level: p.level, at: p.at, stmt: p.stmt })),
    `(session_key, competence, actor, moment) do update set level = excluded.level, at = excluded.at, stmt = excluded.stmt where (excluded.at, excluded.stmt) > (t.at, t.stmt)`);

  const ratings = mergeBy(f.ratings, (r) => `${r.sessionKey}\n${r.actor}`, latestWins);
  await upsert(db, 'dash_ratings', 'session_key text, actor text, scaled double precision, at timestamptz, stmt uuid',
    ratings.map((r) => ({ session_key: r.sessionKey, actor: r.actor, scaled: r.scaled, at: r.at, stmt: r.stmt })),
    `(session_key, actor) do update set scaled = excluded.scaled, at = excluded.at, stmt = excluded.stmt where (excluded.at, excluded.stmt) > (t.at, t.stmt)`);

  const followups = mergeBy(f.followups, (r) => `${r.sessionKey}\n${r.actor}`, latestWins);
  await upsert(db, 'dash_followups', 'session_key text, actor text, used_since boolean, frequency text, obstacles jsonb, at timestamptz, stmt uuid',
    followups.map((r) => ({ session_key: r.sessionKey, actor: r.actor, used_since: r.usedSince, frequency: r.frequency, obstacles: r.obstacles, at: r.at, stmt: r.stmt })),
    `(session_key, actor) do update set used_since = excluded.used_since, frequency = excluded.frequency, obstacles = excluded.obstacles, at = excluded.at, stmt = excluded.stmt
      where (excluded.at, excluded.stmt) > (t.at, t.stmt)`);

  const needs = mergeBy(f.needs, (n) => `${n.actor}\n${n.needType}\n${n.needKey}\n${n.day}`, (a, b) => ({ ...a, label: a.label <= b.label ? a.label : b.label, sessionKey: greatestText(a.sessionKey, b.sessionKey) }));
  await upsert(db, 'dash_needs', 'actor text, need_type text, need_key text, day date, label text, session_key text',
    needs.map((n) => ({ actor: n.actor, need_type: n.needType, need_key: n.needKey, day: n.day, label: n.label, session_key: n.sessionKey })),
    `(actor, need_type, need_key, day) do update set label = least(t.label, excluded.label), session_key = greatest(t.session_key, excluded.session_key)`);
}

export interface StatementRow {
  seq: number;
  actor_ifi: string;
  statement: unknown;
}

export interface Cursor {
  lastSeq: number;
  gaps: Array<{ seq: number; seenAt: string }>;
}

/** Locks and reads the cursor row (several workers: the second waits, then sees the first one's work). */
export async function lockCursor(db: DbOrTx, id: string): Promise<Cursor> {
  await db.execute(sql`insert into dash_cursor (id) values (${id}) on conflict (id) do nothing`);
  const [row] = await queryRows<{ last_seq: string | number; gaps: Cursor['gaps'] | string }>(db, sql`select last_seq, gaps from dash_cursor where id = ${id} for update`);
  if (!row) throw new Error('dash_cursor row missing');
  return { lastSeq: Number(row.last_seq), gaps: typeof row.gaps === 'string' ? (JSON.parse(row.gaps) as Cursor['gaps']) : row.gaps };
}

export async function saveCursor(db: DbOrTx, id: string, cursor: Cursor): Promise<void> {
  await db.execute(sql`update dash_cursor set last_seq = ${cursor.lastSeq}, gaps = ${JSON.stringify(cursor.gaps)}::jsonb, updated_at = now() where id = ${id}`);
}

/** Statements after `afterSeq` in storage order, and those whose seq is in `gaps`; voided ones are skipped. */
export async function readStatements(db: DbOrTx, afterSeq: number, limit: number, gaps: number[]): Promise<{ rows: StatementRow[]; maxSeq: number; found: number[] }> {
  type Raw = StatementRow & { voided: boolean };
  const r = await queryRows<Raw>(db, sql`select seq, actor_ifi, voided, statement from lrs_statements where seq > ${afterSeq} order by seq limit ${limit}`);
  const g = gaps.length ? await queryRows<Raw>(db, sql`select seq, actor_ifi, voided, statement from lrs_statements where seq = any(${`{${gaps.join(',')}}`}::bigint[])`) : [];
  const seqs = r.map((x) => Number(x.seq));
  return {
    rows: [...r, ...g].filter((x) => !x.voided).map((x) => ({ ...x, seq: Number(x.seq), statement: typeof x.statement === 'string' ? JSON.parse(x.statement) : x.statement })),
    maxSeq: seqs.length ? Math.max(...seqs) : afterSeq,
    found: [...seqs, ...g.map((x) => Number(x.seq))],
  };
}

const FACT_TABLES = ['dash_sessions', 'dash_courses', 'dash_people', 'dash_participation', 'dash_resource_opens', 'dash_answers', 'dash_positions', 'dash_ratings', 'dash_followups', 'dash_needs'];

const ACTOR_TABLES = ['dash_people', 'dash_participation', 'dash_resource_opens', 'dash_answers', 'dash_positions', 'dash_ratings', 'dash_followups', 'dash_needs'];

/** The actors of the statements with these ids. */
export async function actorsOfStatements(db: DbOrTx, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await queryRows<{ actor_ifi: string }>(db, sql`select distinct actor_ifi from lrs_statements where id in (select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`);
  return rows.map((r) => r.actor_ifi);
}

/** Forgets every fact of these people (before their remaining statements are read again). */
export async function clearActorFacts(db: DbOrTx, actors: string[]): Promise<void> {
  const list = sql`(select jsonb_array_elements_text(${JSON.stringify(actors)}::jsonb))`;
  for (const table of ACTOR_TABLES) await db.execute(sql.raw(`delete from ${table} where actor in `).append(list));
}

/** Every statement of these people that is not voided (to rebuild their facts). */
export async function statementsOfActors(db: DbOrTx, actors: string[]): Promise<StatementRow[]> {
  const rows = await queryRows<StatementRow>(db, sql`select seq, actor_ifi, statement from lrs_statements
    where actor_ifi in (select jsonb_array_elements_text(${JSON.stringify(actors)}::jsonb)) and not voided`);
  return rows.map((x) => ({ ...x, seq: Number(x.seq), statement: typeof x.statement === 'string' ? JSON.parse(x.statement) : x.statement }));
}

/** Empties every fact table and the cursor (targets set by organisers are kept). */
export async function clearFacts(db: DbOrTx, id: string): Promise<void> {
  await db.execute(sql.raw(`truncate ${FACT_TABLES.join(', ')}`));
  await db.execute(sql`delete from dash_cursor where id = ${id}`);
}

/** The highest seq in the store, for progress bars. */
export async function maxStatementSeq(db: DbOrTx): Promise<number> {
  const [row] = await queryRows<{ m: string | number }>(db, sql`select coalesce(max(seq), 0) as m from lrs_statements`);
  return Number(row?.m ?? 0);
}

/** Forgets the session and course rows of these keys (before the statements that remain are read again). */
export async function clearSessionsAndCourses(db: DbOrTx, sessionKeys: string[], courseKeys: string[]): Promise<void> {
  if (sessionKeys.length) await db.execute(sql`delete from dash_sessions where session_key in (select jsonb_array_elements_text(${JSON.stringify(sessionKeys)}::jsonb))`);
  if (courseKeys.length) await db.execute(sql`delete from dash_courses where course_key in (select jsonb_array_elements_text(${JSON.stringify(courseKeys)}::jsonb))`);
}

/** Every statement that is not voided and refers to one of these activities in any role (object, parent, grouping…). */
export async function statementsTouching(db: DbOrTx, activityIds: string[]): Promise<StatementRow[]> {
  if (!activityIds.length) return [];
  const rows = await queryRows<StatementRow>(db, sql`select s.seq, s.actor_ifi, s.statement from lrs_statements s
    where not s.voided and s.seq in (select a.statement_seq from lrs_statement_activities a where a.activity_id in (select jsonb_array_elements_text(${JSON.stringify(activityIds)}::jsonb)))`);
  return rows.map((x) => ({ ...x, seq: Number(x.seq), statement: typeof x.statement === 'string' ? JSON.parse(x.statement) : x.statement }));
}
