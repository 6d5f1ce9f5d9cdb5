import crypto from 'node:crypto';
import type { EventSession, LearningEvent, VoidingEvent } from './events';
import { pseudonymOf, registrationOf, uuidV5 } from './pseudonym';
import type { Activity, Statement, VoidingStatement } from './statement.schema';
import { activityTypes, extensions, profileIri, VERBS } from './vocabulary';

/** What the builder needs: the base IRI of our concepts and activities, and the pseudonym key. */
export interface BuildDeps {
  baseIri: string;
  pseudonymKey: string;
}

type Lang = Record<string, string>;
// Titles are written by organisers in one language: the same text serves both languages of the map.
const both = (text: string): Lang => ({ fr: text, en: text });
const seg = (s: string) => encodeURIComponent(s);

/** Activity IRIs of Instants, all under the base IRI. */
export function activityIris(base: string) {
  return {
    session: (id: string) => `${base}/sessions/${seg(id)}`,
    followUp: (sessionId: string) => `${base}/sessions/${seg(sessionId)}/follow-up`,
    resource: (id: string) => `${base}/resources/${seg(id)}`,
    quiz: (id: string) => `${base}/quizzes/${seg(id)}`,
    question: (id: string) => `${base}/questions/${seg(id)}`,
    competence: (framework: string, code: string) => `${base}/competences/${seg(framework)}/${seg(code)}`,
    series: (id: string) => `${base}/series/${seg(id)}`,
    course: (issuer: string, contextId: string) => `${base}/courses/${seg(issuer)}/${seg(contextId)}`,
    need: (type: string, id: string | null, label: string) =>
      id === null ? `${base}/needs/free-text/${crypto.createHash('sha256').update(label.trim().toLowerCase()).digest('hex').slice(0, 16)}` : `${base}/needs/${type}/${seg(id)}`,
  };
}

/**
 * Turns one learning event into its statements: one statement, except a finished quiz which gives
 * `completed` then `passed` or `failed` (the second id derived from the first, so both are fixed at creation).
 */
