import crypto from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { pseudonymOf } from '../../src/xapi';
import { buildSession } from '../activities/helpers';
import { TEST_SECRETS, type TestApp } from '../support/app';
import { signIn, TEST_ISSUER } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { appWithOtherTool, awardsOf, courseWithSession, createBadge, earnedStatements, postBadgeForm, rows, type Person } from './helpers';

/** The `presented` rule (issue 19): N distinct sessions presented, read from `hosted` statements, ours (offers taken up) or other tools'. */
describe('badges: the "presented N Instants" rule, from offers taken up and from other tools’ statements', function () {
  this.timeout(120_000);
  let t: TestApp;
  let auth: string;
  before(async () => {
    ({ t, auth } = await appWithOtherTool());
  });
  after(async () => t.close());

  const csrfOf = async (who: Person, page: string) => csrfTokenFrom(await (await who.browser.get(page)).text());

  /** An offer made by `author` through "Je peux présenter"; returns its id. */
  async function offer(author: Person): Promise<string> {
    const description = `Montrer Tchap ${crypto.randomUUID()}`;
    const res = await author.browser.postForm('/me/offers', { _csrf: await csrfOf(author, '/me/offers'), tool: 'Tchap', description });
    expect(res.status).to.equal(303);
    return rows<{ id: string }>(await t.database.db.execute(sql`select id from activity_offers where user_ref = ${author.userId}::uuid and description = ${description}`))[0]!.id;
  }
  const takeUp = async (organiser: Person, offerId: string, sessionId: string) => {
    const res = await organiser.browser.postForm(`/organiser/offers/${offerId}/take-up`, { _csrf: await csrfOf(organiser, '/organiser/offers'), session_id: sessionId });
    expect(res.status).to.equal(303);
  };
  const release = async (organiser: Person, offerId: string) => {
    const res = await organiser.browser.postForm(`/organiser/offers/${offerId}/release`, { _csrf: await csrfOf(organiser, '/organiser/offers') });
    expect(res.status).to.equal(303);
  };
  const awardsFor = async (who: Person, badgeId: string) => (await awardsOf(t, who.userId)).filter((a) => a.badge_class_id === badgeId);

  async function setup(count: string) {
    const { organiser, session, contextId } = await courseWithSession(t);
    const badgeId = await createBadge(organiser, { name: 'Passeuse ou passeur', rule_kind: 'presented', presented: count });
    const author = await signIn(t, { role: 'participant', contextId });
    const more = await Promise.all([1, 2].map(async () => (await buildSession(t.database.db, { ownerContextRef: organiser.contextRef })).session));
    return { organiser, badgeId, author, sessions: [session, ...more] };
  }

  it('awards the badge, exactly once, when offers taken up reach N distinct sessions, and not before (two offers for one session count once)', async () => {
    const { organiser, badgeId, author, sessions } = await setup('2');
    await takeUp(organiser, await offer(author), sessions[0]!.id);
    expect(await awardsFor(author, badgeId)).to.have.length(0);
    await takeUp(organiser, await offer(author), sessions[0]!.id);
    expect(await awardsFor(author, badgeId)).to.have.length(0);
    await takeUp(organiser, await offer(author), sessions[1]!.id);
    const awards = await awardsFor(author, badgeId);
    expect(awards).to.have.length(1);
    expect(awards[0]!.method).to.equal('automatic');
    expect((await earnedStatements(t)).filter((s) => s.id === awards[0]!.statement_id)).to.have.length(1);
    await takeUp(organiser, await offer(author), sessions[2]!.id);
    expect(await awardsFor(author, badgeId)).to.have.length(1);
  });

  it('no longer counts a take-up that was undone (its statement voided)', async () => {
    const { organiser, badgeId, author, sessions } = await setup('2');
    const first = await offer(author);
    await takeUp(organiser, first, sessions[0]!.id);
    await release(organiser, first);
    await takeUp(organiser, await offer(author), sessions[1]!.id);
    expect(await awardsFor(author, badgeId)).to.have.length(0);
    await takeUp(organiser, first, sessions[0]!.id);
    expect(await awardsFor(author, badgeId)).to.have.length(1);
  });

  it('counts a hosted statement another tool sent through POST /xapi/statements', async () => {
    const { organiser, badgeId, author, sessions } = await setup('2');
    await takeUp(organiser, await offer(author), sessions[0]!.id);
    const hosted = {
      id: crypto.randomUUID(),
      actor: { objectType: 'Agent', account: { homePage: TEST_ISSUER, name: pseudonymOf(TEST_SECRETS.pseudonymKey, TEST_ISSUER, author.sub) } },
      verb: { id: 'http://activitystrea.ms/schema/1.0/host', display: { 'fr-FR': 'a animé' } },
      object: { objectType: 'Activity', id: `${t.config.xapi.baseIri}/sessions/${crypto.randomUUID()}` },
    };
    // A statement on something under a session (its follow-up) is not a session presented.
    const notASession = { ...hosted, id: crypto.randomUUID(), object: { objectType: 'Activity', id: `${t.config.xapi.baseIri}/sessions/${crypto.randomUUID()}/follow-up` } };
    const post = (s: unknown) => fetch(`${t.url}/xapi/statements`, { method: 'POST', headers: { authorization: auth, 'x-experience-api-version': '1.0.3', 'content-type': 'application/json' }, body: JSON.stringify(s) });
    expect((await post([notASession])).status).to.equal(200);
    expect(await awardsFor(author, badgeId)).to.have.length(0);
    expect((await post([hosted])).status).to.equal(200);
    expect(await awardsFor(author, badgeId)).to.have.length(1);
  });

  it('refuses a count below 1 or missing, with a clear message by the field, and describes the rule on the list', async () => {
    const { organiser } = await courseWithSession(t);
    const base = { name: 'Passeuse', description: 'A présenté.', criteria: 'Avoir présenté des Instants.', rule_kind: 'presented' };
    for (const presented of ['0', '', '21', '1.5']) {
      const res = await postBadgeForm(organiser, { ...base, presented });
      expect(res.status, presented).to.equal(400);
      expect(await res.text(), presented).to.contain('Indiquez un nombre entier d&#x27;Instants, de 1 à 20.');
    }
    await createBadge(organiser, { name: 'Passeuse ou passeur', rule_kind: 'presented', presented: '3' });
    expect(await (await organiser.browser.get('/organiser/badges')).text()).to.contain('Présenter 3 Instants différents.');
  });
});
