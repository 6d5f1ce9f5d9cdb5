import crypto from 'node:crypto';
import { expect } from 'chai';
import { aStatement, client, json, startLrs, type LrsTestApp } from './support';

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const voiding = (target: string, over: Record<string, unknown> = {}) => aStatement({ verb: { id: VOIDED, display: { 'en-US': 'voided' } }, object: { objectType: 'StatementRef', id: target }, ...over });

/** xAPI-Data §2.3.2 (voided statements) and Communication §2.1.4 (voided statements in GET). */
describe('lrs: voiding (Data 2.3.2, Communication 2.1.4)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());

  it('voids a statement with the client: it leaves statementId and the lists, and is found by voidedStatementId', async () => {
    const c = client(t);
    const s = aStatement() as { actor: unknown };
    const id = (await c.sendStatement({ statement: s as never })).data[0]!;
    await c.voidStatement({ actor: s.actor as never, statementId: id });
    expect((await t.xapi(`/statements?statementId=${id}`)).status).to.equal(404);
    const voided = await c.getVoidedStatement({ voidedStatementId: id });
    expect(voided.data.id).to.equal(id);
    const list = (await c.getStatements({ agent: s.actor as never })).data as unknown as { statements: Array<{ id: string; verb: { id: string } }> };
    expect(list.statements.map((x) => x.id)).to.not.include(id);
    // the voiding statement itself refers to the voided one, and is returned.
    expect(list.statements.map((x) => x.verb.id)).to.include(VOIDED);
  });

  it('answers 404 to voidedStatementId for a statement that is not voided', async () => {
    const id = (await client(t).sendStatement({ statement: aStatement() as never })).data[0]!;
    expect((await t.xapi(`/statements?voidedStatementId=${id}`)).status).to.equal(404);
  });

  it('rejects voiding a voiding statement (400) and leaves it in place', async () => {
    const id = (await client(t).sendStatement({ statement: aStatement() as never })).data[0]!;
    const v = (await client(t).sendStatement({ statement: voiding(id) as never })).data[0]!;
    const res = await t.xapi('/statements', { method: 'POST', ...json(voiding(v)) });
    expect(res.status).to.equal(400);
    expect((await t.xapi(`/statements?statementId=${v}`)).status).to.equal(200);
  });

  it('rejects a voiding statement whose object is not a StatementRef (400)', async () => {
    const res = await t.xapi('/statements', { method: 'POST', ...json(aStatement({ verb: { id: VOIDED } })) });
    expect(res.status).to.equal(400);
  });

  it('voids a statement stored after the voiding statement that targets it', async () => {
    const id = crypto.randomUUID();
    await client(t).sendStatement({ statement: voiding(id) as never });
    await client(t).sendStatement({ statement: aStatement({ id }) as never });
    expect((await t.xapi(`/statements?statementId=${id}`)).status).to.equal(404);
    expect((await t.xapi(`/statements?voidedStatementId=${id}`)).status).to.equal(200);
  });

  it('voids a statement sent in the same batch as its voiding statement', async () => {
    const id = crypto.randomUUID();
    await client(t).sendStatements({ statements: [aStatement({ id }), voiding(id)] as never });
    expect((await t.xapi(`/statements?voidedStatementId=${id}`)).status).to.equal(200);
  });
});
