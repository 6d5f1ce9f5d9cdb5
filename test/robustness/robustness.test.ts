import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../support/app';
import { engine } from '../support/db';
import { simulatorFor } from '../support/lti';
import { tableCounts } from '../support/table-counts';
import { FAMILIES } from './families';
import { buildWorld, ROLES, type Probe, type Role, type World } from './world';

/**
 * Generated hostile input (fast-check, fixed seeds) against every route of the built app and the LTI
 * endpoints, as each role: every answer is a success or a 4xx, never a 5xx, never X-Powered-By, and a
 * refused request leaves every table's row count as it was. Families live in `families/` (see index.ts).
 * ROBUSTNESS_SEED changes the seeds, ROBUSTNESS_RUNS / ROBUSTNESS_LTI_RUNS the runs per case.
 */

const BASE_SEED = Number(process.env.ROBUSTNESS_SEED ?? 20_261_201);

/** A stable 32-bit seed per case, so that one case's failure replays alone. */
function seedOf(label: string): number {
  let h = 0x811c9dc5 ^ BASE_SEED;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  return h | 0;
}

function changed(before: Record<string, number>, after: Record<string, number>): string[] {
  return Object.keys({ ...before, ...after })
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${before[k]} → ${after[k]}`);
}

describe(`robustness: generated hostile input (${engine})`, function () {
  this.timeout(5 * 60_000);
  let t: TestApp;
  let world: World;
  before(async () => {
    // Logins are rate-limited per address; the suite sends hundreds from 127.0.0.1.
    t = await createTestApp({ env: { LTI_LOGIN_LIMIT_PER_MINUTE: '100000' } });
    await simulatorFor(t);
    world = await buildWorld(t);
    for (const family of FAMILIES) await family.prepare?.(world);
  });
  after(async () => t?.close());

  /** The log line of a failed request, to say why it got a 5xx. */
  const failureLog = (res: Response) => {
    const id = res.headers.get('x-request-id');
    return t.logLines.find((l) => id && l.includes(id) && l.includes('"level":50'))?.slice(0, 600) ?? '';
  };

  /**
   * The next transaction id: it moves only when some transaction wrote, so an equal mark proves that no
   * table changed and spares counting every table after each probe (nothing else writes: no worker here).
   */
  const writeMark = async () => {
    const result = (await t.database.db.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as x`)) as unknown as { rows: { x: string }[] };
    return result.rows[0]!.x;
  };
  let last: { ignore: string; mark: string; counts: Record<string, number> } | undefined;
  async function check(probe: Probe, role: Role, ignore: string[]): Promise<void> {
    const key = ignore.join(',');
    if (last?.ignore !== key) last = { ignore: key, mark: await writeMark(), counts: await tableCounts(t.database.db, { ignore }) };
    const before = last;
    last = undefined;
    const res = await probe.send(world, world.actors[role]);
    await res.arrayBuffer();
    if (res.status >= 500) throw new Error(`${res.status} for ${probe.describe()}\n${failureLog(res)}`);
    if (res.headers.get('x-powered-by')) throw new Error(`X-Powered-By sent for ${probe.describe()}`);
    const mark = await writeMark();
    const after = mark === before.mark ? before.counts : await tableCounts(t.database.db, { ignore });
    last = { ignore: key, mark, counts: after };
    const diff = changed(before.counts, after);
    if (res.status >= 400 && diff.length) throw new Error(`refused (${res.status}) but changed ${diff.join(', ')}: ${probe.describe()}`);
  }

  for (const family of FAMILIES) {
    for (const role of ROLES) {
      it(`${family.name}, as ${role}: never a 5xx, and a refused request changes no table`, async () => {
        const failures: string[] = [];
        for (const c of family.cases(world, role)) {
          const property = fc.asyncProperty(c.arbitrary, (probe) => check(probe, role, family.writesOnRefusal ?? []));
          const examples = (c.examples ?? []).map((p): [Probe] => [p]);
          const result = await fc.check(property, { seed: seedOf(`${family.name}|${role}|${c.label}`), numRuns: c.runs + examples.length, examples, endOnFailure: true });
          if (result.failed) failures.push(`${c.label} (seed ${result.seed}): ${(result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance)}`);
        }
        expect(failures, failures.join('\n\n')).to.deep.equal([]);
        expect((await fetch(`${t.url}/healthz`)).status).to.equal(200);
      });
    }
  }
});
