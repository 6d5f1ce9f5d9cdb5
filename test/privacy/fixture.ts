import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import { exportPerson as lrsExport } from '../../src/lrs';
import type { DataSubject } from '../../src/platform/personal-data';
import { loadSubject } from '../../src/privacy';
import { recordEvents, type LearningEvent } from '../../src/xapi';
import { buildSession } from '../activities/helpers';
import { TEST_SECRETS, type TestApp } from '../support/app';
import type { Browser } from '../support/http';
import { launchAs } from '../support/lti';
import { buildEvent } from '../xapi/fixtures';

/**
 * A person with data in every table the registry of personal data can search (issue 20): launched through
 * the LTI simulator (their user, launch, login request, browser session, hand-over
 * token, `launched` record), ltijs's copies of their id_token and context as Instants kept them before
 * issue 21 (a database carried over still holds some until they expire), learning records written by the real statement builder (statements, outbox,
 * copies at a forwarding destination, dashboard facts after the rollup), and rows of every other slice as
 * each slice stores them. `other`: a second person whose rows this one touches as an organiser would
 * (attendance marked, committee named, team invitation, award given), which an erasure detaches.
 */

export interface Person extends DataSubject {
  browser: Browser;
  contextRef: string;
  sessionId: string;
  resourceId: string;
  projectId: string;
}

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
const one = async <T>(t: TestApp, q: ReturnType<typeof sql>) => rowsOf<T>(await t.database.db.execute(q))[0]!;

