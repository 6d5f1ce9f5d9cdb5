import crypto from 'node:crypto';
import { expect } from 'chai';
import { client, json, startLrs, type LrsTestApp } from './support';

/** xAPI-Communication §2.2 (documents), §2.3 (State), §2.4 (Activity and Agent Profile), §3.1 (concurrency). */
describe('lrs: document resources (Communication 2.2–2.4, 3.1)', () => {
  let t: LrsTestApp;
  const activityId = `https://instants.ac-dijon.fr/sessions/${crypto.randomUUID()}`;
  const agent = { objectType: 'Agent', mbox: `mailto:doc-${crypto.randomUUID()}@ac-dijon.fr` };
  const agentQ = `agent=${encodeURIComponent(JSON.stringify(agent))}`;
  const actQ = `activityId=${encodeURIComponent(activityId)}`;
  const v2 = { 'x-experience-api-version': '2.0.0' };
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());

  describe('State', () => {
    it('stores, reads (with ETag and Content-Type), lists and deletes a state through the client', async () => {
      const c = client(t);
      await c.setState({ agent: agent as never, activityId, stateId: 'progress', state: { page: 3 } });
      const got = await c.getState({ agent: agent as never, activityId, stateId: 'progress' });
      expect(got.data).to.deep.equal({ page: 3 });
      expect(got.headers['etag'] ?? got.headers['ETag']).to.match(/^"[0-9a-f]{40}"$/);
      const ids = await c.getStates({ agent: agent as never, activityId });
      expect(ids.data).to.include('progress');
      await c.deleteState({ agent: agent as never, activityId, stateId: 'progress' });
      expect((await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=progress`)).status).to.equal(404);
    });

    it('merges JSON objects on POST, top-level keys of the new document winning', async () => {
      await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=merge`, { method: 'PUT', ...json({ a: 1, b: { x: 1 } }) });
      const res = await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=merge`, { method: 'POST', ...json({ b: { y: 2 }, c: 3 }) });
      expect(res.status).to.equal(204);
      const got = await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=merge`);
      expect(await got.json()).to.deep.equal({ a: 1, b: { y: 2 }, c: 3 });
    });

    it('refuses to merge onto a non-JSON document (400) and keeps it', async () => {
      await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=text`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'brut' });
      const res = await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=text`, { method: 'POST', ...json({ a: 1 }) });
      expect(res.status).to.equal(400);
      expect(await (await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=text`)).text()).to.equal('brut');
    });

    it('keeps states of different registrations apart, and deletes all states of a registration at once', async () => {
      const reg = crypto.randomUUID();
      await t.xapi(`/activities/state?${actQ}&${agentQ}&registration=${reg}&stateId=s1`, { method: 'PUT', ...json({ n: 1 }) });
      await t.xapi(`/activities/state?${actQ}&${agentQ}&registration=${reg}&stateId=s2`, { method: 'PUT', ...json({ n: 2 }) });
      expect(await (await t.xapi(`/activities/state?${actQ}&${agentQ}&registration=${reg}`)).json()).to.have.members(['s1', 's2']);
      expect((await t.xapi(`/activities/state?${actQ}&${agentQ}&stateId=s1`)).status).to.equal(404);
      expect((await t.xapi(`/activities/state?${actQ}&${agentQ}&registration=${reg}`, { method: 'DELETE' })).status).to.equal(204);
      expect(await (await t.xapi(`/activities/state?${actQ}&${agentQ}&registration=${reg}`)).json()).to.deep.equal([]);
    });

    it('lists only the states changed after since', async () => {
      const a2 = `${activityId}/since`;
      t.clock.set('2026-11-01T10:00:00Z');
      await t.xapi(`/activities/state?activityId=${encodeURIComponent(a2)}&${agentQ}&stateId=old`, { method: 'PUT', ...json({}) });
      t.clock.set('2026-11-02T10:00:00Z');
      await t.xapi(`/activities/state?activityId=${encodeURIComponent(a2)}&${agentQ}&stateId=new`, { method: 'PUT', ...json({}) });
      const res = await t.xapi(`/activities/state?activityId=${encodeURIComponent(a2)}&${agentQ}&since=2026-11-01T12:00:00Z`);
      expect(await res.json()).to.deep.equal(['new']);
    });

    it('under 1.0.3 accepts a PUT, POST and DELETE onto an existing state without precondition headers (the State exemption)', async () => {
      const url = `/activities/state?${actQ}&${agentQ}&stateId=${crypto.randomUUID()}`;
      expect((await t.xapi(url, { method: 'PUT', ...json({ a: 1 }) })).status).to.equal(204);
      expect((await t.xapi(url, { method: 'PUT', ...json({ a: 2 }) })).status).to.equal(204);
      expect((await t.xapi(url, { method: 'POST', ...json({ b: 3 }) })).status).to.equal(204);
      expect(await (await t.xapi(url)).json()).to.deep.equal({ a: 2, b: 3 });
      expect((await t.xapi(url, { method: 'DELETE' })).status).to.equal(204);
    });

    it('under 2.0 refuses a PUT onto an existing state without If-Match or If-None-Match (409), keeping it; If-Match with its ETag works', async () => {
      const url = `/activities/state?${actQ}&${agentQ}&stateId=${crypto.randomUUID()}`;
      expect((await t.xapi(url, { method: 'PUT', headers: { ...v2, 'content-type': 'application/json' }, body: '{"a":1}' })).status).to.equal(204);
      const res = await t.xapi(url, { method: 'PUT', headers: { ...v2, 'content-type': 'application/json' }, body: '{"a":2}' });
      expect(res.status).to.equal(409);
      expect(((await res.json()) as { error: { message: string } }).error.message).to.contain('If-Match');
      const got = await t.xapi(url, { headers: v2 });
      expect(await got.json()).to.deep.equal({ a: 1 });
      const etag = got.headers.get('etag')!;
      expect((await t.xapi(url, { method: 'PUT', headers: { ...v2, 'content-type': 'application/json', 'if-match': etag }, body: '{"a":3}' })).status).to.equal(204);
      expect(await (await t.xapi(url, { headers: v2 })).json()).to.deep.equal({ a: 3 });
      // 9274.1.1 §4.1.4 names PUT only: POST (merge) and DELETE without headers stay accepted (the 2.0 test suite relies on it).
      expect((await t.xapi(url, { method: 'POST', headers: { ...v2, 'content-type': 'application/json' }, body: '{"b":4}' })).status).to.equal(204);
      expect(await (await t.xapi(url, { headers: v2 })).json()).to.deep.equal({ a: 3, b: 4 });
      expect((await t.xapi(url, { method: 'DELETE', headers: v2 })).status).to.equal(204);
    });

    const bad: Array<[string, string, string]> = [
      ['without activityId', 'PUT', `${agentQ}&stateId=x`],
      ['without agent', 'PUT', `${actQ}&stateId=x`],
      ['without stateId on PUT', 'PUT', `${actQ}&${agentQ}`],
      ['with an agent that is not JSON', 'GET', `${actQ}&agent=alice&stateId=x`],
      ['with an invalid agent', 'GET', `${actQ}&agent=${encodeURIComponent('{"mbox":"alice"}')}&stateId=x`],
      ['with a bad registration', 'GET', `${actQ}&${agentQ}&registration=12&stateId=x`],
      ['with an unknown parameter', 'GET', `${actQ}&${agentQ}&profileId=x`],
      ['with a bad since', 'GET', `${actQ}&${agentQ}&since=hier`],
    ];
    for (const [what, method, q] of bad) {
      it(`rejects a ${method} ${what} (400)`, async () => {
        const res = await t.xapi(`/activities/state?${q}`, { method, ...(method === 'PUT' ? json({ a: 1 }) : {}) });
        expect(res.status).to.equal(400);
      });
    }
  });

  describe('Activity Profile and Agent Profile', () => {
    const resources = [
      { name: 'activity profile', path: '/activities/profile', q: actQ },
      { name: 'agent profile', path: '/agents/profile', q: agentQ },
    ];
    for (const r of resources) {
      it(`${r.name}: creates with If-None-Match: *, then needs If-Match or If-None-Match (409), honouring them (412)`, async () => {
        const url = `${r.path}?${r.q}&profileId=${crypto.randomUUID()}`;
        expect((await t.xapi(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-none-match': '*' }, body: '{"v":1}' })).status).to.equal(204);
        const first = await t.xapi(url);
        const etag = first.headers.get('etag')!;
        expect(first.headers.get('last-modified')).to.be.a('string');
        expect((await t.xapi(url, { method: 'PUT', ...json({ v: 2 }) })).status).to.equal(409);
        expect((await t.xapi(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-none-match': '*' }, body: '{"v":2}' })).status).to.equal(412);
        expect((await t.xapi(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': '"0000"' }, body: '{"v":2}' })).status).to.equal(412);
        expect(await (await t.xapi(url)).json()).to.deep.equal({ v: 1 });
        expect((await t.xapi(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': etag }, body: '{"v":3}' })).status).to.equal(204);
        expect(await (await t.xapi(url)).json()).to.deep.equal({ v: 3 });
        expect((await t.xapi(url, { method: 'DELETE', headers: { 'if-match': etag } })).status).to.equal(412);
        expect((await t.xapi(url, { method: 'DELETE' })).status).to.equal(204);
        expect((await t.xapi(url)).status).to.equal(404);
      });

      it(`${r.name}: rejects If-Match on a document that does not exist (412)`, async () => {
        const url = `${r.path}?${r.q}&profileId=${crypto.randomUUID()}`;
        expect((await t.xapi(url, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': '"abc"' }, body: '{}' })).status).to.equal(412);
        expect((await t.xapi(url)).status).to.equal(404);
      });

      it(`${r.name}: lists profile ids, and refuses DELETE without profileId (400)`, async () => {
        const id = crypto.randomUUID();
        await t.xapi(`${r.path}?${r.q}&profileId=${id}`, { method: 'POST', ...json({ a: 1 }) });
        expect(await (await t.xapi(`${r.path}?${r.q}`)).json()).to.include(id);
        expect((await t.xapi(`${r.path}?${r.q}`, { method: 'DELETE' })).status).to.equal(400);
      });
    }

    for (const r of resources) {
      it(`${r.name}: under 1.0.3 refuses a PUT with neither If-Match nor If-None-Match even on a new document (400), storing nothing`, async () => {
        const url = `${r.path}?${r.q}&profileId=${crypto.randomUUID()}`;
        const res = await t.xapi(url, { method: 'PUT', ...json({ v: 1 }) });
        expect(res.status).to.equal(400);
        expect(((await res.json()) as { error: { message: string } }).error.message).to.contain('If-None-Match');
        expect((await t.xapi(url)).status).to.equal(404);
      });

      it(`${r.name}: under 2.0 creates a new document with neither header (204), then needs one (409)`, async () => {
        const url = `${r.path}?${r.q}&profileId=${crypto.randomUUID()}`;
        expect((await t.xapi(url, { method: 'PUT', headers: { ...v2, 'content-type': 'application/json' }, body: '{"v":1}' })).status).to.equal(204);
        expect((await t.xapi(url, { method: 'PUT', headers: { ...v2, 'content-type': 'application/json' }, body: '{"v":2}' })).status).to.equal(409);
        expect(await (await t.xapi(url, { headers: v2 })).json()).to.deep.equal({ v: 1 });
      });
    }

    it('the client writes and reads an activity profile and an agent profile', async () => {
      const c = client(t);
      await c.createActivityProfile({ activityId, profileId: 'client', profile: { niveau: 2 } });
      expect((await c.getActivityProfile({ activityId, profileId: 'client' })).data).to.deep.equal({ niveau: 2 });
      await c.createAgentProfile({ agent: agent as never, profileId: 'prefs', profile: { langue: 'fr' } });
      expect((await c.getAgentProfile({ agent: agent as never, profileId: 'prefs' })).data).to.deep.equal({ langue: 'fr' });
    });
  });
});
