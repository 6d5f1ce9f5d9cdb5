import { expect } from 'chai';
import { loadCatalogues, translator } from '../../src/platform/i18n';

/**
 * French for a rectorat audience: the ministry's circular of 5 May 2021 asks its services not to use the
 * point médian (épicène wording or doublets instead), and plurals are real plurals, never "(s)".
 */

const catalogues = loadCatalogues();

describe('platform: French catalogues for a rectorat audience', () => {
  it('has no point médian in any French message', () => {
    const found = [...catalogues.fr].filter(([, m]) => /[·•‧⋅]/.test(m)).map(([k, m]) => `${k}: ${m}`);
    expect(found).to.deep.equal([]);
  });

  it('has no lazy plural or gender mark such as "(s)", "(e)" or "(es)" in any French message', () => {
    const found = [...catalogues.fr].filter(([, m]) => /\((?:s|e|es|x|ne|le)\)/i.test(m)).map(([k, m]) => `${k}: ${m}`);
    expect(found).to.deep.equal([]);
  });

  it('has no lazy plural "(s)" in any English message either', () => {
    const found = [...catalogues.en].filter(([, m]) => /\(s\)/i.test(m)).map(([k, m]) => `${k}: ${m}`);
    expect(found).to.deep.equal([]);
  });

  it('formats ICU plurals in French (0 and 1 singular) and in English', () => {
    const fr = translator(catalogues, 'fr');
    const en = translator(catalogues, 'en');
    expect(fr('catalog.series.sessions', { count: 0 })).to.equal('0 session');
    expect(fr('catalog.series.sessions', { count: 1 })).to.equal('1 session');
    expect(fr('catalog.series.sessions', { count: 3 })).to.equal('3 sessions');
    expect(en('catalog.series.sessions', { count: 1 })).to.equal('1 session');
    expect(en('catalog.series.sessions', { count: 0 })).to.equal('0 sessions');
  });

  it('keeps plain placeholders and apostrophes as written in messages without ICU arguments', () => {
    const fr = translator(catalogues, 'fr');
    expect(fr('errors.status', { status: 404 })).to.equal('Erreur 404');
    const plain = [...catalogues.fr].find(([, m]) => m.includes("'") && /\{\w+\}/.test(m) && !/,\s*plural/.test(m));
    expect(plain, 'a plain message with an apostrophe and a placeholder').to.not.equal(undefined);
    const [key, message] = plain!;
    const name = /\{(\w+)\}/.exec(message)![1]!;
    expect(fr(key, { [name]: 'X' })).to.equal(message.replace(/\{(\w+)\}/g, (m, n: string) => (n === name ? 'X' : m)));
  });
});
