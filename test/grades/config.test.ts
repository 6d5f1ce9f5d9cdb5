import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/platform/config';

describe('grades: configuration', () => {
  it('keeps rosters 600 s by default and takes ROSTER_CACHE_SECONDS from the environment', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).grades.rosterCacheSeconds).to.equal(600);
    expect(loadConfig({ NODE_ENV: 'test', ROSTER_CACHE_SECONDS: '0' }).grades.rosterCacheSeconds).to.equal(0);
  });

  it('refuses a roster cache time that is not a whole number of seconds within a week, naming the variable', () => {
    for (const bad of ['soon', '-1', '1.5', '604801']) {
      const err = (() => {
        try {
          loadConfig({ NODE_ENV: 'test', ROSTER_CACHE_SECONDS: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).problems.join('\n')).to.contain('ROSTER_CACHE_SECONDS');
    }
  });
});
