import { expect } from 'chai';
import { buildProfileDocument } from '../../src/xapi';
import { createTestApp, type TestApp } from '../support/app';
import { awardsOf, checkIn, checkinCode, courseWithSession, createBadge, earnedStatements, participant } from './helpers';

describe('badges: awards from the learning records', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  it('awards a session badge once, in the completing transaction, with one earned statement', async () => {
    const { organiser, session, contextId } = await courseWithSession(t);
    const badgeId = await createBadge(organiser, { rule_kind: 'session-completed', session_id: session.id, competences: ['crcn:2.3'] });
    const p = await participant(t, session.id, contextId);
    await checkIn(p, session.id, await checkinCode(organiser, session.id));
    const awards = await awardsOf(t, p.userId);
    expect(awards).to.have.length(1);
    expect(awards[0]!.badge_class_id).to.equal(badgeId);
    expect(awards[0]!.method).to.equal('automatic');
    const earned = (await earnedStatements(t)).filter((s) => s.id === awards[0]!.statement_id);
    expect(earned).to.have.length(1);
    expect((earned[0]!.statement.object as { id: string }).id).to.equal(`${t.url}/badges/classes/${badgeId}`);
  });

  it('writes earned statements with only concepts of the Instants profile, as its badge-earned template says', async () => {
    const { organiser, session, contextId } = await courseWithSession(t);
    await createBadge(organiser, { rule_kind: 'session-completed', session_id: session.id });
    const p = await participant(t, session.id, contextId);
    await checkIn(p, session.id, await checkinCode(organiser, session.id));
    const profile = buildProfileDocument(t.config.xapi.baseIri) as { concepts: Array<{ id: string; type: string }>; templates: Array<{ id: string; verb: string; objectActivityType?: string; rules: Array<{ location: string }> }> };
    const ids = (type: string) => new Set(profile.concepts.filter((c) => c.type === type).map((c) => c.id));
    const template = profile.templates.find((x) => x.id.endsWith('/templates/badge-earned'))!;
    const earned = (await earnedStatements(t)).at(-1)!.statement as { verb: { id: string }; object: { definition: { type: string; extensions: Record<string, unknown> } }; result: { extensions: Record<string, unknown> }; context: { registration?: string; platform?: string; language?: string; contextActivities: { category: Array<{ id: string }> } } };
    expect(ids('Verb').has(earned.verb.id)).to.equal(true);
    expect(earned.verb.id).to.equal(template.verb);
    expect(earned.object.definition.type).to.equal(template.objectActivityType);
    for (const k of Object.keys(earned.result.extensions)) expect(ids('ResultExtension').has(k), k).to.equal(true);
    for (const k of Object.keys(earned.object.definition.extensions)) expect(ids('ActivityExtension').has(k), k).to.equal(true);
    expect(earned.context.contextActivities.category.map((c) => c.id)).to.include(`${t.config.xapi.baseIri}/profile`);
    for (const key of ['registration', 'platform', 'language'] as const) expect(earned.context[key], key).to.be.a('string');
  });
});
