import crypto from 'node:crypto';
import { expect } from 'chai';
import { aStatement, json, startLrs, type LrsTestApp } from './support';

/** xAPI-Communication §3.3 (versioning), 1.0.3 alternate request syntax (§1.3), and the 2.0 differences. */
describe('lrs: versions 1.0.3 and 2.0 (Communication 3.3, 1.3)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());
  const v2 = { 'x-experience-api-version': '2.0.0' };

  it('rejects a request without version header, or with 1.1.0 or 3.0 (400), with the version header in the answer', async () => {
    for (const v of [null, '1.1.0', '3.0.0', 'abc']) {
      const res = await t.xapi('/statements', { headers: { 'x-experience-api-version': v } });
      expect(res.status, String(v)).to.equal(400);
      expect(res.headers.get('x-experience-api-version')).to.be.a('string');
    }
  });

  it('answers a request without a supported version header in XAPI_DEFAULT_VERSION: 2.0.0 by default, 1.0.3 when set so', async () => {
    for (const v of [null, '3.0.0']) {
      const res = await t.xapi('/statements', { headers: { 'x-experience-api-version': v } });
      expect(res.status).to.equal(400);
      expect(res.headers.get('x-experience-api-version')).to.equal('2.0.0');
    }
    const old = await startLrs({ XAPI_DEFAULT_VERSION: '1.0.3' });
    try {
      for (const path of ['/statements', '/activities/state', '/about']) {
        const res = await old.xapi(path, { headers: { 'x-experience-api-version': null } });
        expect(res.headers.get('x-experience-api-version'), path).to.equal('1.0.3');
      }
      expect((await old.xapi('/statements', { headers: { 'x-experience-api-version': null } })).status).to.equal(400);
    } finally {
      await old.close();
    }
  });

  it('accepts 1.0, 1.0.0–1.0.3, 2.0 and 2.0.0 and answers in the version whose rules applied', async () => {
    for (const [sent, answered] of [['1.0', '1.0.3'], ['1.0.1', '1.0.3'], ['1.0.3', '1.0.3'], ['2.0', '2.0.0'], ['2.0.0', '2.0.0']]) {
      const res = await t.xapi('/statements?limit=1', { headers: { 'x-experience-api-version': sent! } });
      expect(res.status, sent).to.equal(200);
      expect(res.headers.get('x-experience-api-version')).to.equal(answered);
    }
  });

  it('2.0 accepts contextAgents and contextGroups, and finds the statement by related_agents', async () => {
    const coach = { mbox: `mailto:coach-${crypto.randomUUID()}@ac-dijon.fr` };
    const s = aStatement({
      context: {
        contextAgents: [{ objectType: 'contextAgent', agent: coach, relevantTypes: ['https://instants.ac-dijon.fr/roles/coach'] }],
        contextGroups: [{ objectType: 'contextGroup', group: { objectType: 'Group', member: [{ mbox: 'mailto:x@ac-dijon.fr' }] } }],
      },
    });
    const res = await t.xapi('/statements', { method: 'POST', headers: { ...v2, 'content-type': 'application/json' }, body: JSON.stringify(s) });
    expect(res.status).to.equal(200);
    const [id] = (await res.json()) as string[];
    const found = await t.xapi(`/statements?agent=${encodeURIComponent(JSON.stringify(coach))}&related_agents=true`, { headers: v2 });
    expect(((await found.json()) as { statements: Array<{ id: string; version: string }> }).statements.map((x) => x.id)).to.deep.equal([id]);
    const one = (await (await t.xapi(`/statements?statementId=${id}`, { headers: v2 })).json()) as { version: string };
    expect(one.version).to.equal('2.0.0');
  });

  it('2.0 converts a timestamp with an offset to UTC; 1.0.3 keeps it as sent', async () => {
    const ts = '2026-11-28T13:30:00.000+01:00';
    const r2 = await t.xapi('/statements', { method: 'POST', headers: { ...v2, 'content-type': 'application/json' }, body: JSON.stringify(aStatement({ timestamp: ts })) });
    const [id2] = (await r2.json()) as string[];
    const s2 = (await (await t.xapi(`/statements?statementId=${id2}`, { headers: v2 })).json()) as { timestamp: string };
    expect(s2.timestamp).to.equal('2026-11-28T12:30:00.000Z');
    const r1 = await t.xapi('/statements', { method: 'POST', ...json(aStatement({ timestamp: ts })) });
    const [id1] = (await r1.json()) as string[];
    const s1 = (await (await t.xapi(`/statements?statementId=${id1}`)).json()) as { timestamp: string };
    expect(s1.timestamp).to.equal(ts);
  });

  it('1.0.3 alternate request syntax: a form POST with ?method=PUT stores the statement', async () => {
    const id = crypto.randomUUID();
    const form = new URLSearchParams({
      Authorization: t.auth,
      'X-Experience-API-Version': '1.0.3',
      'Content-Type': 'application/json',
      statementId: id,
      content: JSON.stringify(aStatement()),
    });
    const res = await fetch(`${t.url}/xapi/statements?method=PUT`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(res.status).to.equal(204);
    expect((await t.xapi(`/statements?statementId=${id}`)).status).to.equal(200);
  });

  it('1.0.3 alternate request syntax: a form without the Content-Type field (only SHOULD) still stores the statement as JSON', async () => {
    const id = crypto.randomUUID();
    const form = new URLSearchParams({ Authorization: t.auth, 'X-Experience-API-Version': '1.0.3', statementId: id, content: JSON.stringify(aStatement()) });
    const res = await fetch(`${t.url}/xapi/statements?method=PUT`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(res.status).to.equal(204);
    expect(((await (await t.xapi(`/statements?statementId=${id}`)).json()) as { id: string }).id).to.equal(id);
  });

  it('1.0.3 alternate request syntax: ?method=GET reads with parameters from the form', async () => {
    const form = new URLSearchParams({ Authorization: t.auth, 'X-Experience-API-Version': '1.0.3', limit: '1' });
    const res = await fetch(`${t.url}/xapi/statements?method=GET`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    expect(res.status).to.equal(200);
    expect(((await res.json()) as { statements: unknown[] }).statements).to.have.length.at.most(1);
  });

  it('rejects the alternate syntax under 2.0, with other query parameters, or without a form body (400)', async () => {
    const send = (query: string, form: Record<string, string>, type = 'application/x-www-form-urlencoded') =>
      fetch(`${t.url}/xapi/statements?${query}`, { method: 'POST', headers: { 'content-type': type }, body: new URLSearchParams(form) });
    expect((await send('method=GET', { Authorization: t.auth, 'X-Experience-API-Version': '2.0.0' })).status).to.equal(400);
    expect((await send('method=GET&limit=1', { Authorization: t.auth, 'X-Experience-API-Version': '1.0.3' })).status).to.equal(400);
    expect((await send('method=PATCH', { Authorization: t.auth, 'X-Experience-API-Version': '1.0.3' })).status).to.equal(400);
    const res = await fetch(`${t.url}/xapi/statements?method=GET`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: t.auth, 'x-experience-api-version': '1.0.3' }, body: '{}' });
    expect(res.status).to.equal(400);
  });

  it('1.0.3 rejects contextAgents (a 2.0 property) with 400', async () => {
    const res = await t.xapi('/statements', { method: 'POST', ...json(aStatement({ context: { contextAgents: [] } })) });
    expect(res.status).to.equal(400);
  });

  it('sends the version header on errors raised while reading the body (413)', async () => {
    const small = await startLrs({ UPLOAD_MAX_BYTES: '2048' });
    try {
      const res = await small.xapi('/statements', { method: 'POST', ...json([aStatement(), ...Array.from({ length: 20 }, () => aStatement())]) });
      expect(res.status).to.equal(413);
      expect(res.headers.get('x-experience-api-version')).to.equal('1.0.3');
    } finally {
      await small.close();
    }
  });
});
