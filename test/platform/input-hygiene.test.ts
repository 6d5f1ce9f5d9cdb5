import { expect } from 'chai';
import { z } from 'zod';
import {
  calendarDate,
  parseCalendarDate,
  parseTimestamp,
  safeRecord,
  safeString,
  scanValue,
  stringProblem,
  timestamp,
} from '../../src/platform/input-hygiene';

describe('platform: input hygiene primitives', () => {
  it('finds U+0000 and lone surrogates, and accepts well-formed pairs', () => {
    expect(stringProblem('a\u0000b')).to.equal('nul');
    expect(stringProblem('a\ud800b')).to.equal('lone_surrogate');
    expect(stringProblem('\udc00')).to.equal('lone_surrogate');
    expect(stringProblem('emoji 😀 é')).to.equal(undefined);
  });

  it('names the path of the first bad string in a nested value, keys included', () => {
    expect(scanValue({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).to.deep.equal({ path: 'a.1.c', problem: 'nul' });
    expect(scanValue({ ['k\ud800']: 1 })).to.deep.equal({ path: 'k\ufffd', problem: 'lone_surrogate' });
    expect(scanValue({ a: { b: 1 } })).to.equal(undefined);
  });

  it('refuses nesting beyond 64 levels without recursing, even 100 000 deep', () => {
    let ok: unknown = 'leaf';
    for (let i = 0; i < 64; i++) ok = [ok];
    expect(scanValue(ok)).to.equal(undefined);
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(scanValue(deep)?.problem).to.equal('too_deep');
  });

  it('refuses more entries than the limit', () => {
    expect(scanValue({ a: Array.from({ length: 30_000 }, () => 1) })).to.deep.equal({ path: 'a', problem: 'too_many_entries' });
    expect(scanValue({ a: [1, 2, 3] }, { maxEntries: 3 })?.problem).to.equal('too_many_entries');
  });

  it('refuses __proto__, constructor and prototype as keys unless told not to', () => {
    const parsed = JSON.parse('{"x":{"__proto__":{"admin":true}}}') as unknown;
    expect(scanValue(parsed)).to.deep.equal({ path: 'x.__proto__', problem: 'forbidden_key' });
    expect(scanValue({ constructor: 1 })?.problem).to.equal('forbidden_key');
    expect(scanValue(parsed, { forbidPrototypeKeys: false })).to.equal(undefined);
  });

  it('reads calendar dates by round trip: no 2026-02-30, 2026-02-29 or 0000-01-01', () => {
    expect(parseCalendarDate('2024-02-29')?.toISOString()).to.equal('2024-02-29T00:00:00.000Z');
    expect(parseCalendarDate('0001-01-01')?.toISOString()).to.equal('0001-01-01T00:00:00.000Z');
    for (const bad of ['2026-02-30', '2026-02-29', '0000-01-01', '2026-13-01', '2026-04-31', '2026-1-01', '1900-02-29']) {
      expect(parseCalendarDate(bad), bad).to.equal(undefined);
    }
  });

  it('reads timestamps field by field, with offsets, and refuses what JavaScript would roll over', () => {
    expect(parseTimestamp('2026-03-01T12:30:00Z')?.date.toISOString()).to.equal('2026-03-01T12:30:00.000Z');
    expect(parseTimestamp('2026-03-01T12:30:00.123456+01:00')?.date.toISOString()).to.equal('2026-03-01T11:30:00.123Z');
    expect(parseTimestamp('2026-03-01T12:30-0230')?.date.toISOString()).to.equal('2026-03-01T15:00:00.000Z');
    expect(parseTimestamp('0001-01-01T00:00:00Z')?.date.getUTCFullYear()).to.equal(1);
    expect(parseTimestamp('2026-03-01T12:30:00')?.offset).to.equal(null);
    for (const bad of ['2026-02-30T00:00:00Z', '0000-01-01T00:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01T12:60:00Z', '2026-03-01T12:00:60Z', '2026-03-01T12:00:00+24:00', 'yesterday', '2026-03-01']) {
      expect(parseTimestamp(bad), bad).to.equal(undefined);
    }
    expect(parseTimestamp('2026-03-01T12:30:00', { requireOffset: true })).to.equal(undefined);
  });

  it('gives zod helpers: safe string, calendar date, timestamp, safe record', () => {
    expect(safeString().safeParse('a\u0000').success).to.equal(false);
    expect(safeString().max(3).safeParse('abc').success).to.equal(true);
    expect(calendarDate().safeParse('2026-02-29').success).to.equal(false);
    expect(calendarDate().safeParse('2028-02-29').success).to.equal(true);
    expect(timestamp().parse('2026-03-01T12:30:00Z')).to.be.instanceOf(Date);
    expect(timestamp().safeParse('2026-02-30T12:30:00Z').success).to.equal(false);
    const map = safeRecord(z.string(), z.string());
    expect(map.safeParse(JSON.parse('{"__proto__":"x"}')).success).to.equal(false);
    expect(map.safeParse({ fr: 'bonjour' }).success).to.equal(true);
  });
});
