import crypto from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { aStatement, startLrs, type LrsTestApp } from './support';

type ErrorBody = { error: { message: string; details?: Array<{ path: string }> } };

/**
 * Input the LRS must refuse with a 400 naming the field, storing nothing (issue #11 at the /xapi edge):
 * U+0000 and lone surrogates (Communication §1.4: UTF-8 strings, which PostgreSQL's jsonb and text refuse),
 * calendar-invalid dates (Data §4.5), JSON nested or spread beyond the limits, prototype keys as IRIs or
 * language tags (Data §4.1, §4.2).
 */
describe('lrs: input hygiene at the /xapi edge (Communication 1.4, Data 4.1–4.5)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());
  const count = async (table: 'lrs_statements' | 'lrs_documents') =>
    Number(((await t.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);
  const refusal = async (res: Response) => {
    expect(res.status).to.equal(400);
    return (await res.json()) as ErrorBody;
  };
  // As text: the test's own JSON.stringify would overflow the stack on such a value, which is the point.
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  for (const version of ['1.0.3', '2.0.0'] as const) {
    const headers = { 'x-experience-api-version': version, 'content-type': 'application/json' };
    // The bodies are raw JSON text, so that the escapes reach the LRS as a client would send them.
    const post = (text: string) => t.xapi('/statements', { method: 'POST', headers, body: text });
    const base = (over: Record<string, unknown>) => JSON.stringify([aStatement(), aStatement(over)]);

    const strings: Array<[string, string, string]> = [
      ['U+0000 in the actor name', base({ actor: { mbox: 'mailto:nul@ac-dijon.fr', name: 'NUL' } }).replace('"NUL"', '"a\\u0000b"'), '[1].actor.name'],
      ['U+0000 in an extension value nested in an array', base({ result: { extensions: { 'https://instants.ac-dijon.fr/x/notes': ['ok', 'NUL'] } } }).replace('"NUL"', '"\\u0000"'), '[1].result.extensions.https://instants.ac-dijon.fr/x/notes.1'],
      ['a lone surrogate in result.response', base({ result: { response: 'LONE' } }).replace('"LONE"', '"a\\ud800b"'), '[1].result.response'],
      ['a lone surrogate in a language map key', base({ verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { LONE: 'x' } } }).replace('"LONE"', '"fr\\udc00"'), '[1].verb.display.fr\ufffd'],
    ];
    for (const [what, body, path] of strings) {
      it(`${version}: refuses ${what} (400 naming ${path}), storing nothing`, async () => {
        const before = await count('lrs_statements');
        const res = await refusal(await post(body));
        expect(res.error.details!.map((d) => d.path)).to.include(path);
        expect(await count('lrs_statements')).to.equal(before);
      });
    }

    const dates = ['2026-02-30T10:00:00Z', '2026-02-29T10:00:00Z', '0000-01-01T00:00:00Z', '0001-01-01T00:30:00+01:00', '2026-13-01T00:00:00Z', '2026-11-28T24:00:00Z'];
    it(`${version}: refuses calendar-invalid statement timestamps (${dates.join(', ')}) naming timestamp, storing nothing`, async () => {
      const before = await count('lrs_statements');
      for (const timestamp of dates) {
        const res = await refusal(await post(base({ timestamp })));
        expect(res.error.details!.map((d) => d.path), timestamp).to.include('[1].timestamp');
      }
      expect(await count('lrs_statements')).to.equal(before);
    });

    it(`${version}: refuses calendar-invalid since and until (400), and takes 2024-02-29`, async () => {
      for (const k of ['since', 'until']) {
        for (const d of dates) expect((await t.xapi(`/statements?${k}=${encodeURIComponent(d)}`, { headers })).status, `${k}=${d}`).to.equal(400);
        expect((await t.xapi(`/statements?${k}=2024-02-29T10:00:00Z`, { headers })).status).to.equal(200);
      }
    });

    it(`${version}: refuses an extension value nested 5,000 deep before any recursion (400), storing nothing, and keeps answering`, async () => {
      const before = await count('lrs_statements');
      const res = await refusal(await post(base({ result: { extensions: { 'https://instants.ac-dijon.fr/x/deep': 'DEEP' } } }).replace('"DEEP"', deep(5000))));
      expect(res.error.message).to.match(/nested too deeply/);
      expect(await count('lrs_statements')).to.equal(before);
      expect((await t.xapi('/statements?limit=1', { headers })).status).to.equal(200);
    });

    it(`${version}: refuses an extension with more entries than the limit (400), storing nothing`, async () => {
      const before = await count('lrs_statements');
      const wide = Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => [`k${i}`, i]));
      const res = await refusal(await post(base({ result: { extensions: { 'https://instants.ac-dijon.fr/x/wide': wide } } })));
      expect(res.error.message).to.match(/too many entries/);
      expect(await count('lrs_statements')).to.equal(before);
    });

    for (const key of ['__proto__', 'constructor', 'prototype']) {
      it(`${version}: refuses ${key} as an extension key and as a language-map key (400 naming it), storing nothing`, async () => {
        const before = await count('lrs_statements');
        const asExtension = base({ result: { extensions: { KEY: 1 } } }).replace('"KEY"', JSON.stringify(key));
        expect((await refusal(await post(asExtension))).error.details!.map((d) => d.path)).to.include(`[1].result.extensions.${key}`);
        const asLanguage = base({ object: { id: 'https://instants.ac-dijon.fr/s', definition: { name: { KEY: 'x' } } } }).replace('"KEY"', JSON.stringify(key));
        expect((await refusal(await post(asLanguage))).error.details!.map((d) => d.path)).to.include(`[1].object.definition.name.${key}`);
        expect(await count('lrs_statements')).to.equal(before);
      });
    }

    it(`${version}: refuses U+0000 in query parameters and document ids, and JSON escapes in the agent parameter (400 naming the field)`, async () => {
      const agent = encodeURIComponent('{"mbox":"mailto:a@ac-dijon.fr"}');
      const act = encodeURIComponent('https://instants.ac-dijon.fr/s');
      const cases: Array<[string, string, string]> = [
        ['GET', `/statements?verb=${encodeURIComponent('http://a.fr/\u0000')}`, 'verb'],
        ['GET', '/statements?registration=%00', 'registration'],
        ['GET', `/statements?agent=${encodeURIComponent('{"mbox":"mailto:a\\ud800@ac-dijon.fr"}')}`, 'agent.mbox'],
        ['GET', `/statements?agent=${encodeURIComponent('{"mbox":"mailto:a@ac-dijon.fr","name":"\\u0000"}')}`, 'agent.name'],
        ['PUT', `/activities/state?activityId=${act}&agent=${agent}&stateId=a%00b`, 'stateId'],
        ['PUT', `/activities/profile?activityId=${act}&profileId=%00`, 'profileId'],
        ['PUT', `/agents/profile?agent=${encodeURIComponent('{"mbox":"mailto:a@ac-dijon.fr","name":"\\udfff"}')}&profileId=p`, 'agent.name'],
      ];
      const before = await count('lrs_documents');
      for (const [method, url, field] of cases) {
        const res = await refusal(await t.xapi(url, { method, headers: { ...headers, 'if-none-match': '*' }, body: method === 'PUT' ? '{"a":1}' : undefined }));
        expect(res.error.details!.map((d) => d.path), url).to.include(field);
      }
      expect(await count('lrs_documents')).to.equal(before);
    });

    it(`${version}: refuses identifiers and names longer than the store can index (400 naming the field, not an index error), storing nothing`, async () => {
      const han = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 2000))).join('');
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ verb: { id: `http://adlnet.gov/expapi/verbs/${han(1000)}` } }, '[1].verb.id'],
        [{ object: { id: `https://instants.ac-dijon.fr/${han(1000)}` } }, '[1].object.id'],
        [{ actor: { mbox: `mailto:${han(200)}@ac-dijon.fr` } }, '[1].actor.mbox'],
        [{ actor: { account: { homePage: 'https://moodle.ac-dijon.fr', name: han(500) } } }, '[1].actor.account.name'],
        [{ actor: { mbox: 'mailto:long@ac-dijon.fr', name: han(1000) } }, '[1].actor.name'],
      ];
      const before = await count('lrs_statements');
      for (const [over, path] of cases) expect((await refusal(await post(base(over)))).error.details!.map((d) => d.path)).to.include(path);
      expect(await count('lrs_statements')).to.equal(before);
    });

    it(`${version}: refuses a document id longer than the store can index (400), storing nothing`, async () => {
      const before = await count('lrs_documents');
      const query = `activityId=${encodeURIComponent('https://instants.ac-dijon.fr/s')}&agent=${encodeURIComponent('{"mbox":"mailto:a@ac-dijon.fr"}')}&stateId=${encodeURIComponent('é'.repeat(1500))}`;
      const res = await refusal(await t.xapi(`/activities/state?${query}`, { method: 'PUT', headers, body: '{"a":1}' }));
      expect(res.error.message).to.contain('stateId');
      expect(await count('lrs_documents')).to.equal(before);
    });

    it(`${version}: refuses to merge (POST) a JSON document nested 5,000 deep (400), keeping the stored one`, async () => {
      const url = `/activities/state?activityId=${encodeURIComponent('https://instants.ac-dijon.fr/s')}&agent=${encodeURIComponent('{"mbox":"mailto:deep@ac-dijon.fr"}')}&stateId=${crypto.randomUUID()}`;
      expect((await t.xapi(url, { method: 'POST', headers, body: '{"a":1}' })).status).to.equal(204);
      const res = await refusal(await t.xapi(url, { method: 'POST', headers, body: deep(5000) }));
      expect(res.error.message).to.match(/nested too deeply/);
      expect(await (await t.xapi(url, { headers })).json()).to.deep.equal({ a: 1 });
    });
  }
});
