import { expect } from 'chai';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom } from '../support/http';
import { addTopics, buildSession, configure, countRows } from './helpers';

/**
 * Every activity form shown again after a refused send keeps what was typed and ticked, with its message
 * marked to be focused and announced (`data-announce`, role alert); a saved answer's message is marked too.
 */
describe('activities: forms keep what was typed', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  async function participantOf(kinds: Parameters<typeof configure>[2], o: { startsAt?: Date } = {}) {
    const contextId = `course-${Math.random()}`;
    const organiser = await signIn(t, { role: 'organiser', contextId });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, startsAt: o.startsAt });
    await configure(t.database.db, session.id, kinds);
    const p = await signIn(t, { contextId });
    const path = (page: string) => `/sessions/${session.id}/${page}`;
    const csrf = async (page: string) => csrfTokenFrom(await (await p.browser.get(path(page))).text());
    return { ...p, session, path, csrf };
  }

  const attempts = () => countRows(t.database.db, 'activity_attempts');
  const answers = () => countRows(t.database.db, 'activity_answers');

  it('keeps the ticked answer of a quiz question sent without its certainty level, storing nothing', async () => {
    const p = await participantOf([{ kind: 'quiz' }]);
    const _csrf = await p.csrf('quiz');
    const before = await answers();
    const res = await p.browser.postForm(p.path('quiz'), { _csrf, question: 'q1', choices: 'c1', certainty: '' });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.match(/id="q-q1-c1" value="c1" checked>/);
    expect(html).to.match(/id="q-q1-c2" value="c2">/);
    expect(html).to.match(/role="alert" data-announce>Le formulaire contient des erreurs/);
    expect(await answers()).to.equal(before);
  });

  it('keeps several ticked answers and the certainty level when the answer is refused for another reason', async () => {
    const p = await participantOf([{ kind: 'quiz' }]);
    const _csrf = await p.csrf('quiz');
    const res = await p.browser.postForm(p.path('quiz'), { _csrf, question: 'q2', choices: ['c1', 'c3'], certainty: '9' });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.match(/id="q-q2-c1" value="c1" checked>/).and.match(/id="q-q2-c3" value="c3" checked>/).and.match(/id="q-q2-c2" value="c2">/);
    const chosen = await p.browser.postForm(p.path('quiz'), { _csrf, question: 'q1', certainty: '3' });
    expect(chosen.status).to.equal(400);
    expect(await chosen.text()).to.match(/<option value="3" selected>Avec un léger doute<\/option>/);
  });

  it('marks the saved answer of the question just sent to be focused and announced', async () => {
    const p = await participantOf([{ kind: 'quiz' }]);
    const _csrf = await p.csrf('quiz');
    const res = await p.browser.postForm(p.path('quiz'), { _csrf, question: 'q1', choices: 'c1', certainty: '4' });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal(`${p.path('quiz')}?sent=q%3Aq1#question-q1`);
    const html = await (await p.browser.get(res.headers.get('location')!)).text();
    expect(html.match(/data-announce/g)).to.have.length(1);
    expect(html).to.match(/<div class="card mb-3" id="question-q1">[\s\S]*?role="status" tabindex="-1" data-announce/);
    expect(html).to.contain('/assets/js/activities-announce.js');
  });

  it('keeps a single ticked topic and the free text of the needs survey after an error', async () => {
    const p = await participantOf([{ kind: 'needs' }]);
    const topics = await addTopics(t.database.db);
    const _csrf = await p.csrf('needs');
    const before = await attempts();
    const res = await p.browser.postForm(p.path('needs'), { _csrf, topics: topics[0]!.id, free_text: 'x'.repeat(501) });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.contain(`value="${topics[0]!.id}" checked>`);
    expect(html).to.contain(`>${'x'.repeat(501)}</textarea>`);
    expect(html).to.match(/role="alert" data-announce>/);
    expect(await attempts()).to.equal(before);
  });

  it('keeps the rating and the comment of the satisfaction form after an error', async () => {
    const p = await participantOf([{ kind: 'satisfaction' }]);
    const _csrf = await p.csrf('satisfaction');
    const res = await p.browser.postForm(p.path('satisfaction'), { _csrf, rating: '4', comment: 'y'.repeat(2001) });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.match(/id="rating-4" value="4" checked>/);
    expect(html).to.contain(`>${'y'.repeat(2001)}</textarea>`);
  });

  it('keeps the answers of the D+30 follow-up after an error, a single obstacle included', async () => {
    const p = await participantOf([{ kind: 'follow-up' }], { startsAt: new Date(Date.now() - 40 * 24 * 3600_000) });
    const _csrf = await p.csrf('follow-up');
    const res = await p.browser.postForm(p.path('follow-up'), { _csrf, used_since: 'yes', frequency: 'sometimes-not-a-value', purposes: 'Des cartes', obstacles: 'time', obstacles_other: 'Le réseau' });
    expect(res.status).to.equal(400);
    const html = await res.text();
    expect(html).to.match(/id="used-yes" value="yes" checked>/);
    expect(html).to.contain('>Des cartes</textarea>').and.contain('value="Le réseau"');
    expect(html).to.match(/id="obstacle-time" value="time" checked>/);
  });

  it('marks the refused self-positioning answer to be focused and announced, storing nothing', async () => {
    const p = await participantOf([{ kind: 'self-positioning' }]);
    const _csrf = await p.csrf('positioning');
    const before = await answers();
    const res = await p.browser.postForm(p.path('positioning'), { _csrf, competence: '2.3', moment: 'after', step: '9' });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.match(/role="alert" data-announce>/);
    expect(await answers()).to.equal(before);
  });
});
