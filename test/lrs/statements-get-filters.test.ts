import crypto from 'node:crypto';
import { expect } from 'chai';
import { aStatement, client, json, startLrs, type LrsTestApp } from './support';

type S = { id: string; stored: string; [k: string]: unknown };
type Page = { statements: S[]; more: string };

/** xAPI-Communication §2.1.3 (GET statements): filters, formats, ordering, paging and headers. */
describe('lrs: statements GET (Communication 2.1.3)', () => {
  let t: LrsTestApp;
  const run = crypto.randomUUID().slice(0, 8);
  const alice = { mbox: `mailto:alice-${run}@ac-dijon.fr` };
  const bob = { account: { homePage: 'https://moodle.ac-dijon.fr', name: `bob-${run}` } };
  const session = `https://instants.ac-dijon.fr/sessions/${run}`;
  const quiz = `https://instants.ac-dijon.fr/quiz/${run}`;
  const registration = crypto.randomUUID();
  const ids: Record<string, string> = {};
  const get = async (query: string, headers: Record<string, string> = {}) => {
    const res = await t.xapi(`/statements?${query}`, { headers });
    return { res, body: res.status === 200 ? ((await res.json()) as Page) : undefined };
  };

  before(async () => {
    t = await startLrs();
    t.clock.set('2026-11-01T10:00:00.000Z');
    const put = async (name: string, s: Record<string, unknown>) => {
      ids[name] = (await client(t).sendStatement({ statement: s as never })).data[0]!;
      t.clock.advance(60_000);
    };
    await put('aliceAttended', aStatement({ actor: alice, object: { id: session }, context: { registration } }));
    await put('bobAnswered', aStatement({ actor: bob, verb: { id: 'http://adlnet.gov/expapi/verbs/answered' }, object: { id: quiz }, context: { contextActivities: { parent: [{ id: session }] }, instructor: alice } }));
    await put('aliceAboutBob', aStatement({ actor: alice, verb: { id: 'http://id.tincanapi.com/verb/mentored' }, object: { objectType: 'Agent', ...bob } }));
    await put('bobRefersAlice', aStatement({ actor: bob, verb: { id: 'http://activitystrea.ms/schema/1.0/like' }, object: { objectType: 'StatementRef', id: ids.aliceAttended } }));
    await put('sub', aStatement({ actor: { mbox: `mailto:carol-${run}@ac-dijon.fr` }, verb: { id: 'http://adlnet.gov/expapi/verbs/planned' }, object: { objectType: 'SubStatement', actor: alice, verb: { id: 'http://adlnet.gov/expapi/verbs/attended' }, object: { id: quiz } } }));
  });
  after(async () => t.close());

  const agentQ = (a: unknown) => `agent=${encodeURIComponent(JSON.stringify(a))}`;
  const idsOf = (p: Page | undefined) => p!.statements.map((s) => s.id);

  it('returns newest stored first by default, oldest first with ascending=true', async () => {
    const desc = idsOf((await get(`${agentQ(alice)}&related_agents=true`)).body);
    const asc = idsOf((await get(`${agentQ(alice)}&related_agents=true&ascending=true`)).body);
    expect(asc).to.deep.equal([...desc].reverse());
    expect(desc[desc.length - 1]).to.equal(ids.aliceAttended);
  });

  it('agent: statements whose actor or object is the agent, plus those referring to them by StatementRef', async () => {
    expect(idsOf((await get(agentQ(alice))).body)).to.have.members([ids.aliceAttended, ids.aliceAboutBob, ids.bobRefersAlice]);
    expect(idsOf((await get(agentQ(bob))).body)).to.have.members([ids.bobAnswered, ids.aliceAboutBob, ids.bobRefersAlice]);
  });

  it('related_agents=true: also instructor, authority-free roles and SubStatement parts', async () => {
    expect(idsOf((await get(`${agentQ(alice)}&related_agents=true`)).body)).to.have.members([ids.aliceAttended, ids.bobAnswered, ids.aliceAboutBob, ids.bobRefersAlice, ids.sub]);
  });

  for (const version of ['1.0.3', '2.0.0'] as const) {
    it(`${version}: agent tells an Agent from a Group with the same identifier (a Group matches an Agent through its members only)`, async () => {
      const headers = { 'x-experience-api-version': version, 'content-type': 'application/json' };
      const mbox = `mailto:pareil-${crypto.randomUUID()}@ac-dijon.fr`;
      const post = async (s: Record<string, unknown>) => ((await (await t.xapi('/statements', { method: 'POST', headers, body: JSON.stringify(s) })).json()) as string[])[0]!;
      const byAgent = await post(aStatement({ actor: { mbox } }));
      const byGroup = await post(aStatement({ actor: { objectType: 'Group', mbox, member: [{ mbox: 'mailto:autre@ac-dijon.fr' }] } }));
      const byMember = await post(aStatement({ actor: { objectType: 'Group', member: [{ mbox }, { mbox: 'mailto:autre@ac-dijon.fr' }] } }));
      const find = async (agent: unknown) => idsOf((await get(agentQ(agent), { 'x-experience-api-version': version })).body);
      expect(await find({ mbox })).to.have.members([byAgent, byMember]);
      expect(await find({ objectType: 'Agent', mbox })).to.have.members([byAgent, byMember]);
      expect(await find({ objectType: 'Group', mbox })).to.deep.equal([byGroup]);
    });

    it(`${version}: format=ids adds no objectType the statement did not have, and keeps one it had`, async () => {
      const headers = { 'x-experience-api-version': version, 'content-type': 'application/json' };
      const id = `https://instants.ac-dijon.fr/ids/${crypto.randomUUID()}`;
      const parent = `${id}/parent`;
      const bare = ((await (await t.xapi('/statements', { method: 'POST', headers, body: JSON.stringify(aStatement({ object: { id }, context: { contextActivities: { parent: [{ id: parent }] } } })) })).json()) as string[])[0]!;
      const typed = ((await (await t.xapi('/statements', { method: 'POST', headers, body: JSON.stringify(aStatement({ object: { objectType: 'Activity', id } })) })).json()) as string[])[0]!;
      const one = async (sid: string) => (await (await t.xapi(`/statements?statementId=${sid}&format=ids`, { headers })).json()) as { object: unknown; context?: { contextActivities: { parent: unknown[] } } };
      const a = await one(bare);
      expect(a.object).to.deep.equal({ id });
      expect(a.context!.contextActivities.parent).to.deep.equal([{ id: parent }]);
      expect((await one(typed)).object).to.deep.equal({ objectType: 'Activity', id });
    });
  }

  it('verb: statements with the verb (and StatementRefs to them)', async () => {
    const v = encodeURIComponent('http://adlnet.gov/expapi/verbs/answered');
    expect(idsOf((await get(`verb=${v}`)).body)).to.deep.equal([ids.bobAnswered]);
  });

  it('activity: only the object; related_activities=true: also context activities and SubStatement objects', async () => {
    expect(idsOf((await get(`activity=${encodeURIComponent(session)}`)).body)).to.have.members([ids.aliceAttended, ids.bobRefersAlice]);
    expect(idsOf((await get(`activity=${encodeURIComponent(session)}&related_activities=true`)).body)).to.have.members([ids.aliceAttended, ids.bobAnswered, ids.bobRefersAlice]);
    expect(idsOf((await get(`activity=${encodeURIComponent(quiz)}&related_activities=true`)).body)).to.have.members([ids.bobAnswered, ids.sub]);
  });

  it('registration: statements of the registration', async () => {
    expect(idsOf((await get(`registration=${registration}`)).body)).to.have.members([ids.aliceAttended, ids.bobRefersAlice]);
  });

  it('since is exclusive and until inclusive, on stored', async () => {
    const all = (await get(`${agentQ(alice)}&related_agents=true&ascending=true`)).body!.statements;
    const second = all[1]!.stored;
    const since = idsOf((await get(`${agentQ(alice)}&related_agents=true&since=${encodeURIComponent(second)}`)).body);
    expect(since).to.not.include(all[1]!.id).and.to.not.include(all[0]!.id);
    const until = idsOf((await get(`${agentQ(alice)}&related_agents=true&until=${encodeURIComponent(second)}`)).body);
    expect(until).to.have.members([all[0]!.id, all[1]!.id]);
  });

  it('combines filters with AND (a StatementRef to a match matches too)', async () => {
    const v = encodeURIComponent('http://adlnet.gov/expapi/verbs/attended');
    expect(idsOf((await get(`${agentQ(alice)}&verb=${v}&registration=${registration}`)).body)).to.have.members([ids.aliceAttended, ids.bobRefersAlice]);
  });

  it('pages with limit and a stable more link until exhausted, the client following it', async () => {
    const c = client(t);
    const dave = { mbox: `mailto:dave-${run}@ac-dijon.fr` };
    for (let i = 0; i < 5; i++) await c.sendStatement({ statement: aStatement({ actor: dave }) as never });
    const seen: string[] = [];
    let page = (await c.getStatements({ agent: dave as never, limit: 2 })).data as unknown as Page;
    seen.push(...idsOf(page));
    let pages = 1;
    while (page.more) {
      expect(page.more).to.match(/^\/xapi\/statements\?/);
      // A statement stored meanwhile does not shift the pages (keyset, not offset).
      await c.sendStatement({ statement: aStatement({ actor: dave }) as never });
      page = (await c.getMoreStatements({ more: page.more })).data as unknown as Page;
      seen.push(...idsOf(page));
      pages += 1;
    }
    expect(pages).to.equal(3);
    expect(seen).to.have.length(5);
    expect(new Set(seen).size).to.equal(5);
  });

  it('format=ids keeps only identifiers; format=canonical keeps one language per Accept-Language', async () => {
    const ids1 = (await get(`verb=${encodeURIComponent('http://adlnet.gov/expapi/verbs/answered')}&format=ids`)).body!.statements[0]!;
    expect(ids1.verb).to.deep.equal({ id: 'http://adlnet.gov/expapi/verbs/answered' });
    expect(ids1.actor).to.deep.equal(bob);
    // No objectType added where the statement had none (minimum information necessary).
    expect(ids1.object).to.deep.equal({ id: quiz });
    const full = (await client(t).sendStatement({ statement: aStatement() as never })).data[0]!;
    const canon = await t.xapi(`/statements?statementId=${full}&format=canonical`, { headers: { 'accept-language': 'en-GB, fr;q=0.5' } });
    const s = (await canon.json()) as { verb: { display: Record<string, string> }; object: { definition: { name: Record<string, string> } } };
    expect(s.verb.display).to.deep.equal({ 'en-US': 'attended' });
    expect(s.object.definition.name).to.deep.equal({ 'en-US': 'OpenStreetMap instant' });
  });

  it('sends X-Experience-API-Consistent-Through and Last-Modified', async () => {
    const { res } = await get(agentQ(alice));
    expect(Number.isNaN(Date.parse(res.headers.get('x-experience-api-consistent-through')!))).to.equal(false);
    expect(res.headers.get('last-modified')).to.be.a('string');
    const one = await t.xapi(`/statements?statementId=${ids.bobAnswered}`);
    expect(new Date(one.headers.get('last-modified')!).toISOString()).to.equal('2026-11-01T10:01:00.000Z');
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await t.xapi(`/statements?statementId=${ids.bobAnswered}`, { method: 'HEAD' });
    expect(res.status).to.equal(200);
    expect(res.headers.get('x-experience-api-consistent-through')).to.be.a('string');
    expect(await res.text()).to.equal('');
  });

  it('answers 404 for an unknown statementId', async () => {
    expect((await t.xapi(`/statements?statementId=${crypto.randomUUID()}`)).status).to.equal(404);
  });

  const badQueries: Array<[string, string]> = [
    ['an unknown parameter', 'colour=blue'],
    ['a wrongly cased parameter', 'Verb=http%3A%2F%2Fa.fr%2Fv'],
    ['statementId with a filter', `statementId=${crypto.randomUUID()}&verb=http%3A%2F%2Fa.fr%2Fv`],
    ['statementId and voidedStatementId together', `statementId=${crypto.randomUUID()}&voidedStatementId=${crypto.randomUUID()}`],
    ['an agent that is not JSON', 'agent=alice'],
    ['an agent without identifier', `agent=${encodeURIComponent('{"name":"x"}')}`],
    ['a bad since', 'since=yesterday'],
    ['a negative limit', 'limit=-1'],
    ['an unknown format', 'format=full'],
    ['ascending that is not a boolean', 'ascending=yes'],
    ['a bad registration', 'registration=42'],
    ['a repeated parameter', 'limit=1&limit=2'],
    ['a forged more token', 'more=abc'],
  ];
  for (const [what, q] of badQueries) {
    it(`rejects ${what} (400)`, async () => {
      const { res } = await get(q);
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).to.be.a('string').and.not.equal('');
    });
  }

  it('stores a posted statement then finds it through each filter the client offers', async () => {
    const s = aStatement({ context: { registration: crypto.randomUUID() } }) as { actor: unknown; context: { registration: string } };
    const id = (await client(t).sendStatement({ statement: s as never })).data[0]!;
    const got = await client(t).getStatements({ agent: s.actor as never, registration: s.context.registration });
    expect((got.data as unknown as Page).statements.map((x) => x.id)).to.deep.equal([id]);
    const res = await t.xapi('/statements', { method: 'POST', ...json([]) });
    expect(res.status).to.equal(400);
  });
});
