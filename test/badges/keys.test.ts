import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { issuerDid, loadSeeds, newSeed } from '../../src/badges/keys';
import { ConfigError } from '../../src/platform/config';
import { createTestApp, testConfig, type TestApp } from '../support/app';
import { earnedBadge, verifyOnPage } from './helpers';

type Json = Record<string, unknown>;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');

describe('badges: issuer keys, from the environment or the data directory, and their rotation', function () {
  this.timeout(90_000);
  const publicUrl = 'http://instants.test:8080';
  const oldKey = newSeed();
  const newKey = newSeed();
  let first: TestApp;
  let second: TestApp | undefined;
  after(async () => {
    await second?.close();
    await first?.close();
  });

  it('keeps a badge signed before a rotation verifiable, signs new ones with the new key, and publishes both', async () => {
    first = await createTestApp({ env: { PUBLIC_URL: publicUrl, BADGE_SIGNING_KEYS: oldKey } });
    const before = await earnedBadge(first);
    const oldCredential = (await (await before.earner.browser.get(`/badges/assertions/${before.awardId}/credential.json`)).json()) as Json;
    const oldJwt = await (await before.earner.browser.get(`/badges/assertions/${before.awardId}/credential.jwt`)).text();
    // Rotation as documented: the new key first, the old one kept after it (same database, same public URL).
    second = await createTestApp({ database: first.database, env: { PUBLIC_URL: publicUrl, BADGE_SIGNING_KEYS: `${newKey}, ${oldKey}` } });
    for (const fields of [{ text: JSON.stringify(oldCredential) }, { text: oldJwt }]) {
      const page = text((await verifyOnPage(second, fields)).html);
      expect(page, fields.text.slice(0, 20)).to.contain('Badge valide');
    }
    const did = (await (await fetch(`${second.url}/badges/did.json`)).json()) as { verificationMethod: Array<{ id: string }>; assertionMethod: string[] };
    expect(did.assertionMethod).to.have.length(2);
    const oldVm = (oldCredential.proof as Json).verificationMethod;
    expect(did.assertionMethod[1]).to.equal(oldVm);
    const after = await earnedBadge(second);
    const fresh = (await (await after.earner.browser.get(`/badges/assertions/${after.awardId}/credential.json`)).json()) as Json;
    expect((fresh.proof as Json).verificationMethod).to.equal(did.assertionMethod[0]);
    expect((fresh.proof as Json).verificationMethod).not.to.equal(oldVm);
    // Without the old key, the old badge no longer verifies: the documented reason to keep it.
    await second.close();
    second = await createTestApp({ database: first.database, env: { PUBLIC_URL: publicUrl, BADGE_SIGNING_KEYS: newKey } });
    expect(text((await verifyOnPage(second, { text: JSON.stringify(oldCredential) })).html)).to.contain('Badge non valide');
  });

  it('generates one key on first start into the data directory (mode 0600) and reuses it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-keys-'));
    const config = testConfig({ DATA_DIR: dir });
    const seeds = loadSeeds(config);
    expect(seeds).to.have.length(1);
    expect(fs.statSync(path.join(dir, 'badge-keys.json')).mode & 0o777).to.equal(0o600);
    expect(loadSeeds(config)).to.deep.equal(seeds);
    fs.writeFileSync(path.join(dir, 'badge-keys.json'), '{"keys": ["short"]}');
    expect(() => loadSeeds(config)).to.throw(/not a valid badge keys file/);
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a malformed BADGE_SIGNING_KEYS at start-up without echoing it', () => {
    let error: unknown;
    try {
      testConfig({ BADGE_SIGNING_KEYS: 'not-a-key-secret-value' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect(String((error as Error).message)).to.contain('BADGE_SIGNING_KEYS');
    expect(String((error as Error).message)).not.to.contain('not-a-key-secret-value');
  });

  it('names the issuer did:web after the public host, port and path', () => {
    expect(issuerDid('https://instants.ac-dijon.fr')).to.equal('did:web:instants.ac-dijon.fr:badges');
    expect(issuerDid('http://127.0.0.1:3000')).to.equal('did:web:127.0.0.1%3A3000:badges');
    expect(issuerDid('https://apps.ac-dijon.fr/instants')).to.equal('did:web:apps.ac-dijon.fr:instants:badges');
  });
});
