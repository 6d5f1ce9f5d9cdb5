import { expect } from 'chai';
import { audit, protect, releaseMean, type CellInput, type Relation } from '../../src/dashboard/disclosure';

const cells = (o: Record<string, number>): CellInput[] => Object.entries(o).map(([id, value]) => ({ id, value }));

describe('dashboard disclosure layer', () => {
  it('hides counts of 1 to 4 and shows 0 and counts from 5', () => {
    const r = protect(cells({ a: 0, b: 1, c: 4, d: 5, e: 12 }), [], { min: 5 });
    expect(['a', 'b', 'c', 'd', 'e'].map((id) => r.get(id))).to.deep.equal([0, null, null, 5, 12]);
    expect(r.reason('b')).to.equal('small');
  });

  it('hides a second cell of a row when one is hidden, so that the total does not give it back', () => {
    const r = protect(cells({ all: 23, jan: 20, feb: 3 }), [{ total: 'all', parts: ['jan', 'feb'] }], { min: 5 });
    expect([r.get('all'), r.get('jan'), r.get('feb')]).to.deep.equal([23, null, null]);
    expect(r.reason('jan')).to.equal('complementary');
  });

  it('keeps hiding until the hidden cells of a row add up to at least the threshold', () => {
    const r = protect(cells({ t: 30, a: 2, b: 1, c: 7, d: 20 }), [{ total: 't', parts: ['a', 'b', 'c', 'd'] }], { min: 5 });
    expect(['a', 'b', 'c', 'd'].map((id) => r.get(id))).to.deep.equal([null, null, null, 20]);
  });

  it('hides an answer given by every person of a group the viewer can name', () => {
    const r = protect([{ id: 'resp', value: 7, fixed: 'shown' }, { id: 'yes', value: 7 }, { id: 'no', value: 0 }], [{ total: 'resp', parts: ['yes', 'no'], named: true }], { min: 5 });
    expect(r.get('yes')).to.equal(null);
    expect(r.get('no')).to.equal(null);
    expect(r.get('resp')).to.equal(7);
  });

  it('solves a two-way table as an attacker would and hides more when a hidden cell still follows', () => {
    // Rows r1, r2 and columns c1, c2, c3 with totals; r1c1 = 2 is small.
    const grid = { r1c1: 2, r1c2: 9, r1c3: 9, r2c1: 8, r2c2: 9, r2c3: 30, r1: 20, r2: 47, c1: 10, c2: 18, c3: 39, all: 67 };
    const rel: Relation[] = [
      { total: 'r1', parts: ['r1c1', 'r1c2', 'r1c3'] },
      { total: 'r2', parts: ['r2c1', 'r2c2', 'r2c3'] },
      { total: 'c1', parts: ['r1c1', 'r2c1'] },
      { total: 'c2', parts: ['r1c2', 'r2c2'] },
      { total: 'c3', parts: ['r1c3', 'r2c3'] },
      { total: 'all', parts: ['r1', 'r2'] },
      { total: 'all', parts: ['c1', 'c2', 'c3'] },
    ];
    const r = protect(cells(grid), rel, { min: 5 });
    const values = new Map(Object.entries(grid));
    const hidden = new Map(Object.keys(grid).filter((id) => r.get(id) === null).map((id) => [id, true]));
    expect(hidden.has('r1c1')).to.equal(true);
    expect(audit(rel, values, hidden, 5), 'nothing hidden follows from what is shown').to.deep.equal([]);
  });

  it('never changes a fixed cell: known figures stay shown, figures hidden elsewhere stay hidden', () => {
    const r = protect([{ id: 'year', value: 30 }, { id: 's1', value: 3, fixed: 'hidden' }, { id: 's2', value: 27, fixed: 'shown' }], [{ total: 'year', parts: ['s1', 's2'] }], { min: 5 });
    expect(r.get('s2')).to.equal(27);
    expect(r.get('year'), 'the wider view yields').to.equal(null);
  });

  it('gives the same answer whatever the order of the cells', () => {
    const c = cells({ t: 40, a: 3, b: 6, c: 6, d: 25 });
    const rel = [{ total: 't', parts: ['a', 'b', 'c', 'd'] }];
    const one = protect(c, rel, { min: 5 });
    const two = protect([...c].reverse(), rel, { min: 5 });
    expect(['a', 'b', 'c', 'd'].map((id) => one.get(id))).to.deep.equal(['a', 'b', 'c', 'd'].map((id) => two.get(id)));
  });

  it('hides a mean of answers near an end of its scale, where the answers would follow', () => {
    expect(releaseMean(5, 4.2, { lo: 1, hi: 5 }, 5)).to.equal(4.2);
    expect(releaseMean(5, 5, { lo: 1, hi: 5 }, 5), 'all gave 5').to.equal(null);
    expect(releaseMean(5, 4.8, { lo: 1, hi: 5 }, 5), 'one gave 4, four gave 5').to.equal(null);
    expect(releaseMean(4, 3, { lo: 1, hi: 5 }, 5), 'fewer than 5 people').to.equal(null);
  });
});