export function buildStatements(event: LearningEvent, deps: BuildDeps): Statement[] {
  const base = deps.baseIri;
  const iris = activityIris(base);
  const types = activityTypes(base);
  const ext = extensions(base);
  const id = event.id ?? crypto.randomUUID();
  const pseudonym = pseudonymOf(deps.pseudonymKey, event.actor.issuer, event.actor.sub);
  const sessionActivity = activity(iris.session(event.session.id), both(event.session.title), types.session.id);

  const statement = (s: { id?: string; verb: { id: string; prefLabel: Lang }; object: Activity; result?: Statement['result']; parent?: Activity[]; extensions?: Record<string, unknown> }): Statement => {
    const out: Statement = {
      id: s.id ?? id,
      actor: { objectType: 'Agent', account: { homePage: event.actor.issuer, name: pseudonym } },
      verb: { id: s.verb.id, display: { ...s.verb.prefLabel } },
      object: s.object,
      context: buildContext(event.session, s.parent ?? [sessionActivity], s.extensions),
      timestamp: event.at.toISOString(),
    };
    if (s.result) out.result = s.result;
    return out;
  };

  const buildContext = (session: EventSession, parent: Activity[], extra?: Record<string, unknown>): Statement['context'] => {
    const grouping: Activity[] = [];
    if (session.seriesId) grouping.push(activity(iris.series(session.seriesId), both(session.seriesTitle ?? session.seriesId), types.series.id));
    if (session.course) grouping.push(activity(iris.course(session.course.issuer, session.course.contextId), both(session.course.title ?? session.course.contextId), types.course.id));
    const other = session.competences.map((c) => activity(iris.competence(c.framework, c.code), both(`${c.code} ${c.title}`), types.competency.id));
    const contextExtensions: Record<string, unknown> = { ...extra };
    if (session.tool) contextExtensions[ext.tool.id] = session.tool;
    if (event.actor.service) contextExtensions[ext.service.id] = event.actor.service;
    if (event.actor.jobFamily) contextExtensions[ext.jobFamily.id] = event.actor.jobFamily;
    return {
      registration: registrationOf(pseudonym, session.id),
      platform: 'Instants',
      language: event.language,
      contextActivities: {
        parent,
        ...(grouping.length ? { grouping } : {}),
        // As cmi5 does, the category activity carries no definition: the profile IRI says it all, and every
        // statement would otherwise update the same activity row in the LRS (one hot row for all writers).
        category: [{ objectType: 'Activity', id: profileIri(base) }],
        ...(other.length ? { other } : {}),
      },
      ...(Object.keys(contextExtensions).length ? { extensions: contextExtensions } : {}),
    };
  };

  switch (event.kind) {
    case 'launched':
      return [statement({ verb: VERBS.launched, object: sessionActivity })];
    case 'attended':
      return [statement({ verb: VERBS.attended, object: sessionActivity, extensions: { [ext.checkinMethod.id]: event.method } })];
    case 'resource-opened': {
      const type = { link: types.link, video: types.media, slides: types.file, document: types.file }[event.resource.type].id;
      const object = activity(iris.resource(event.resource.id), both(event.resource.title), type);
      object.definition!.moreInfo = event.resource.url;
      return [statement({ verb: VERBS.experienced, object })];
    }
    case 'question-answered': {
      const q = event.question;
      const object = activity(iris.question(q.id), both(q.text), types.interaction.id);
      Object.assign(object.definition!, {
        interactionType: 'choice',
        correctResponsesPattern: [q.correct.join('[,]')],
        choices: q.choices.map((c) => ({ id: c.id, description: both(c.text) })),
      });
      const result: NonNullable<Statement['result']> = { response: event.response.join('[,]'), success: event.success };
      if (event.certainty !== null) result.extensions = { [ext.certainty.id]: event.certainty };
      const quiz = activity(iris.quiz(event.quiz.id), both(event.quiz.title), types.assessment.id);
      return [statement({ verb: VERBS.answered, object, result, parent: [quiz, sessionActivity] })];
    }
    case 'quiz-completed': {
      const object = activity(iris.quiz(event.quiz.id), both(event.quiz.title), types.assessment.id);
      const result: NonNullable<Statement['result']> = {
        score: { raw: event.score.raw, min: 0, max: event.score.max, scaled: round(event.score.raw / event.score.max) },
        completion: true,
      };
      if (event.durationSeconds !== null) result.duration = `PT${round(event.durationSeconds, 2)}S`;
      return [
        statement({ verb: VERBS.completed, object, result }),
        statement({ id: uuidV5(`${id}\u0000${event.passed ? 'passed' : 'failed'}`), verb: event.passed ? VERBS.passed : VERBS.failed, object, result: { ...result, success: event.passed } }),
      ];
    }
    case 'self-positioned': {
      const c = event.competence;
      const object = activity(iris.competence(c.framework, c.code), both(`${c.code} ${c.title}`), types.competency.id);
      // CRCN levels 1–8: scaled is the position between min and max, so 1 → 0 and 8 → 1.
      const result = { score: { raw: event.level, min: 1, max: 8, scaled: round((event.level - 1) / 7) } };
      return [statement({ verb: VERBS.rated, object, result, extensions: { [ext.moment.id]: event.moment } })];
    }
    case 'need-expressed': {
      const n = event.need;
      const object = activity(iris.need(n.type, n.id, n.label), both(n.label), types.need.id);
      return [statement({ verb: VERBS.recommended, object, result: { response: n.label }, extensions: { [ext.needType.id]: n.type } })];
    }
    case 'rated': {
      const result: NonNullable<Statement['result']> = { score: { raw: event.rating.value, min: 0, max: event.rating.max, scaled: round(event.rating.value / event.rating.max) } };
      if (event.comment !== null && event.comment.trim() !== '') result.response = event.comment;
      return [statement({ verb: VERBS.rated, object: sessionActivity, result })];
    }
    case 'follow-up-completed': {
      const object = activity(iris.followUp(event.session.id), { fr: `Suivi à 30 jours : ${event.session.title}`, en: `30-day follow-up: ${event.session.title}` }, types.survey.id);
      const result = {
        completion: true,
        extensions: { [ext.usedSince.id]: event.usedSince, [ext.frequency.id]: event.frequency, [ext.purposes.id]: event.purposes, [ext.obstacles.id]: event.obstacles },
      };
      return [statement({ verb: VERBS.completed, object, result })];
    }
    case 'session-completed': {
      const result: NonNullable<Statement['result']> = { completion: true };
      if (event.score) result.score = { scaled: round(event.score.scaled) };
      return [statement({ verb: VERBS.completed, object: sessionActivity, result })];
    }
    case 'session-presented':
      return [statement({ verb: VERBS.hosted, object: sessionActivity })];
  }
}

/**
 * The voiding statement of a voiding event: verb `voided`, a StatementRef as object. No registration or
 * platform (xAPI allows `platform` only with an Activity object); the profile category and the language.
 */
export function buildVoidingStatement(event: VoidingEvent, deps: BuildDeps): VoidingStatement {
  return {
    id: event.id ?? crypto.randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: event.actor.issuer, name: pseudonymOf(deps.pseudonymKey, event.actor.issuer, event.actor.sub) } },
    verb: { id: VERBS.voided.id, display: { ...VERBS.voided.prefLabel } },
    object: { objectType: 'StatementRef', id: event.target },
    context: { language: event.language, contextActivities: { category: [{ objectType: 'Activity', id: profileIri(deps.baseIri) }] } },
    timestamp: event.at.toISOString(),
  };
}

function activity(id: string, name: Lang, type: string): Activity {
  return { objectType: 'Activity', id, definition: { name, type } };
}

function round(n: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
