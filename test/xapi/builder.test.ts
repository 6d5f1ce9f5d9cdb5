import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { validateStatements } from '../../src/lrs';
import { ValidationError } from '../../src/platform/errors';
import { ROOT_DIR } from '../../src/platform/paths';
import { buildProfileDocument, buildStatements, buildVoidingStatement, prepareStatements, pseudonymOf, registrationOf, type LearningEvent, type Statement } from '../../src/xapi';
import { conceptsOf, statementTemplates } from '../../src/xapi/profile';
import { DEFAULT_BASE_IRI, profileIri } from '../../src/xapi/vocabulary';
import { emptyFacts, extractFacts } from '../../src/dashboard/extract';
import { ALL_KINDS, buildEvent, buildEventSession, ISSUER } from './fixtures';

const BASE = 'https://instants.test/xapi';
const deps = { baseIri: BASE, pseudonymKey: 'k'.repeat(40) };

/** Every variant the builder has a branch for. */
function everyEvent(): LearningEvent[] {
  const events = ALL_KINDS.map((k) => buildEvent(k));
  const bare = buildEventSession({ tool: null, seriesId: null, seriesTitle: null, course: null, competences: [] });
  events.push({ ...buildEvent('launched'), session: bare });
  const launched = buildEvent('launched');
  events.push({ ...launched, actor: { ...launched.actor, service: 'DANE', jobFamily: 'Enseignant' } });
  events.push({ ...(buildEvent('quiz-completed') as Extract<LearningEvent, { kind: 'quiz-completed' }>), passed: false, score: { raw: 1, max: 5 }, durationSeconds: null });
  events.push({ ...(buildEvent('question-answered') as Extract<LearningEvent, { kind: 'question-answered' }>), certainty: null, success: false, response: ['b'] });
  for (const type of ['tool', 'theme', 'competence'] as const) events.push({ ...(buildEvent('need-expressed') as Extract<LearningEvent, { kind: 'need-expressed' }>), need: { type, id: 'tchap', label: 'Tchap' } });
  for (const type of ['link', 'video', 'document'] as const) events.push({ ...(buildEvent('resource-opened') as Extract<LearningEvent, { kind: 'resource-opened' }>), resource: { id: `r-${type}`, title: 'R', type, url: 'https://example.org/r' } });
  events.push({ ...(buildEvent('rated') as Extract<LearningEvent, { kind: 'rated' }>), comment: null });
  events.push({ ...(buildEvent('session-completed') as Extract<LearningEvent, { kind: 'session-completed' }>), score: null });
  return events;
}

function activityTypesOf(s: Statement): string[] {
  const ca = s.context.contextActivities ?? {};
  return [s.object, ...(ca.parent ?? []), ...(ca.grouping ?? []), ...(ca.other ?? [])].map((a) => a.definition!.type);
}

