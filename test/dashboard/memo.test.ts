import { expect } from 'chai';
import { createMemo } from '../../src/dashboard/dashboard.service';

/** The dashboards' cache of released universes keeps only the latest data version's (issue 21: memory). */
describe('dashboard: the cache of released universes', () => {
  it('computes once per key and version, and forgets every entry of an older version when a new one is read', async () => {
    const memo = createMemo();
    const computed: string[] = [];
    const value = (v: string, key: string) => memo(v)(key, async () => (computed.push(`${v}:${key}`), { big: new Array(10).fill(key) }));
    const first = await value('v1', 'year');
    expect(await value('v1', 'year')).to.equal(first);
    await value('v1', 'needs');
    await value('v2', 'year');
    expect(computed).to.deep.equal(['v1:year', 'v1:needs', 'v2:year']);
    // v1's entries are gone: asking for them again (a request that read v1 before the change) recomputes.
    await value('v1', 'needs');
    expect(computed).to.deep.equal(['v1:year', 'v1:needs', 'v2:year', 'v1:needs']);
  });

  it('keeps at most `size` entries of one version, and forgets a failed computation', async () => {
    const memo = createMemo(2);
    let n = 0;
    const at = (key: string) => memo('v')(key, async () => ++n);
    await at('a');
    await at('b');
    await at('c');
    expect(await at('a')).to.equal(4);
    const failing = memo('v')('bad', async () => {
      throw new Error('database gone');
    });
    await failing.catch(() => undefined);
    expect(await memo('v')('bad', async () => 'recomputed')).to.equal('recomputed');
  });
});
