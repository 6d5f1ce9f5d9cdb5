import crypto from 'node:crypto';
import { expect } from 'chai';
import { aStatement, startLrs, type LrsTestApp } from './support';

type Ca = Record<string, unknown>;
type S = { context: { contextActivities: Ca }; object: { context?: { contextActivities: Ca } } };

/** xAPI-Data §2.4.6.2 (contextActivities): the LRS MUST return every value as an array, in every format. */
describe('lrs: context activities returned as arrays (Data 2.4.6.2)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());

  const session = { id: 'https://instants.ac-dijon.fr/sessions/osm' };
  const series = { objectType: 'Activity', id: 'https://instants.ac-dijon.fr/series/outils' };
  const withSingles = (id: string) =>
    aStatement({
      id,
      context: { contextActivities: { parent: session, grouping: [series], category: { id: 'https://instants.ac-dijon.fr/xapi/profile' } } },
      object: {
        objectType: 'SubStatement',
        actor: { mbox: 'mailto:sub@ac-dijon.fr' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/attended' },
        object: { id: 'https://instants.ac-dijon.fr/sessions/twitter' },
        context: { contextActivities: { other: { id: 'https://instants.ac-dijon.fr/competences/1' } } },
      },
    });

  for (const version of ['1.0.3', '2.0.0'] as const) {
    const headers = { 'x-experience-api-version': version, 'content-type': 'application/json' };

    it(`${version}: returns a single contextActivities object as a one-element array in exact, ids and canonical, SubStatement included`, async () => {
      const id = crypto.randomUUID();
      expect((await t.xapi('/statements', { method: 'POST', headers, body: JSON.stringify(withSingles(id)) })).status).to.equal(200);
      for (const format of ['exact', 'ids', 'canonical']) {
        const one = (await (await t.xapi(`/statements?statementId=${id}&format=${format}`, { headers })).json()) as S;
        const ca = one.context.contextActivities;
        expect(ca.parent, format).to.be.an('array').with.length(1);
        expect(ca.grouping, format).to.be.an('array').with.length(1);
        expect(ca.category, format).to.be.an('array').with.length(1);
        expect(one.object.context!.contextActivities.other, format).to.be.an('array').with.length(1);
        const list = (await (await t.xapi(`/statements?activity=${encodeURIComponent(session.id)}&related_activities=true&format=${format}&limit=1`, { headers })).json()) as { statements: S[] };
        expect(list.statements[0]!.context.contextActivities.parent, `${format} list`).to.be.an('array');
      }
    });

    it(`${version}: a resend of the statement with single objects compares equal to the stored arrays (200, not 409), changing nothing`, async () => {
      const id = crypto.randomUUID();
      const statement = withSingles(id);
      await t.xapi('/statements', { method: 'POST', headers, body: JSON.stringify(statement) });
      const before = await (await t.xapi(`/statements?statementId=${id}`, { headers })).text();
      const again = await t.xapi('/statements', { method: 'POST', headers, body: JSON.stringify(statement) });
      expect(again.status).to.equal(200);
      expect(await again.json()).to.deep.equal([id]);
      expect(await (await t.xapi(`/statements?statementId=${id}`, { headers })).text()).to.equal(before);
      // ...and so does a resend already written with arrays.
      const arrays = structuredClone(statement) as { context: { contextActivities: Record<string, unknown> } };
      arrays.context.contextActivities = { parent: [session], grouping: [series], category: [{ id: 'https://instants.ac-dijon.fr/xapi/profile' }] };
      expect((await t.xapi(`/statements?statementId=${id}`, { method: 'PUT', headers, body: JSON.stringify(arrays) })).status).to.equal(204);
    });
  }
});
