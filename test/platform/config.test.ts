import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/platform/config';

describe('platform: configuration', () => {
  it('gives working defaults for an empty environment: port 3000, ./data, PGlite, French, demo on', () => {
    const config = loadConfig({}, '/srv/instants');
    expect(config.http.port).to.equal(3000);
    expect(config.http.host).to.equal('127.0.0.1');
    expect(config.dataDir).to.equal('/srv/instants/data');
    expect(config.db.url).to.equal(undefined);
    expect(config.i18n.defaultLocale).to.equal('fr');
    expect(config.demo).to.equal(true);
    expect(config.privacy.minGroup).to.equal(5);
    expect(config.http.publicUrl).to.equal('http://127.0.0.1:3000');
  });

  it('defaults PUBLIC_URL to the address it listens on (localhost when it listens on every address)', () => {
    expect(loadConfig({ PORT: '3100' }).http.publicUrl).to.equal('http://127.0.0.1:3100');
    expect(loadConfig({ HOST: '0.0.0.0' }).http.publicUrl).to.equal('http://localhost:3000');
    expect(loadConfig({ HOST: '::1' }).http.publicUrl).to.equal('http://[::1]:3000');
    expect(loadConfig({ PUBLIC_URL: 'http://instants.local:8080/' }).http.publicUrl).to.equal('http://instants.local:8080');
  });

  it('turns demo off by default in production and requires PUBLIC_URL there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /PUBLIC_URL: required in production/);
    const secrets = { LTI_KEY: 'l'.repeat(32), COOKIE_SECRET: 'c'.repeat(32), PSEUDONYM_KEY: 'p'.repeat(32), BADGE_SIGNING_KEYS: 'b'.repeat(43) };
    const config = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://instants.ac-dijon.fr/', ...secrets });
    expect(config.demo).to.equal(false);
    expect(config.http.publicUrl).to.equal('https://instants.ac-dijon.fr');
  });

  it('lists every invalid variable at once, each with what was wrong and an example', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', NODE_ENV: 'staging', LTI_KEY: 'short', DEMO: 'maybe' });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect((err as ConfigError).problems).to.have.length(6);
      expect(problems).to.match(/PORT: expected a whole number from 0 to 65535 \(e\.g\. 3000\) \(got "eighty"\)/);
      expect(problems).to.match(/LOG_LEVEL: expected fatal, error/);
      expect(problems).to.match(/DATABASE_URL: expected a PostgreSQL URL \(e\.g\. postgres:\/\//);
      expect(problems).to.match(/NODE_ENV: expected development, production or test/);
      expect(problems).to.match(/LTI_KEY: must be at least 32 characters/);
      expect(problems).to.match(/DEMO: expected true or false/);
    }
  });

  it('never echoes secret values or database URLs in its messages', () => {
    try {
      loadConfig({ LTI_KEY: 'tooshort-secret', DATABASE_URL: 'mysql://user:hunter2@db' });
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as Error).message).not.to.contain('tooshort-secret').and.not.to.contain('hunter2');
    }
  });

  it('parses lists and booleans: CORS origins, WORKER=false', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.fr, https://b.fr ,', WORKER: 'false', DATABASE_URL: 'postgresql://u@h/db' });
    expect(config.http.corsOrigins).to.deep.equal(['https://a.fr', 'https://b.fr']);
    expect(config.worker.enabled).to.equal(false);
    expect(config.db.url).to.equal('postgresql://u@h/db');
  });
});
