import crypto from 'node:crypto';
import { expect } from 'chai';
import { writeStatements } from '../../src/lrs/store.service';
import { engine } from '../support/db';
import { aStatement, attachment, multipart, splitMultipart, startLrs, type LrsTestApp } from './support';

type Page = { statements: Array<{ id: string; verb: Record<string, unknown> }>; more: string };
const CT = 'x-experience-api-consistent-through';

/** xAPI-Communication §2.1.3 (GET statements): X-Experience-API-Consistent-Through, and `more` IRLs (Data §2.5). */
describe('lrs: Consistent-Through and more links (Communication 2.1.3, Data 2.5)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());

  for (const version of ['1.0.3', '2.0.0'] as const) {
    const headers = { 'x-experience-api-version': version };
    const json = { ...headers, 'content-type': 'application/json' };

    it(`${version}: sends Consistent-Through on error answers of the Statement Resource too (400, 404 for a voided id, 401, 409)`, async () => {
      const id = crypto.randomUUID();
      await t.xapi('/statements', { method: 'POST', headers: json, body: JSON.stringify([aStatement({ id }), aStatement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id } })]) });
      const answers = [
        [400, await t.xapi(`/statements?statementId=${id}&agent=${encodeURIComponent('{"mbox":"mailto:a@b.fr"}')}`, { headers })],
        [404, await t.xapi(`/statements?statementId=${id}`, { headers })],
        [401, await t.xapi('/statements', { headers: { ...headers, authorization: null } })],
        [409, await t.xapi(`/statements?statementId=${id}`, { method: 'PUT', headers: json, body: JSON.stringify(aStatement({ id, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } })) })],
        [400, await t.xapi('/statements', { method: 'POST', headers: json, body: '{"actor":' })],
      ] as const;
      for (const [status, res] of answers) {
        expect(res.status).to.equal(status);
        expect(Number.isNaN(Date.parse(res.headers.get(CT) ?? '')), `${status} has the header`).to.equal(false);
      }
    });
  }

  if (engine === 'postgres') {
    it('Consistent-Through stays before the stored instant of a statement whose writing transaction is still open, and passes it once committed', async () => {
      t.clock.set('2026-11-10T09:00:00.500Z');
      const id = crypto.randomUUID();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let written!: () => void;
      const inFlight = new Promise<void>((resolve) => (written = resolve));
      const writer = t.database.db.transaction(async (tx) => {
        await writeStatements(tx, [aStatement({ id })], { version: '1.0.3', now: () => t.clock.now() });
        written();
        await gate;
      });
      await inFlight;
      t.clock.advance(10 * 60_000);
      const during = await t.xapi(`/statements?statementId=${id}`);
      expect(during.status).to.equal(404);
      expect(new Date(during.headers.get(CT)!).getTime()).to.be.below(Date.parse('2026-11-10T09:00:00.500Z'));
      release();
      await writer;
      const after = await t.xapi(`/statements?statementId=${id}`);
      expect(after.status).to.equal(200);
      expect(new Date(after.headers.get(CT)!).toISOString()).to.equal('2026-11-10T09:10:00.499Z');
    });
  } else {
    it('PGlite: a read waits for the open writing transaction (one connection), so Consistent-Through follows its commit and the statement is returned', async () => {
      t.clock.set('2026-11-10T09:00:00.500Z');
      const id = crypto.randomUUID();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const writer = t.database.db.transaction(async (tx) => {
        await writeStatements(tx, [aStatement({ id })], { version: '1.0.3', now: () => t.clock.now() });
        await gate;
      });
      const reading = t.xapi(`/statements?statementId=${id}`);
      t.clock.advance(60_000);
      release();
      await writer;
      const res = await reading;
      expect(res.status).to.equal(200);
      expect(Date.parse(res.headers.get(CT)!)).to.be.at.least(Date.parse('2026-11-10T09:00:00.500Z'));
    });
  }

  it('more pages keep format and attachments: page 2 of an attachments=true, format=ids query is multipart with ids only', async () => {
    const actor = { mbox: `mailto:pages-${crypto.randomUUID()}@ac-dijon.fr` };
    const contents = [0, 1, 2].map((i) => Buffer.from(`page ${i} ${crypto.randomUUID()}`));
    for (const content of contents) {
      const res = await t.xapi('/statements', { method: 'POST', ...multipart(aStatement({ actor, attachments: [attachment(content)] }), [{ content }]) });
      expect(res.status).to.equal(200);
    }
    let url = `/statements?agent=${encodeURIComponent(JSON.stringify(actor))}&limit=1&attachments=true&format=ids`;
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const res = await t.xapi(url.replace(/^\/xapi/, ''));
      expect(res.status).to.equal(200);
      const parts = splitMultipart(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
      expect(parts, `page ${page + 1}`).to.have.length(2);
      const body = JSON.parse(parts[0]!.body.toString('utf8')) as Page;
      expect(body.statements[0]!.verb, `page ${page + 1} in format=ids`).to.deep.equal({ id: 'http://adlnet.gov/expapi/verbs/attended' });
      seen.push(parts[1]!.body.toString('utf8'));
      url = body.more;
    }
    expect(seen).to.have.members(contents.map((c) => c.toString('utf8')));
  });

  it('refuses a more token that was tampered with, forged or mixed with other parameters (400), never reaching SQL', async () => {
    const actor = { mbox: `mailto:tamper-${crypto.randomUUID()}@ac-dijon.fr` };
    for (let i = 0; i < 2; i++) await t.xapi('/statements', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(aStatement({ actor })) });
    const first = (await (await t.xapi(`/statements?agent=${encodeURIComponent(JSON.stringify(actor))}&limit=1`)).json()) as Page;
    const token = new URL(first.more, t.url).searchParams.get('more')!;
    expect((await t.xapi(`/statements?more=${token}`)).status).to.equal(200);
    const [body, mac] = token.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const reencode = (over: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...decoded, ...over })).toString('base64url');
    const refused = [
      `${reencode({ s: 'not a date' })}.${mac}`,
      `${reencode({ q: 1e300 })}.${mac}`,
      `${reencode({ q: -1 })}.${mac}`,
      `${reencode({ p: { limit: '500' } })}.${mac}`,
      reencode({}),
      Buffer.from(JSON.stringify({ p: {}, s: '2026-01-01T00:00:00.000Z', q: 1 })).toString('base64url'),
      `${body}.${Buffer.alloc(32).toString('base64url')}`,
    ];
    for (const more of refused) {
      const res = await t.xapi(`/statements?more=${encodeURIComponent(more)}`);
      expect(res.status, more).to.equal(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).to.match(/more token/);
    }
    expect((await t.xapi(`/statements?more=${token}&limit=5`)).status).to.equal(400);
  });
});