export async function personEverywhere(t: TestApp, o: { sub: string; given: string; family: string; contextId: string }, other?: Person): Promise<Person> {
  const db = t.database.db;
  const name = `${o.given} ${o.family}`;
  const email = `${o.given}.${o.family}@ac-dijon.fr`.toLowerCase();
  const { session, resources } = await buildSession(db, { title: `Session de ${o.contextId}` });
  const { browser } = await launchAs(t, { sub: o.sub, name, givenName: o.given, familyName: o.family, email, contextId: o.contextId, sessionId: session.id, custom: { service: 'DANE', job_family: 'Administratif' } });
  const { id: userId } = await one<{ id: string }>(t, sql`select id from lti_users where sub = ${o.sub}`);
  const who = await loadSubject(db, TEST_SECRETS.pseudonymKey, userId);
  const { context_ref: contextRef, resource_link_ref: linkRef } = await one<{ context_ref: string; resource_link_ref: string }>(t, sql`select context_ref, resource_link_ref from lti_launches where user_ref = ${userId} limit 1`);
  // ltijs's own copies (idtoken, contexttoken), no longer written since ltijs keeps none (LaunchBoundByTool).
  for (const collection of ['idtoken', 'contexttoken'])
    await db.execute(sql`insert into ltijs_documents (collection, doc, created_at, expires_at) values (${collection}, ${JSON.stringify({ iss: who.issuer, user: o.sub, userInfo: { name, email } })}::jsonb, now(), now() + interval '1 day')`);

  // Learning records: statements, then forwarded once (copies at the destination), then more left pending.
  const eventSession = { id: session.id, title: session.title, tool: session.tool, seriesId: null, seriesTitle: null, course: { issuer: who.issuer, contextId: o.contextId, title: `Cours ${o.contextId}` }, competences: [{ framework: 'crcn', code: '2.3', title: 'Collaborer' }] };
  const events = (kinds: LearningEvent['kind'][]): LearningEvent[] =>
    kinds.map((k) => ({ ...buildEvent(k, { sub: o.sub }), session: eventSession as never, actor: { issuer: who.issuer, sub: o.sub, service: 'DANE', jobFamily: 'Administratif' }, at: t.clock.now() }) as LearningEvent);
  const record = (list: LearningEvent[]) => db.transaction((tx) => recordEvents(tx, list, { config: t.config, secrets: TEST_SECRETS, afterEventsRecorded: t.instants.ctx.afterEventsRecorded }));
  const [firstStatement] = await record(events(['attended', 'resource-opened', 'question-answered', 'self-positioned', 'need-expressed', 'rated', 'follow-up-completed', 'session-completed']));
  for (let i = 0; i < 20 && (await t.instants.jobs.runOnce('outbox')) > 0; i++) t.clock.advance(60_000);
  await record(events(['quiz-completed']));
  await t.instants.jobs.runOnce('dashboard-rollup');

  // The LRS: a state document, the name another tool gave them, an export logged.
  await db.execute(sql`insert into lrs_documents (kind, activity_id, agent_ifi, registration, doc_id, content_type, content, etag, updated)
    values ('state', 'https://h5p.ac-dijon.fr/content/1', ${who.ifi}, '', 'progress', 'application/json', ${Buffer.from(JSON.stringify({ page: 3, owner: name }))}, 'e1', now())`);
  await db.execute(sql`insert into lrs_agent_names (ifi, name) values (${who.ifi}, ${name})`);
  await lrsExport(db, who.ifi);

  // Outbox: a score for the gradebook and a dead letter (a statement a destination refused).
  const { id: scoreId } = await one<{ id: string }>(t, sql`insert into grades_scores (resource_link_ref, user_ref, session_id, issuer, client_id, deployment_id, score_given, score_maximum, activity_progress, grading_progress, score_timestamp)
    values (${linkRef}, ${userId}, ${session.id}, ${who.issuer}, 'instants-test-client', '1', 1, 1, 'Completed', 'FullyGraded', now()) returning id`);
  await db.execute(sql`insert into outbox (kind, destination, ref, payload) values ('ags-score', ${`${who.issuer} instants-test-client`}, ${scoreId}, ${JSON.stringify({ scoreId })}::jsonb)`);
  await db.execute(sql`insert into outbox (kind, destination, ref, payload, status, dead_at, remote_status, remote_body)
    select 'xapi-statement', '00000000-0000-4000-8000-000000000001', id::text, statement, 'dead', now(), 400, 'refused' from lrs_statements where id = ${firstStatement}::uuid`);

  // Activities, as the participant's pages and the organiser's screens write them.
  const { id: attemptId } = await one<{ id: string }>(t, sql`insert into activity_attempts (session_id, user_ref, context_ref, kind, completed_at) values (${session.id}, ${userId}, ${contextRef}, 'needs', now()) returning id`);
  await db.execute(sql`insert into activity_answers (attempt_id, question_key, value) values (${attemptId}, 'needs', ${JSON.stringify({ topics: [], freeText: `Tchap, demandé par ${name}`, competence: null })}::jsonb)`);
  await db.execute(sql`insert into activity_attendances (session_id, user_ref, method) values (${session.id}, ${userId}, 'code')`);
  if (other) await db.execute(sql`insert into activity_attendances (session_id, user_ref, method, marked_by) values (${session.id}, ${other.userId}, 'manual', ${userId})`);
  await db.execute(sql`insert into activity_checkin_failures (user_ref, session_id) values (${userId}, ${session.id})`);
  await db.execute(sql`insert into activity_resource_opens (resource_id, user_ref, session_id) values (${resources[0]!.id}, ${userId}, ${session.id})`);
  await db.execute(sql`insert into activity_session_completions (session_id, user_ref) values (${session.id}, ${userId})`);
  await db.execute(sql`insert into activity_offers (user_ref, context_ref, tool, description) values (${userId}, ${contextRef}, 'Tchap', ${`${name} peut présenter Tchap`})`);

  // Grades: the course roster read from Moodle lists them (and a colleague).
  await db.execute(sql`insert into grades_rosters (context_ref, members, member_count, pages, fetched_at)
    values (${contextRef}, ${JSON.stringify([{ userId: o.sub, roles: ['Learner'], name, email }, { userId: `colleague-in-${o.contextId}`, roles: ['Learner'], name: 'Claire Collègue', email: 'claire@ac-dijon.fr' }])}::jsonb, 2, 1, now())
    on conflict (context_ref) do nothing`);

  // Catalogue: a series, a session they present, a file, a co-organiser course they added.
  await db.execute(sql`insert into catalog_series (title, created_by, owner_context_ref) values (${`Série de ${o.contextId}`}, ${userId}, ${contextRef})`);
  await db.execute(sql`update catalog_sessions set created_by = ${userId}, owner_context_ref = ${contextRef}, presenters = array[${name}, 'Intervenant extérieur'] where id = ${session.id}`);
  await db.execute(sql`insert into catalog_files (filename, content_type, size_bytes, sha256, data, created_by) values ('support.pdf', 'application/pdf', 4, 'abcd', ${Buffer.from('%PDF')}, ${userId})`);
  await db.execute(sql`insert into catalog_session_organisers (session_id, context_ref, added_by) values (${session.id}, ${contextRef}, ${userId})`);

  // People: the profile they answered, the administration's import, what Moodle sent.
  await db.execute(sql`insert into people_profiles (user_ref, status, service, job_family) values (${userId}, 'answered', 'DANE', 'Administratif') on conflict (user_ref) do nothing`);
  await db.execute(sql`insert into people_imports (key_kind, key, service, job_family) values ('email', ${email}, 'DANE', 'Administratif'), ('pseudonym', ${who.pseudonym}, 'DANE', 'Administratif')`);
  await db.execute(sql`insert into people_launch_values (user_ref, service, job_family) values (${userId}, 'DANE', 'Administratif') on conflict (user_ref) do nothing`);

  // La Fabrique: their proposal, a support, a comment, the directory, a team, the committee.
  const { id: projectId } = await one<{ id: string }>(t, sql`insert into fabrique_projects (title, problem, beneficiaries, outcome, proposer_ref, stage) values (${`Proposition de ${name}`}, 'Un problème', 'Les services', 'Un outil', ${userId}, 'proposed') returning id`);
  const target = other?.projectId ?? projectId;
  await db.execute(sql`insert into fabrique_supports (project_id, user_ref) values (${target}, ${userId})`);
  await db.execute(sql`insert into fabrique_comments (project_id, author_ref, body) values (${target}, ${userId}, ${`Signé ${name}`})`);
  await db.execute(sql`insert into fabrique_profiles (user_ref, opted_in, confirmed_at, description, tools) values (${userId}, true, now(), ${`${name}, cartographe`}, array['OpenStreetMap'])`);
  await db.execute(sql`insert into fabrique_profile_skills (user_ref, framework, code, level) values (${userId}, 'crcn', '2.3', 5)`);
  await db.execute(sql`insert into fabrique_committee (user_ref) values (${userId})`);
  if (other) {
    const { id: selected } = await one<{ id: string }>(t, sql`insert into fabrique_projects (title, problem, beneficiaries, outcome, proposer_ref, facilitator_ref, stage) values ('Projet retenu', 'Un problème', 'Tous', 'Un guide', ${other.userId}, ${userId}, 'investigation') returning id`);
    await db.execute(sql`insert into fabrique_history (project_id, actor_ref, action, at) values (${selected}, ${userId}, 'selected', now())`);
    await db.execute(sql`insert into fabrique_reviews (project_id, held_on, from_stage, to_stage, note, decided_by) values (${selected}, current_date, 'proposed', 'investigation', 'Retenu', ${userId})`);
    await db.execute(sql`insert into fabrique_members (project_id, user_ref, role, status, invited_by, invited_at) values (${selected}, ${userId}, 'facilitator', 'accepted', ${other.userId}, now()), (${selected}, ${other.userId}, 'member', 'accepted', ${userId}, now())`);
    await db.execute(sql`insert into fabrique_progress (project_id, author_ref, body, at) values (${selected}, ${userId}, 'Première maquette', now())`);
    await db.execute(sql`update fabrique_committee set named_by = ${userId} where user_ref = ${other.userId}`);
  } else {
    await db.execute(sql`insert into fabrique_history (project_id, actor_ref, action, at) values (${projectId}, ${userId}, 'proposed', now())`);
    await db.execute(sql`insert into fabrique_reviews (project_id, held_on, from_stage, to_stage, note, decided_by) values (${projectId}, current_date, 'proposed', 'proposed', 'À revoir', ${userId})`);
    await db.execute(sql`insert into fabrique_members (project_id, user_ref, role, status, invited_by, invited_at) values (${projectId}, ${userId}, 'facilitator', 'accepted', ${userId}, now())`);
    await db.execute(sql`insert into fabrique_progress (project_id, author_ref, body, at) values (${projectId}, ${userId}, 'Démarrage', now())`);
  }

  // Badges: one they created and earned, their consent, their pseudonym mapped; an award they gave.
  const { id: classId } = await one<{ id: string }>(t, sql`insert into badge_classes (name, description, criteria, image_type, image, rule, created_by)
    values (${`Badge de ${o.contextId}`}, 'Un badge', 'Participer', 'image/svg+xml', ${Buffer.from('<svg/>')}, '{"kind":"manual"}'::jsonb, ${userId}) returning id`);
  const award = (earner: string, by: string | null) =>
    db.execute(sql`insert into badge_awards (badge_class_id, user_ref, recipient_type, recipient_salt, recipient_hash, issued_on, method, statement_id, awarded_by)
      values (${classId}, ${earner}, 'email', 'salt', ${`sha256$${crypto.createHash('sha256').update(`${email}salt`).digest('hex')}`}, now(), 'manual', ${crypto.randomUUID()}, ${by})`);
  await award(userId, null);
  if (other) await award(other.userId, userId);
  await db.execute(sql`insert into badge_consents (user_ref, public_allowed, answered_at) values (${userId}, true, now())`);
  await db.execute(sql`insert into badge_earners (actor_ifi, user_ref) values (${who.ifi}, ${userId}) on conflict do nothing`);

  // Privacy: flagged as gone from a course roster at some point, and their own export logged.
  await db.execute(sql`insert into privacy_departures (user_ref, absent_since, checked_at) values (${userId}, now(), now())`);
  await db.execute(sql`insert into privacy_audit_log (action, actor_ref, detail) values ('person.exported', ${userId}, '{"self": true}'::jsonb)`);

  return { ...(await loadSubject(db, TEST_SECRETS.pseudonymKey, userId)), browser, contextRef, sessionId: session.id, resourceId: resources[0]!.id, projectId };
}

