import { expect } from 'chai';
import { loadCatalogues, localeFromAcceptLanguage, translator } from '../../src/platform/i18n';
import { argumentsOf } from '../support/messages';

describe('platform: locale catalogues', () => {
  const catalogues = loadCatalogues();

  it('has the same message keys in French and English', () => {
    const fr = [...catalogues.fr.keys()].sort();
    const en = [...catalogues.en.keys()].sort();
    expect(fr.filter((k) => !catalogues.en.has(k)), 'missing in English').to.deep.equal([]);
    expect(en.filter((k) => !catalogues.fr.has(k)), 'missing in French').to.deep.equal([]);
  });

  it('keeps the same placeholders and ICU arguments in both languages', () => {
    // `{name}` and ICU arguments (`{count, plural, …}`), read as the translator reads them (branch text is not an argument).
    const names = argumentsOf;
    for (const [key, fr] of catalogues.fr) {
      const en = catalogues.en.get(key);
      if (en !== undefined) expect(names(en), key).to.deep.equal(names(fr));
    }
  });

  it('fills placeholders and falls back to French, then to the key', () => {
    const t = translator(catalogues, 'en');
    expect(t('errors.status', { status: 404 })).to.equal('Error 404');
    expect(t('no.such.key')).to.equal('no.such.key');
  });

  it('picks the best supported language from Accept-Language', () => {
    expect(localeFromAcceptLanguage('de-DE,de;q=0.9,en;q=0.8,fr;q=0.7')).to.equal('en');
    expect(localeFromAcceptLanguage('fr-CA')).to.equal('fr');
    expect(localeFromAcceptLanguage('de')).to.equal(undefined);
    expect(localeFromAcceptLanguage(undefined)).to.equal(undefined);
  });
});
