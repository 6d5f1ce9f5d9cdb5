import { expect } from 'chai';
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
});
