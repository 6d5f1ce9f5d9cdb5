import crypto from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { LearningEvent } from '../xapi/events';
import type { DbOrTx } from '../platform/db/client';
import { ACTIVITY_TYPE, NEED_VERBS, VERB } from './dashboard.vocabulary';

/**
 * Statements for tests and demo data, built from the shared `LearningEvent` contract with the vocabulary
 * of ../shared/reference/xapi.md. Stand-in until the xapi slice's builder is available to the dashboard;
 * the dashboards read statements through `extractFacts`, whichever tool wrote them.
 */

/** Who the person is beyond the launch: where the dashboards find service and job family. */
export interface PersonProfile {
  service: string | null;
  jobFamily: string | null;
}

const NEED_VERB = [...NEED_VERBS][0]!;
const lang = (text: string) => ({ fr: text });

/** One registration per participant and session, stable (a UUID shaped from a hash). */
function registrationOf(pseudonym: string, sessionId: string): string {
  const h = crypto.createHash('sha256').update(`${pseudonym}\n${sessionId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Builds the xAPI statement of one learning event. */
export function statementOf(event: LearningEvent, profile: PersonProfile, baseIri: string): Record<string, unknown> {
  const x = (name: string) => `${baseIri}/extensions/${name}`;
  const s = event.session;
  const sessionActivity = {
    objectType: 'Activity',
    id: `${baseIri}/sessions/${s.id}`,
    definition: { type: ACTIVITY_TYPE.meeting, name: lang(s.title), ...(s.tool ? { extensions: { [x('tool')]: s.tool } } : {}) },
  };
  const grouping: unknown[] = [];
  if (s.seriesId) grouping.push({ objectType: 'Activity', id: `${baseIri}/series/${s.seriesId}`, definition: { name: lang(s.seriesTitle ?? s.seriesId) } });
  if (s.course) {
    grouping.push({
      objectType: 'Activity',
      id: `${baseIri}/courses/${encodeURIComponent(s.course.contextId)}`,
      definition: { type: ACTIVITY_TYPE.course, name: lang(s.course.title ?? s.course.contextId), extensions: { [x('issuer')]: s.course.issuer, [x('context-id')]: s.course.contextId } },
    });
  }
  const competence = (c: { framework: string; code: string; title: string }) => ({
    objectType: 'Activity',
    id: `${baseIri}/frameworks/${c.framework}/competences/${c.code}`,
    definition: { type: ACTIVITY_TYPE.competency, name: lang(c.title), extensions: { [x('code')]: c.code } },
  });
  const contextExt: Record<string, unknown> = {};
  if (profile.service) contextExt[x('service')] = profile.service;
  if (profile.jobFamily) contextExt[x('job-family')] = profile.jobFamily;
  const pseudonym = crypto.createHash('sha256').update(`${event.actor.issuer}\n${event.actor.sub}`).digest('hex').slice(0, 32);
  const base = {
    id: event.id ?? crypto.randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: event.actor.issuer, name: pseudonym } },
    timestamp: event.at.toISOString(),
    context: {
      registration: registrationOf(pseudonym, s.id),
      platform: 'Instants',
      language: event.language,
      contextActivities: { parent: [sessionActivity], grouping, other: s.competences.map(competence) },
      extensions: contextExt,
    },
  };
  const verb = (id: string) => ({ id, display: { 'en-US': id.split('/').pop() } });
  switch (event.kind) {
    case 'launched':
    case 'attended':
      return { ...base, verb: verb(event.kind === 'launched' ? VERB.launched : VERB.attended), object: sessionActivity };
    case 'session-completed':
      return { ...base, verb: verb(VERB.completed), object: sessionActivity, ...(event.score ? { result: { score: event.score, completion: true } } : {}) };
    case 'resource-opened':
      return { ...base, verb: verb(VERB.experienced), object: { objectType: 'Activity', id: event.resource.url, definition: { type: 'http://adlnet.gov/expapi/activities/link', name: lang(event.resource.title) } } };
    case 'question-answered':
      return {
        ...base,
        verb: verb(VERB.answered),
        object: {
          objectType: 'Activity',
          id: `${baseIri}/quizzes/${event.quiz.id}/questions/${event.question.id}`,
          definition: { type: ACTIVITY_TYPE.interaction, name: lang(event.question.text), interactionType: 'choice', correctResponsesPattern: [event.question.correct.join('[,]')] },
        },
        result: { response: event.response.join('[,]'), success: event.success, ...(event.certainty ? { extensions: { [x('certainty')]: event.certainty } } : {}) },
      };
    case 'quiz-completed':
      return {
        ...base,
        verb: verb(VERB.completed),
        object: { objectType: 'Activity', id: `${baseIri}/quizzes/${event.quiz.id}`, definition: { type: ACTIVITY_TYPE.assessment, name: lang(event.quiz.title) } },
        result: { score: { raw: event.score.raw, max: event.score.max, min: 0, scaled: event.score.raw / event.score.max }, completion: true, success: event.passed },
      };
    case 'self-positioned':
      return {
        ...base,
        verb: verb(VERB.rated),
        object: competence(event.competence),
        result: { score: { raw: event.level, min: 1, max: 8, scaled: event.level / 8 } },
        context: { ...base.context, extensions: { ...contextExt, [x('moment')]: event.moment } },
      };
    case 'need-expressed':
      return {
        ...base,
        verb: verb(NEED_VERB),
        object: {
          objectType: 'Activity',
          id: event.need.type === 'competence' ? `${baseIri}/frameworks/crcn/competences/${event.need.id ?? event.need.label}` : `${baseIri}/needs/${event.need.type}/${encodeURIComponent(event.need.id ?? 'free-text')}`,
          definition: { ...(event.need.type === 'competence' ? { type: ACTIVITY_TYPE.competency } : {}), name: lang(event.need.label), extensions: { [x('need-type')]: event.need.type, ...(event.need.type === 'competence' ? { [x('code')]: event.need.id } : {}) } },
        },
        ...(event.need.type === 'free-text' ? { result: { response: event.need.label } } : {}),
      };
    case 'rated':
      return { ...base, verb: verb(VERB.rated), object: sessionActivity, result: { score: { raw: event.rating.value, min: 1, max: event.rating.max, scaled: event.rating.value / event.rating.max }, ...(event.comment ? { response: event.comment } : {}) } };
    case 'follow-up-completed':
      return {
        ...base,
        verb: verb(VERB.completed),
        object: { objectType: 'Activity', id: `${baseIri}/sessions/${s.id}/follow-up`, definition: { type: ACTIVITY_TYPE.assessment, name: lang('Suivi à J+30') } },
        result: { completion: true, extensions: { [x('used-since')]: event.usedSince, [x('frequency')]: event.frequency, [x('obstacles')]: event.obstacles, [x('purposes')]: event.purposes } },
        context: { ...base.context, extensions: { ...contextExt, [x('follow-up')]: true } },
      };
  }
}

/** The LRS's IFI text of a statement's actor (see migrations/0200_lrs_statements.sql). */
function ifiOf(statement: Record<string, unknown>): string {
  const account = (statement.actor as { account: { homePage: string; name: string } }).account;
  return `account:${account.homePage} ${account.name}`;
}

/**
 * Writes statements straight into the statement store's table, as the LRS stores them, in one statement
 * per chunk (demo data and benches: millions of rows; the LRS's own `storeStatements` does the checks).
 */
export async function insertStatementRows(db: DbOrTx, statements: Array<Record<string, unknown>>, stored = new Date()): Promise<void> {
  for (let i = 0; i < statements.length; i += 2000) {
    const rows = statements.slice(i, i + 2000).map((st) => {
      const object = st.object as { id: string };
      const full = { ...st, stored: stored.toISOString(), version: '1.0.3', authority: { objectType: 'Agent', account: { homePage: 'https://instants', name: 'instants' } } };
      return {
        id: st.id,
        statement: full,
        stored: stored.toISOString(),
        timestamp: st.timestamp,
        verb_id: (st.verb as { id: string }).id,
        actor_ifi: ifiOf(st),
        object_activity_id: object.id,
        registration: (st.context as { registration?: string } | undefined)?.registration ?? null,
      };
    });
    await db.execute(sql`insert into lrs_statements (id, statement, stored, "timestamp", version, verb_id, actor_ifi, object_type, object_activity_id, registration)
      select x.id, x.statement, x.stored, x."timestamp", '1.0.3', x.verb_id, x.actor_ifi, 'Activity', x.object_activity_id, x.registration
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, statement jsonb, stored timestamptz, "timestamp" timestamptz, verb_id text, actor_ifi text, object_activity_id text, registration uuid)`);
  }
}
