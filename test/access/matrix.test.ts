import { expect } from 'chai';
import { describePermission, listRoutes } from '../../src/platform/access';
import { createTestApp, type TestApp } from '../support/app';
import { Browser } from '../support/http';
import { A_LEARNER, buildAccessFixture, type AccessFixture } from './fixture';
import { EXPECTED, PEOPLE, type Cell, type Person } from './matrix.expected';
import { addMatrixData, paramsOf, restoreMatrixData, tokensOf, type MatrixData } from './matrix.support';

/**
 * The access matrix (issue #12): every route of the built app, enumerated from its express router, tried as
 * six people (nobody, a learner of course A, an organiser of A, an organiser of B whose activity links A's
 * published session, an organiser of C that links nothing, an administrator), each POST with a valid CSRF
 * token; each answer compared with the expected cell of matrix.expected.ts. A route without a row fails.
 * `MATRIX_PRINT=1 npx mocha test/access/matrix.test.ts` prints every cell, rows or not (to check a new row
 * against what the route answers; the row itself is written from the policy, not copied from the output).
 */
describe('access: the matrix of every route and six people', function () {
  this.timeout(600_000);
  let t: TestApp;
  let f: AccessFixture;
  let data: MatrixData;
  let browsers: Record<Person, Browser>;
  let tokens: Record<Person, { app: string; lti: string }>;

  before(async () => {
    t = await createTestApp({ env: { DEMO: 'true' } });
    f = await buildAccessFixture(t);
    data = await addMatrixData(t, f);
    browsers = { anonymous: new Browser(t.url), learnerA: f.as.learnerA, organiserA: f.as.organiserA, organiserB: f.as.organiserB, organiserC: f.as.organiserC, admin: f.as.admin };
    tokens = await tokensOf(browsers);
  });
  after(async () => t?.close());

  const routes = () => {
    const seen = new Map<string, { method: string; path: string; permission: string }>();
    for (const r of listRoutes(t.instants.app)) {
      const key = `${r.method} ${r.path}`;
      if (!seen.has(key)) seen.set(key, { method: r.method, path: r.path, permission: r.permission ? describePermission(r.permission) : '-' });
    }
    return [...seen.entries()];
  };

  it('has an expected row for every route of the app', () => {
    const missing = routes()
      .map(([key]) => key)
      .filter((key) => !EXPECTED[key]);
    expect(missing, 'routes without a row in test/access/matrix.expected.ts').to.deep.equal([]);
  });

  it('answers every route as expected for each of the six people, and never shows A’s learner to B or C', async () => {
    const problems: string[] = [];
    for (const [key, route] of routes()) {
      const row = EXPECTED[key] ?? (process.env.MATRIX_PRINT ? Object.fromEntries(PEOPLE.map((p) => [p, 'ok'])) as Record<Person, Cell> : undefined);
      if (!row) continue;
      const path = paramsOf(route.path, data);
      for (const person of PEOPLE) {
        const expected = row[person];
        if (expected === 'skip') continue;
        await restoreMatrixData(t, data);
        const method = route.method === 'ALL' ? 'GET' : route.method;
        const browser = browsers[person];
        const token = path.startsWith('/lti/') ? tokens[person].lti : tokens[person].app;
        // The xAPI version header lets the LRS reach its credentials check (every other route ignores it).
        const xapi = { 'x-experience-api-version': '1.0.3' };
        const res =
          method === 'GET'
            ? await browser.get(path, { headers: xapi })
            : await browser.request(path, { method, body: new URLSearchParams({ _csrf: token }), headers: { ...xapi, 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': token } });
        const body = await res.text();
        const got = outcome(res.status);
        if (process.env.MATRIX_PRINT) console.log(`${key} | ${route.permission} | ${person} | ${res.status}`);
        if (got !== expected) problems.push(`${key} as ${person}: expected ${expected}, got ${res.status} (${route.permission})`);
        if ((person === 'organiserB' || person === 'organiserC') && (body.includes(A_LEARNER.name) || body.includes(A_LEARNER.email))) problems.push(`${key} as ${person} shows course A's learner`);
        if (res.status >= 500) problems.push(`${key} as ${person}: ${res.status}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });
});

/** 2xx, 3xx and the 4xx of a request the route accepted to handle (invalid form, conflict) are "ok"; refusals keep their status. */
function outcome(status: number): Cell {
  if (status === 401 || status === 403 || status === 404 || status === 405) return status;
  return 'ok';
}
