import crypto from 'node:crypto';
import { expect } from 'chai';
import { createCredential } from '../../src/lrs/credentials.service';
import { addDestination } from '../../src/xapi/forwarding/destinations';
import { destinationStatuses, listDeadLetters } from '../../src/xapi/forwarding/operations';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { attachment, basic, multipart, sha, splitMultipart } from '../lrs/support';
import { startScriptedLrs, type ScriptedLrs } from './scripted-lrs';

/** Runs the outbox until it has nothing left to do, moving the test clock past every backoff. */
async function drain(t: TestApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    t.clock.advance(10 * 60_000);
    if ((await t.instants.jobs.runOnce('outbox')) === 0) return;
  }
  throw new Error('the outbox did not drain');
}

const statement = (over: Record<string, unknown> = {}) => ({
  id: crypto.randomUUID(),
  actor: { mbox: `mailto:outil-${crypto.randomUUID()}@ac-dijon.fr` },
  verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
  object: { id: 'https://h5p.ac-dijon.fr/content/1' },
  ...over,
});

/**
 * Forwarding keeps the attachment data (Communication §1.5.2.s3.b3: an LRS MUST NOT push statements into another
 * LRS without the attachment data it received): multipart/mixed, one part per SHA-2, two and more per request.
 */
describe('xapi: forwarding statements with their attachments', () => {
  let source: TestApp;
  let writerAuth: string;
  const contents = ['diapositives', 'compte rendu', 'feuille de présence'].map((c) => Buffer.from(`${c} ${crypto.randomUUID()}`));
  // Two statements, three attachments: one on its own, two on the other, and a fileUrl-only one without data.
  const batch = () => {
    const [a, b, c] = contents as [Buffer, Buffer, Buffer];
    const first = statement({ attachments: [attachment(a)] });
    const second = statement({ attachments: [attachment(b, { contentType: 'application/pdf' }), attachment(c), attachment(Buffer.from('ailleurs'), { fileUrl: 'https://exemple.fr/x.txt' })] });
    return { statements: [first, second], parts: [{ content: a }, { content: b, headers: { 'Content-Type': 'application/pdf' } }, { content: c }] };
  };
  const postToSource = async (statements: unknown[], parts: Array<{ content: Buffer; headers?: Record<string, string> }>) => {
    const m = multipart(statements, parts);
    const res = await fetch(`${source.url}/xapi/statements`, { method: 'POST', headers: { ...m.headers, 'x-experience-api-version': '1.0.3', authorization: writerAuth }, body: m.body });
    expect(res.status, await res.clone().text()).to.equal(200);
    return (await res.json()) as string[];
  };

  beforeEach(async () => {
    source = await createTestApp();
    const writer = await createCredential(source.database.db, { name: 'h5p', scopes: ['statements/write'] });
    writerAuth = basic(writer.key, writer.secret);
  });
  afterEach(async () => source.close());

  describe('to a scripted LRS that parses multipart/mixed strictly (RFC 2046)', () => {
    let lrs: ScriptedLrs;
    beforeEach(async () => {
      lrs = await startScriptedLrs();
      await addDestination(source.database.db, TEST_SECRETS.ltiKey, { name: 'scripted', endpoint: lrs.url, key: 'k', secret: 's' });
    });
    afterEach(async () => lrs.close());

    it('sends two statements with three attachments in one multipart/mixed request, each part with its hash and binary encoding', async () => {
      const { statements, parts } = batch();
      const ids = await postToSource(statements, parts);
      await drain(source);
      expect(lrs.received).to.deep.equal(ids);
      expect(lrs.requests).to.have.length(1);
      expect(lrs.requests[0]!.contentType).to.match(/^multipart\/mixed; boundary=/);
      expect(lrs.attachments.map((a) => a.hash)).to.have.members(contents.map(sha));
      for (const a of lrs.attachments) {
        expect(sha(a.content)).to.equal(a.hash);
        expect(a.transferEncoding).to.equal('binary');
      }
      expect(lrs.attachments.find((a) => a.hash === sha(contents[1]!))!.contentType).to.equal('application/pdf');
    });

    it('keeps each statement with its attachments when a refused statement splits the batch', async () => {
      const { statements, parts } = batch();
      const ids = await postToSource(statements, parts);
      lrs.rejectIds.add(ids[0]!);
      await drain(source);
      expect(lrs.received).to.deep.equal([ids[1]]);
      expect(lrs.attachments.map((a) => a.hash)).to.have.members([sha(contents[1]!), sha(contents[2]!)]);
      const dead = await listDeadLetters(source.database.db);
      expect(dead.map((d) => d.statementId)).to.deep.equal([ids[0]]);
    });

    it('sends a batch without attachment data as plain JSON', async () => {
      const res = await fetch(`${source.url}/xapi/statements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-experience-api-version': '1.0.3', authorization: writerAuth },
        body: JSON.stringify([statement(), statement({ attachments: [attachment(Buffer.from('x'), { fileUrl: 'https://exemple.fr/x' })] })]),
      });
      expect(res.status).to.equal(200);
      await drain(source);
      expect(lrs.requests.map((r) => r.contentType)).to.deep.equal(['application/json']);
      expect(lrs.received).to.have.length(2);
    });
  });

  for (const version of ['1.0.3', '2.0.0'] as const) {
    it(`to a second Instants instance over ${version}: the statements arrive with every attachment, intact`, async () => {
      const target = await createTestApp();
      try {
        const { key, secret } = await createCredential(target.database.db, { name: 'from source', scopes: ['statements/write', 'statements/read'] });
        const d = await addDestination(source.database.db, TEST_SECRETS.ltiKey, { name: `instance-${version}`, endpoint: `${target.url}/xapi/`, key, secret, version });
        const { statements, parts } = batch();
        const ids = await postToSource(statements, parts);
        await drain(source);
        expect(await listDeadLetters(source.database.db, { destinationId: d.id })).to.deep.equal([]);
        const [status] = await destinationStatuses(source.database.db, source.clock.now());
        expect(status!.deliveredCount).to.equal(2);
        const got: string[] = [];
        for (const id of ids) {
          const res = await fetch(`${target.url}/xapi/statements?statementId=${id}&attachments=true`, { headers: { authorization: basic(key, secret), 'x-experience-api-version': version } });
          expect(res.status).to.equal(200);
          const [json, ...rest] = splitMultipart(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
          expect((JSON.parse(json!.body.toString('utf8')) as { id: string }).id).to.equal(id);
          for (const p of rest) {
            expect(sha(p.body)).to.equal(p.headers['x-experience-api-hash']);
            got.push(p.body.toString('utf8'));
          }
        }
        expect(got).to.have.members(contents.map((c) => c.toString('utf8')));
      } finally {
        await target.close();
      }
    });
  }
});
