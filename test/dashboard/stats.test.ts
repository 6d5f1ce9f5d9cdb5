import { expect } from 'chai';
import { borichScore, gainBand, isEmerging, normalisedGain, pairedEffectSize, trend } from '../../src/dashboard/stats';
import { freeTextKey, normaliseKeyword } from '../../src/dashboard/extract';

describe('dashboard statistics (hand-computed values)', () => {
  it('computes the normalised gain both ways, excluding and counting people at the maximum before', () => {
    // gains: (6−2)/6 = 0.6667, (6−4)/4 = 0.5, (5−6)/(8−6) = −0.5; the pair (8, 8) is excluded.
    const g = normalisedGain([{ pre: 2, post: 6 }, { pre: 4, post: 6 }, { pre: 8, post: 8 }, { pre: 6, post: 5 }], 8);
    expect(g.n).to.equal(3);
    expect(g.excludedAtMax).to.equal(1);
    expect(g.averageOfGains).to.be.closeTo((2 / 3 + 0.5 - 0.5) / 3, 1e-9);
    expect(g.meanPre).to.equal(4);
    expect(g.meanPost).to.be.closeTo(17 / 3, 1e-9);
    // (17/3 − 4) / (8 − 4) = 0.41667
    expect(g.gainOfAverages).to.be.closeTo(5 / 12, 1e-9);
    expect(g.bands).to.deep.equal({ negative: 1, low: 0, medium: 2, high: 0 });
  });

  it('puts gains in Hake bands, negative ones apart', () => {
    expect([-0.1, 0, 0.29, 0.3, 0.7, 0.71].map(gainBand)).to.deep.equal(['negative', 'low', 'low', 'medium', 'medium', 'high']);
  });

  it('computes the paired effect size d_z with Hedges correction and a 95 % interval', () => {
    // diffs 1..5: mean 3, sd √2.5 = 1.5811, d_z = 1.8974, J = 1 − 3/15 = 0.8, SE = √(1/5 + 3.6/10) = √0.56
    const e = pairedEffectSize([1, 2, 3, 4, 5].map((d) => ({ pre: 2, post: 2 + d })));
    expect(e.n).to.equal(5);
    expect(e.dz).to.be.closeTo(3 / Math.sqrt(2.5), 1e-9);
    expect(e.correction).to.be.closeTo(0.8, 1e-12);
    expect(e.g).to.be.closeTo(1.51789, 1e-5);
    expect(e.ciLow).to.be.closeTo(0.8 * (1.897367 - 1.96 * Math.sqrt(0.56)), 1e-5);
    expect(e.ciLow).to.be.closeTo(0.34451, 1e-5);
    expect(e.ciHigh).to.be.closeTo(2.69128, 1e-5);
  });

  it('gives no effect size when differences do not vary or n < 3', () => {
    expect(pairedEffectSize([{ pre: 1, post: 2 }, { pre: 3, post: 4 }, { pre: 5, post: 6 }]).g).to.equal(null);
    expect(pairedEffectSize([{ pre: 1, post: 2 }, { pre: 3, post: 5 }]).g).to.equal(null);
  });

  it('computes the trend against the previous window, none when the previous one is empty', () => {
    expect(trend(12, 8)).to.equal(0.5);
    expect(trend(6, 8)).to.equal(-0.25);
    expect(trend(5, 0)).to.equal(null);
  });

  it('flags a need as emerging from a minimum count and a growth ratio', () => {
    expect(isEmerging(6, 3, 5, 1.5)).to.equal(true);
    expect(isEmerging(6, 0, 5, 1.5)).to.equal(true);
    expect(isEmerging(4, 0, 5, 1.5)).to.equal(false);
    expect(isEmerging(6, 5, 5, 1.5)).to.equal(false);
  });

  it('computes Borich mean weighted discrepancy scores', () => {
    // mean target 16/3; discrepancies 3, 1, 0 → (3 + 1 + 0) × 16/3 / 3 = 7.1111
    expect(borichScore([{ target: 6, self: 3 }, { target: 6, self: 5 }, { target: 4, self: 4 }])).to.be.closeTo(64 / 9, 1e-9);
    expect(borichScore([])).to.equal(null);
  });

  it('groups free-text wishes by normalised keyword', () => {
    expect(['Tchap', 'tchap ', 'messagerie Tchap', 'TCHAP !'].map(freeTextKey)).to.deep.equal(['tchap', 'tchap', 'tchap', 'tchap']);
    expect(normaliseKeyword('  Élaborer un Padlet ')).to.equal('elaborer un padlet');
  });
});
