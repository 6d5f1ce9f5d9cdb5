import crypto from 'node:crypto';
import { expect } from 'chai';
import { CompactSign, generateKeyPair } from 'jose';
import { sql } from 'drizzle-orm';
import { aStatement, attachment, client, multipart, sha, splitMultipart, startLrs, type LrsTestApp } from './support';

/** xAPI-Communication §1.5.2 (attachments) and Data §2.4.11. */
describe('lrs: attachments (Communication 1.5.2, Data 2.4.11)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());
  const count = async () => Number(((await t.database.db.execute(sql`select count(*)::int as n from lrs_statements`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);

  it('stores a statement with an attachment part and returns it with attachments=true as multipart/mixed', async () => {
    const content = Buffer.from(`diapositives ${crypto.randomUUID()}`);
    const res = await t.xapi('/statements', { method: 'POST', ...multipart(aStatement({ attachments: [attachment(content)] }), [{ content }]) });
    expect(res.status).to.equal(200);
    const [id] = (await res.json()) as string[];
    const got = await t.xapi(`/statements?statementId=${id}&attachments=true`);
    expect(got.headers.get('content-type')).to.match(/^multipart\/mixed; boundary=/);
    const text = Buffer.from(await got.arrayBuffer()).toString('utf8');
    expect(text).to.contain(`X-Experience-API-Hash: ${sha(content)}`).and.to.contain(content.toString());
  });

  it('stores the content once when two statements declare the same attachment', async () => {
    const content = Buffer.from(`partagé ${crypto.randomUUID()}`);
    for (let i = 0; i < 2; i++) await t.xapi('/statements', { method: 'POST', ...multipart(aStatement({ attachments: [attachment(content)] }), [{ content }]) });
    const rows = (await t.database.db.execute(sql`select count(*)::int as n from lrs_attachments where sha2 = ${sha(content)}`)) as unknown as { rows: Array<{ n: number }> };
    expect(rows.rows[0]!.n).to.equal(1);
  });

  it('sends attachments through the @xapi/xapi client and reads them back', async () => {
    const content = 'contenu envoyé par le client';
    const att = attachment(Buffer.from(content));
    const res = await client(t).sendStatement({ statement: aStatement({ attachments: [att] }) as never, attachments: [content] as never });
    expect(res.status).to.equal(200);
    const got = await t.xapi(`/statements?statementId=${res.data[0]}&attachments=true`);
    expect(Buffer.from(await got.arrayBuffer()).toString('utf8')).to.contain(content);
  });

  it('stores one statement with two attachment parts and returns both, each with its hash', async () => {
    const contents = [Buffer.from(`un ${crypto.randomUUID()}`), Buffer.from(`deux ${crypto.randomUUID()}`)];
    const res = await t.xapi('/statements', { method: 'POST', ...multipart(aStatement({ attachments: contents.map((c) => attachment(c)) }), contents.map((content) => ({ content }))) });
    expect(res.status).to.equal(200);
    const [id] = (await res.json()) as string[];
    const got = await t.xapi(`/statements?statementId=${id}&attachments=true`);
    const parts = splitMultipart(Buffer.from(await got.arrayBuffer()), got.headers.get('content-type')!).slice(1);
    expect(parts.map((p) => p.headers['x-experience-api-hash'])).to.have.members(contents.map(sha));
    expect(parts.map((p) => p.body.toString('utf8'))).to.have.members(contents.map((c) => c.toString('utf8')));
  });

  it('refuses the body @xapi/xapi builds for two attachments (no CRLF before the next delimiter) with 400, storing nothing', async () => {
    const contents = ['premier', 'second'];
    const before = await count();
    const error = await client(t)
      .sendStatement({ statement: aStatement({ attachments: contents.map((c) => attachment(Buffer.from(c))) }) as never, attachments: contents as never })
      .then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/X-Experience-API-Hash does not match/);
    expect(await count()).to.equal(before);
  });

  it('accepts an attachment given by fileUrl without a part, in plain JSON', async () => {
    const res = await client(t).sendStatement({ statement: aStatement({ attachments: [attachment(Buffer.from('x'), { fileUrl: 'https://exemple.fr/x.txt' })] }) as never });
    expect(res.status).to.equal(200);
  });

  const broken: Array<[string, () => { headers: Record<string, string>; body: Buffer }]> = [
    ['a part whose hash does not match its content', () => {
      const content = Buffer.from('a');
      return multipart(aStatement({ attachments: [attachment(content)] }), [{ content, headers: { 'X-Experience-API-Hash': sha(Buffer.from('b')) } }]);
    }],
    ['a part without X-Experience-API-Hash', () => {
      const content = Buffer.from('a');
      const m = multipart(aStatement({ attachments: [attachment(content)] }), [{ content }]);
      return { ...m, body: Buffer.from(m.body.toString('latin1').replace(/X-Experience-API-Hash: [0-9a-f]+\r\n/, ''), 'latin1') };
    }],
    ['a part without Content-Transfer-Encoding: binary', () => {
      const content = Buffer.from('a');
      return multipart(aStatement({ attachments: [attachment(content)] }), [{ content, headers: { 'Content-Transfer-Encoding': 'base64' } }]);
    }],
    ['a declared attachment without fileUrl and without its part', () => multipart(aStatement({ attachments: [attachment(Buffer.from('absent'))] }), [])],
    ['a part no statement declares', () => multipart(aStatement(), [{ content: Buffer.from('orphelin') }])],
    ['a body without the closing boundary', () => {
      const m = multipart(aStatement(), []);
      return { ...m, body: m.body.subarray(0, m.body.length - 30) };
    }],
    ['a multipart type without boundary', () => ({ headers: { 'content-type': 'multipart/mixed' }, body: Buffer.from('x') })],
    ['a first part that is not JSON', () => ({ headers: { 'content-type': 'multipart/mixed; boundary=b' }, body: Buffer.from('--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n') })],
  ];
  for (const [what, build] of broken) {
    it(`rejects ${what} (400), storing nothing`, async () => {
      const before = await count();
      const res = await t.xapi('/statements', { method: 'POST', ...build() });
      expect(res.status).to.equal(400);
      expect(await count()).to.equal(before);
    });
  }

  describe('signed statements (Data 2.6)', () => {
    const SIGNATURE = 'http://adlnet.gov/expapi/attachments/signature';
    const sign = async (payload: unknown, alg = 'RS256') => {
      const { privateKey } = await generateKeyPair('RS256');
      const jws = await new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
      if (alg === 'RS256') return Buffer.from(jws);
      const [, body, sig] = jws.split('.');
      return Buffer.from(`${Buffer.from(JSON.stringify({ alg })).toString('base64url')}.${body}.${sig}`);
    };
    const signedRequest = (statement: Record<string, unknown>, jws: Buffer, contentType = 'application/octet-stream') =>
      multipart({ ...statement, attachments: [attachment(jws, { usageType: SIGNATURE, contentType })] }, [{ content: jws, headers: { 'Content-Type': contentType } }]);

    it('stores a statement whose signature is a JWS of the statement', async () => {
      const s = aStatement({ id: crypto.randomUUID() });
      const res = await t.xapi('/statements', { method: 'POST', ...signedRequest(s, await sign(s)) });
      expect(res.status).to.equal(200);
    });

    const bad: Array<[string, () => Promise<{ headers: Record<string, string>; body: Buffer }>]> = [
      ['a signature whose payload differs from the statement', async () => {
        const s = aStatement();
        return signedRequest(s, await sign({ ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } }));
      }],
      ['a signature with an algorithm other than RS256/384/512', async () => {
        const s = aStatement();
        return signedRequest(s, await sign(s, 'HS256'));
      }],
      ['a signature that is not a JWS', async () => signedRequest(aStatement(), Buffer.from('pas une signature'))],
      ['a signature attachment that is not application/octet-stream', async () => {
        const s = aStatement();
        return signedRequest(s, await sign(s), 'application/jose');
      }],
    ];
    for (const [what, build] of bad) {
      it(`rejects ${what} (400), storing nothing`, async () => {
        const before = await count();
        const res = await t.xapi('/statements', { method: 'POST', ...(await build()) });
        expect(res.status).to.equal(400);
        expect(await count()).to.equal(before);
      });
    }
  });
});
