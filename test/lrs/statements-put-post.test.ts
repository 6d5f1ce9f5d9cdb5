import crypto from 'node:crypto';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { aStatement, client, json, startLrs, type LrsTestApp } from './support';

/** xAPI-Communication §2.1.1 (PUT) and §2.1.2 (POST); xAPI-Data §2.4 (statement properties and grammar). */
describe('lrs: statements PUT and POST (Communication 2.1.1–2.1.2, Data 2.4)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());
  const count = async () => Number(((await t.database.db.execute(sql`select count(*)::int as n from lrs_statements`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);

  describe('PUT ?statementId=', () => {
    it('stores the statement under the given id and answers 204', async () => {
      const id = crypto.randomUUID();
      const res = await t.xapi(`/statements?statementId=${id}`, { method: 'PUT', ...json(aStatement()) });
      expect(res.status).to.equal(204);
      expect(res.headers.get('x-experience-api-version')).to.equal('1.0.3');
      const got = await client(t).getStatement({ statementId: id });
      expect(got.data.id).to.equal(id);
    });

    it('answers 204 and changes nothing when the same statement is PUT again', async () => {
      const id = crypto.randomUUID();
      const s = aStatement();
      await t.xapi(`/statements?statementId=${id}`, { method: 'PUT', ...json(s) });
      const before = await count();
      const res = await t.xapi(`/statements?statementId=${id}`, { method: 'PUT', ...json(s) });
      expect(res.status).to.equal(204);
      expect(await count()).to.equal(before);
    });

    it('answers 409 when a different statement is PUT under an existing id, keeping the first', async () => {
      const id = crypto.randomUUID();
      const s = aStatement();
      await t.xapi(`/statements?statementId=${id}`, { method: 'PUT', ...json(s) });
      const res = await t.xapi(`/statements?statementId=${id}`, { method: 'PUT', ...json({ ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } }) });
      expect(res.status).to.equal(409);
      const got = await client(t).getStatement({ statementId: id });
      expect(got.data.verb.id).to.equal('http://adlnet.gov/expapi/verbs/attended');
    });

    it('rejects a PUT without statementId, with a malformed one, or with a body id that differs (400)', async () => {
      const before = await count();
      expect((await t.xapi('/statements', { method: 'PUT', ...json(aStatement()) })).status).to.equal(400);
      expect((await t.xapi('/statements?statementId=nope', { method: 'PUT', ...json(aStatement()) })).status).to.equal(400);
      const res = await t.xapi(`/statements?statementId=${crypto.randomUUID()}`, { method: 'PUT', ...json(aStatement({ id: crypto.randomUUID() })) });
      expect(res.status).to.equal(400);
      expect(await count()).to.equal(before);
    });

    it('rejects an array body on PUT (400)', async () => {
      const res = await t.xapi(`/statements?statementId=${crypto.randomUUID()}`, { method: 'PUT', ...json([aStatement()]) });
      expect(res.status).to.equal(400);
    });
  });

  describe('POST', () => {
    it('stores one statement and returns its id in an array (200)', async () => {
      const res = await client(t).sendStatement({ statement: aStatement() as never });
      expect(res.status).to.equal(200);
      expect(res.data).to.have.length(1);
    });

    it('stores a batch and returns the ids in the order sent, keeping the given ids', async () => {
      const given = crypto.randomUUID();
      const res = await client(t).sendStatements({ statements: [aStatement(), aStatement({ id: given }), aStatement()] as never });
      expect(res.data).to.have.length(3);
      expect(res.data[1]).to.equal(given);
    });

    it('sets id, stored, timestamp, version and an authority taken from the credential', async () => {
      const res = await client(t).sendStatement({ statement: aStatement() as never });
      const got = (await client(t).getStatement({ statementId: res.data[0]! })).data as unknown as Record<string, unknown>;
      expect(got.stored).to.be.a('string');
      expect(got.timestamp).to.equal(got.stored);
      expect(got.version).to.equal('1.0.0');
      expect(got.authority).to.deep.equal({ objectType: 'Agent', name: 'Tests', account: { homePage: `${t.url}/xapi`, name: t.key } });
    });

    it('overrides an authority sent in the statement with the credential one', async () => {
      const res = await client(t).sendStatement({ statement: aStatement({ authority: { mbox: 'mailto:faux@exemple.fr' } }) as never });
      const got = (await client(t).getStatement({ statementId: res.data[0]! })).data as unknown as { authority: { account: { name: string } } };
      expect(got.authority.account.name).to.equal(t.key);
    });

    it('returns the same ids with 200 when a batch already stored is sent again', async () => {
      const batch = [aStatement({ id: crypto.randomUUID() }), aStatement({ id: crypto.randomUUID() })];
      const first = await client(t).sendStatements({ statements: batch as never });
      const before = await count();
      const again = await client(t).sendStatements({ statements: batch as never });
      expect(again.data).to.deep.equal(first.data);
      expect(await count()).to.equal(before);
    });

    it('rejects the whole batch with 409 when one id exists with a different content', async () => {
      const id = crypto.randomUUID();
      await client(t).sendStatement({ statement: aStatement({ id }) as never });
      const before = await count();
      const res = await t.xapi('/statements', { method: 'POST', ...json([aStatement(), aStatement({ id })]) });
      expect(res.status).to.equal(409);
      expect(await count()).to.equal(before);
    });

    it('rejects a batch that repeats an id (400)', async () => {
      const id = crypto.randomUUID();
      const res = await t.xapi('/statements', { method: 'POST', ...json([aStatement({ id }), aStatement({ id })]) });
      expect(res.status).to.equal(400);
    });

    it('rejects a body that is not JSON, an empty batch, or another content type (400), storing nothing', async () => {
      const before = await count();
      expect((await t.xapi('/statements', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"actor":' })).status).to.equal(400);
      expect((await t.xapi('/statements', { method: 'POST', ...json([]) })).status).to.equal(400);
      expect((await t.xapi('/statements', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(aStatement()) })).status).to.equal(400);
      expect(await count()).to.equal(before);
    });

    it('rejects unknown query parameters on POST (400)', async () => {
      expect((await t.xapi('/statements?foo=bar', { method: 'POST', ...json(aStatement()) })).status).to.equal(400);
    });
  });

  describe('statement grammar (Data 2.4): one invalid statement rejects the whole batch with its JSON path', () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an actor without identifier', { actor: { name: 'Personne' } }, '[1].actor'],
      ['an actor with two identifiers', { actor: { mbox: 'mailto:a@b.fr', openid: 'http://a.fr/x' } }, '[1].actor'],
      ['an mbox without mailto:', { actor: { mbox: 'a@b.fr' } }, '[1].actor.mbox'],
      ['a bad mbox_sha1sum', { actor: { mbox_sha1sum: 'xyz' } }, '[1].actor.mbox_sha1sum'],
      ['an account without homePage', { actor: { account: { name: 'x' } } }, '[1].actor.account.homePage'],
      ['an anonymous group without members', { actor: { objectType: 'Group' } }, '[1].actor.member'],
      ['a group member that is a group', { actor: { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:g@b.fr' }] } }, '[1].actor.member.0.objectType'],
      ['a verb id that is not an IRI', { verb: { id: 'attended' } }, '[1].verb.id'],
      ['a verb display with a bad language tag', { verb: { id: 'http://a.fr/v', display: { 'not a tag': 'x' } } }, '[1].verb.display.not a tag'],
      ['a missing object', { object: undefined }, '[1].object'],
      ['an unknown object type', { object: { objectType: 'Thing', id: 'http://a.fr' } }, '[1].object.objectType'],
      ['a StatementRef with a bad id', { object: { objectType: 'StatementRef', id: 'nope' } }, '[1].object.id'],
      ['a SubStatement inside a SubStatement', { object: { objectType: 'SubStatement', actor: { mbox: 'mailto:a@b.fr' }, verb: { id: 'http://a.fr/v' }, object: { objectType: 'SubStatement' } } }, '[1].object.object.objectType'],
      ['a SubStatement with an id', { object: { objectType: 'SubStatement', id: crypto.randomUUID(), actor: { mbox: 'mailto:a@b.fr' }, verb: { id: 'http://a.fr/v' }, object: { id: 'http://a.fr/x' } } }, '[1].object'],
      ['an unknown interactionType', { object: { id: 'http://a.fr/q', definition: { interactionType: 'essay' } } }, '[1].object.definition.interactionType'],
      ['choices on a likert interaction', { object: { id: 'http://a.fr/q', definition: { interactionType: 'likert', choices: [{ id: 'a' }] } } }, '[1].object.definition.choices'],
      ['a scaled score above 1', { result: { score: { scaled: 1.5 } } }, '[1].result.score.scaled'],
      ['a raw score above max', { result: { score: { raw: 12, min: 0, max: 10 } } }, '[1].result.score.raw'],
      ['a bad duration', { result: { duration: '12 minutes' } }, '[1].result.duration'],
      ['a bad registration', { context: { registration: '123' } }, '[1].context.registration'],
      ['a bad timestamp', { timestamp: '28/11/2026' }, '[1].timestamp'],
      ['a timestamp with the -00:00 offset', { timestamp: '2026-11-28T12:00:00-00:00' }, '[1].timestamp'],
      ['an extension key that is not an IRI', { result: { extensions: { score: 1 } } }, '[1].result.extensions.score'],
      ['a null property', { result: null }, '[1].result'],
      ['an unknown property', { colour: 'blue' }, '[1]'],
      ['a wrongly cased property', { Verb: { id: 'http://a.fr/v' } }, '[1]'],
      ['context.platform when the object is an agent', { object: { objectType: 'Agent', mbox: 'mailto:x@y.fr' }, context: { platform: 'Moodle' } }, '[1].context.platform'],
      ['contextAgents under 1.0.3', { context: { contextAgents: [] } }, '[1].context'],
      ['an attachment without sha2', { attachments: [{ usageType: 'http://a.fr/u', display: { fr: 'x' }, contentType: 'text/plain', length: 1, fileUrl: 'http://a.fr/f' }] }, '[1].attachments.0.sha2'],
      ['a version 1.1.0', { version: '1.1.0' }, '[1].version'],
      // Data §4.6: weeks only on their own.
      ['a duration mixing weeks and days (P4W1D)', { result: { duration: 'P4W1D' } }, '[1].result.duration'],
      // Data §2.4.9: an Agent, or an anonymous Group of exactly two Agents (3-legged OAuth).
      ['an identified Group as authority', { authority: { objectType: 'Group', mbox: 'mailto:g@ac-dijon.fr', member: [{ mbox: 'mailto:a@b.fr' }, { mbox: 'mailto:c@b.fr' }] } }, '[1].authority.objectType'],
      ['an authority Group of one Agent', { authority: { objectType: 'Group', member: [{ mbox: 'mailto:a@b.fr' }] } }, '[1].authority.member'],
      ['an authority Group of three Agents', { authority: { objectType: 'Group', member: [{ mbox: 'mailto:a@b.fr' }, { mbox: 'mailto:c@b.fr' }, { mbox: 'mailto:d@b.fr' }] } }, '[1].authority.member'],
    ];
    const VERSIONS = ['1.0.3', '2.0.0'] as const;
    for (const [what, over, path] of cases) {
      const versions = what.includes('under 1.0.3') ? (['1.0.3'] as const) : VERSIONS;
      for (const version of versions) {
        it(`${version}: rejects ${what} (400 naming ${path}), storing nothing`, async () => {
          const before = await count();
          const res = await t.xapi('/statements', { method: 'POST', headers: { 'x-experience-api-version': version, 'content-type': 'application/json' }, body: JSON.stringify([aStatement(), aStatement(over)]) });
          expect(res.status).to.equal(400);
          const body = (await res.json()) as { error: { message: string; details: Array<{ path: string }> } };
          expect(body.error.details.map((d) => d.path)).to.include(path);
          expect(body.error.message).to.contain(body.error.details[0]!.path);
          expect(await count()).to.equal(before);
        });
      }
    }

    for (const version of VERSIONS) {
      it(`${version}: accepts an authority that is an Agent or an anonymous Group of two Agents (then replaced by the credential's)`, async () => {
        const pair = { objectType: 'Group', member: [{ mbox: 'mailto:appli@ac-dijon.fr' }, { mbox: 'mailto:jeanne@ac-dijon.fr' }] };
        for (const authority of [{ mbox: 'mailto:a@ac-dijon.fr' }, pair]) {
          const res = await t.xapi('/statements', { method: 'POST', headers: { 'x-experience-api-version': version, 'content-type': 'application/json' }, body: JSON.stringify(aStatement({ authority })) });
          expect(res.status).to.equal(200);
        }
      });

      it(`${version}: accepts P4W and P1Y2M4DT1H30.5S durations`, async () => {
        for (const duration of ['P4W', 'P1Y2M4DT1H30.5S']) {
          const res = await t.xapi('/statements', { method: 'POST', headers: { 'x-experience-api-version': version, 'content-type': 'application/json' }, body: JSON.stringify(aStatement({ result: { duration } })) });
          expect(res.status, duration).to.equal(200);
        }
      });
    }

    it('accepts a complete statement using every part of the grammar', async () => {
      const s = aStatement({
        actor: { objectType: 'Group', name: 'Équipe', member: [{ mbox: 'mailto:a@ac-dijon.fr' }, { account: { homePage: 'https://moodle.ac-dijon.fr', name: '42' } }] },
        object: {
          id: 'https://instants.ac-dijon.fr/q/1',
          definition: {
            type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
            interactionType: 'choice',
            correctResponsesPattern: ['a'],
            choices: [{ id: 'a', description: { fr: 'Oui' } }, { id: 'b', description: { fr: 'Non' } }],
            extensions: { 'https://instants.ac-dijon.fr/x/level': 3 },
          },
        },
        result: { score: { scaled: 0.5, raw: 5, min: 0, max: 10 }, success: true, completion: true, response: 'a', duration: 'PT1M30.5S' },
        context: {
          registration: crypto.randomUUID(),
          instructor: { mbox: 'mailto:formateur@ac-dijon.fr' },
          team: { objectType: 'Group', mbox: 'mailto:equipe@ac-dijon.fr' },
          contextActivities: { parent: { id: 'https://instants.ac-dijon.fr/sessions/1' }, grouping: [{ id: 'https://instants.ac-dijon.fr/series/1' }] },
          revision: '1',
          platform: 'Instants',
          language: 'fr-FR',
          statement: { objectType: 'StatementRef', id: crypto.randomUUID() },
        },
        timestamp: '2026-11-28T12:00:00+01:00',
      });
      const res = await t.xapi('/statements', { method: 'POST', ...json(s) });
      expect(res.status).to.equal(200);
    });
  });
});