describe('xapi: statement builder and profile', () => {
  it('writes the service and job family sent at launch as context extensions the dashboards read', () => {
    const event = buildEvent('attended');
    const [s] = buildStatements({ ...event, actor: { ...event.actor, service: 'DSDEN 21 – DIVEL', jobFamily: 'Administratif' } }, deps);
    expect(s!.context.extensions).to.include({ [`${BASE}/extensions/service`]: 'DSDEN 21 – DIVEL', [`${BASE}/extensions/job-family`]: 'Administratif' });
    const facts = emptyFacts();
    extractFacts({ ...s, stored: new Date().toISOString() }, facts);
    expect(facts.people.map((p) => [p.service, p.jobFamily])).to.deep.equal([['DSDEN 21 – DIVEL', 'Administratif']]);
    const [plain] = buildStatements(event, deps);
    expect(Object.keys(plain!.context.extensions ?? {}).filter((k) => /service|job-family/.test(k))).to.deep.equal([]);
  });

  const profile = buildProfileDocument(BASE);
  const concepts = conceptsOf(profile);
  const templates = statementTemplates(BASE);

  it('keeps xapi/profile.jsonld identical to the profile generated from the vocabulary', () => {
    const file = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'xapi', 'profile.jsonld'), 'utf8'));
    expect(file).to.deep.equal(buildProfileDocument(DEFAULT_BASE_IRI));
  });

  it('declares a template for every event kind, each with French and English descriptions', () => {
    for (const kind of ALL_KINDS) expect(templates.some((t) => t.kind === kind), kind).to.equal(true);
    for (const c of profile.concepts as Array<{ prefLabel: Record<string, string>; definition: Record<string, string> }>) {
      expect(c.prefLabel.fr && c.prefLabel.en && c.definition.fr && c.definition.en).to.be.a('string');
    }
  });

  it('emits for every event kind statements that use only profile concepts and match their template', () => {
    for (const event of everyEvent()) {
      for (const s of buildStatements(event, deps)) {
        const label = `${event.kind} ${s.verb.id}`;
        expect(concepts.verbs.has(s.verb.id), label).to.equal(true);
        for (const type of activityTypesOf(s)) expect(concepts.activityTypes.has(type), `${label} ${type}`).to.equal(true);
        for (const key of Object.keys(s.context.extensions ?? {})) expect(concepts.contextExtensions.has(key), `${label} ${key}`).to.equal(true);
        for (const key of Object.keys(s.result?.extensions ?? {})) expect(concepts.resultExtensions.has(key), `${label} ${key}`).to.equal(true);
        const template = templates.find((t) => t.kind === event.kind && t.verb === s.verb.id);
        expect(template, label).to.not.equal(undefined);
        expect(template!.objectActivityType.split(' | ')).to.include(s.object.definition!.type);
        expect(s.context.contextActivities!.parent!.map((p) => p.definition!.type)).to.deep.equal(template!.parentTypes);
        expect(s.context.contextActivities!.category).to.deep.equal([{ objectType: 'Activity', id: profileIri(BASE) }]);
        expect(s.context.platform).to.equal('Instants');
        expect(s.context.language).to.equal('fr');
      }
    }
  });

  it('emits statements that pass the LRS statement grammar of xAPI 1.0.3 and 2.0.0', () => {
    const statements = everyEvent().flatMap((e) => buildStatements(e, deps));
    expect(() => validateStatements(statements, '1.0.3')).to.not.throw();
    expect(() => validateStatements(statements, '2.0.0')).to.not.throw();
    expect(() => prepareStatements(everyEvent(), deps)).to.not.throw();
  });

  it('builds a voiding statement that passes the LRS grammar of xAPI 1.0.3 and 2.0.0, with the profile verb, a StatementRef and no platform or registration', () => {
    const target = crypto.randomUUID();
    const voiding = buildVoidingStatement({ actor: { issuer: ISSUER, sub: 'organiser-1' }, target, at: new Date('2026-11-21T09:00:00Z'), language: 'fr' }, deps);
    expect(concepts.verbs.has(voiding.verb.id)).to.equal(true);
    expect(voiding.verb.id).to.equal('http://adlnet.gov/expapi/verbs/voided');
    expect(voiding.object).to.deep.equal({ objectType: 'StatementRef', id: target });
    expect(voiding.context).to.not.have.any.keys('platform', 'registration');
    expect(voiding.context.contextActivities.category).to.deep.equal([{ objectType: 'Activity', id: profileIri(BASE) }]);
    expect(templates.find((t) => t.verb === voiding.verb.id)!.statementRefTo).to.deep.equal(['session-presented']);
    expect(() => validateStatements([voiding], '1.0.3')).to.not.throw();
    expect(() => validateStatements([voiding], '2.0.0')).to.not.throw();
  });

  it('makes the actor pseudonymous: account on the issuer named by HMAC-SHA256 of issuer and sub, no name or email', () => {
    const [s] = buildStatements(buildEvent('launched', { sub: '42' }), deps);
    const expected = crypto.createHmac('sha256', deps.pseudonymKey).update(`${ISSUER}\u000042`).digest('hex');
    expect(s!.actor).to.deep.equal({ objectType: 'Agent', account: { homePage: ISSUER, name: expected } });
    expect(pseudonymOf(deps.pseudonymKey, ISSUER, '42')).to.equal(expected);
    expect(JSON.stringify(s)).to.not.contain('"42"');
    expect(pseudonymOf('another-key-'.repeat(4), ISSUER, '42')).to.not.equal(expected);
  });

  it('gives one registration per participant and session, the same across their statements', () => {
    const session = buildEventSession();
    const a = buildStatements(buildEvent('launched', { sub: '1', session }), deps)[0]!;
    const b = buildStatements(buildEvent('rated', { sub: '1', session }), deps)[0]!;
    const other = buildStatements(buildEvent('launched', { sub: '2', session }), deps)[0]!;
    const otherSession = buildStatements(buildEvent('launched', { sub: '1' }), deps)[0]!;
    expect(a.context.registration).to.equal(b.context.registration).and.to.equal(registrationOf(a.actor.account.name, session.id));
    expect(other.context.registration).to.not.equal(a.context.registration);
    expect(otherSession.context.registration).to.not.equal(a.context.registration);
  });

  it('fixes statement ids at creation: the event id, and a derived id for passed/failed that is stable', () => {
    const event = buildEvent('quiz-completed');
    const first = buildStatements(event, deps);
    const again = buildStatements(event, deps);
    expect(first.map((s) => s.verb.id)).to.deep.equal(['http://adlnet.gov/expapi/verbs/completed', 'http://adlnet.gov/expapi/verbs/passed']);
    expect(first[0]!.id).to.equal(event.id);
    expect(again.map((s) => s.id)).to.deep.equal(first.map((s) => s.id));
    expect(first[1]!.id).to.not.equal(first[0]!.id);
  });

  it('puts the series and LMS course in grouping and the targeted competences in other, with names in French and English', () => {
    const [s] = buildStatements(buildEvent('attended'), deps);
    const ca = s!.context.contextActivities!;
    expect(ca.grouping!.map((g) => g.id)).to.deep.equal([`${BASE}/series/midi-numerique`, `${BASE}/courses/${encodeURIComponent(ISSUER)}/course-42`]);
    expect(ca.other!.map((o) => o.id)).to.deep.equal([`${BASE}/competences/crcn/1.1`]);
    expect(Object.keys(s!.object.definition!.name)).to.deep.equal(['fr', 'en']);
    expect(s!.verb.display).to.deep.equal({ fr: 'a assisté à', en: 'attended' });
  });

  it('scores self-positioning as raw level 1–8 with scaled (level − 1) / 7 and the moment in context', () => {
    const [s] = buildStatements(buildEvent('self-positioned'), deps);
    expect(s!.result!.score).to.deep.equal({ raw: 3, min: 1, max: 8, scaled: 0.2857 });
    expect(s!.context.extensions![`${BASE}/extensions/moment`]).to.equal('then');
  });

  const badInputs: Array<[string, (e: Record<string, unknown>) => void, string, string]> = [
    ['an empty session title', (e) => ((e.session as Record<string, unknown>).title = '  '), 'launched', 'events[0].session.title'],
    ['a self-positioning level of 9', (e) => (e.level = 9), 'self-positioned', 'events[0].level'],
    ['a resource URL that is not a URL', (e) => ((e.resource as Record<string, unknown>).url = 'not a url'), 'resource-opened', 'events[0].resource.url'],
    ['a response that is not one of the choices', (e) => (e.response = ['z']), 'question-answered', 'events[0].response.0'],
    ['a quiz score above its maximum', (e) => (e.score = { raw: 6, max: 5 }), 'quiz-completed', 'events[0].score.raw'],
    ['an invalid date', (e) => (e.at = new Date('nonsense')), 'launched', 'events[0].at'],
    ['an empty LMS user id', (e) => ((e.actor as Record<string, unknown>).sub = ''), 'launched', 'events[0].actor.sub'],
    ['an unknown kind', (e) => (e.kind = 'danced'), 'launched', 'events[0].kind'],
    ['a statement id that is not a UUID', (e) => (e.id = '123'), 'launched', 'events[0].id'],
    ['a rating above its maximum', (e) => (e.rating = { value: 7, max: 5 }), 'rated', 'events[0].rating.value'],
    ['a competence need without id', (e) => (e.need = { type: 'competence', id: null, label: 'x' }), 'need-expressed', 'events[0].need.id'],
  ];
  for (const [what, mutate, kind, pathExpected] of badInputs) {
    it(`refuses ${what} with a ValidationError naming ${pathExpected}`, () => {
      const event = buildEvent(kind as LearningEvent['kind']) as unknown as Record<string, unknown>;
      mutate(event);
      let caught: unknown;
      try {
        prepareStatements([event as unknown as LearningEvent], deps);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ValidationError);
      expect((caught as ValidationError).details!.map((d) => d.path)).to.include(pathExpected);
    });
  }
});