/** Every (table, column) of text-like type holding one of the needles, scanning every table of the public schema. */
export async function tracesOf(t: TestApp, needles: string[]): Promise<string[]> {
  const columns = rowsOf<{ table: string; column: string; type: string }>(
    await t.database.db.execute(sql`select c.table_name as "table", c.column_name as "column", c.data_type as type from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
        and c.data_type in ('text', 'character varying', 'jsonb', 'json', 'uuid', 'ARRAY', 'bytea') order by 1, 2`),
  );
  const byTable = new Map<string, Array<{ column: string; type: string }>>();
  for (const c of columns) byTable.set(c.table, [...(byTable.get(c.table) ?? []), c]);
  const found: string[] = [];
  for (const [table, cols] of byTable) {
    // One statement per table: a count per (column, needle).
    const counts = cols.flatMap(({ column, type }) => {
      const text = type === 'bytea' ? sql`encode(${sql.identifier(column)}, 'escape')` : sql`${sql.identifier(column)}::text`;
      return needles.map((needle) => ({ label: `${table}.${column}: ${needle}`, expr: sql`count(*) filter (where position(lower(${needle}) in lower(${text})) > 0)::int` }));
    });
    const query = sql.join([sql`select `, sql.join(counts.map((c, i) => sql`${c.expr} as ${sql.identifier(`c${i}`)}`), sql`, `), sql` from ${sql.identifier(table)}`], sql``);
    const [row] = rowsOf<Record<string, number>>(await t.database.db.execute(query));
    counts.forEach((c, i) => {
      if (row![`c${i}`]) found.push(`${c.label} (${row![`c${i}`]})`);
    });
  }
  return found;
}
