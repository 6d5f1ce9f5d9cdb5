import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { unbakePng, unbakeSvg } from '../../src/badges/baking';
import { createTestApp, type TestApp } from '../support/app';
import { awardsOf, checkIn, checkinCode, courseWithSession, createBadge, participant } from './helpers';
import { expandOb2, identityHash, statusBit, validateOb3, verifyIndependently } from './spec-support';

type Json = Record<string, unknown>;

describe('badges: served documents against the Open Badges 2.0 and 3.0 specifications', function () {
  this.timeout(60_000);
  let t: TestApp;
  let awardId: string;
  let badgeId: string;
  let earner: Awaited<ReturnType<typeof participant>>;
  let organiser: Awaited<ReturnType<typeof courseWithSession>>['organiser'];
  const email = 'Claude.Dupont@ac-dijon.fr';

  before(async () => {
    t = await createTestApp();
    const course = await courseWithSession(t);
    organiser = course.organiser;
    badgeId = await createBadge(organiser, { rule_kind: 'session-completed', session_id: course.session.id, competences: ['crcn:2.3', 'crcn:3.2'] });
    earner = await participant(t, course.session.id, course.contextId, { email });
    await checkIn(earner, course.session.id, await checkinCode(organiser, course.session.id));
    awardId = (await awardsOf(t, earner.userId))[0]!.id;
    // Public with the earner's consent, so that anyone (a backpack, Moodle) can fetch the hosted assertion.
    const page = await (await earner.browser.get('/badges/mine')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    expect((await earner.browser.postForm('/badges/mine/consent', { _csrf: csrf, public_allowed: 'yes' })).status).to.equal(303);
    expect((await earner.browser.postForm(`/badges/mine/${awardId}/visibility`, { _csrf: csrf, public: 'yes' })).status).to.equal(303);
  });
  after(async () => t.close());

  const getJson = async (url: string, status = 200): Promise<Json> => {
    const res = await fetch(url, { headers: { accept: 'application/ld+json' } });
    expect(res.status, url).to.equal(status);
    return (await res.json()) as Json;
  };

  it('serves the 2.0 Issuer, BadgeClass, Assertion and revocation list at stable public URLs, each valid under the 2.0 context with its required properties', async () => {
    const issuer = await getJson(`${t.url}/badges/issuer`);
    const badge = await getJson(`${t.url}/badges/classes/${badgeId}`);
    const assertion = await getJson(`${t.url}/badges/assertions/${awardId}`);
    const revocations = await getJson(`${t.url}/badges/revocations`);
    for (const doc of [issuer, badge, assertion, revocations]) {
      expect(doc['@context']).to.equal('https://w3id.org/openbadges/v2');
      // Safe mode: any property the 2.0 context does not define makes expansion fail.
      const expanded = await expandOb2(doc);
      expect(expanded).to.have.length(1);
    }
    expect(issuer).to.include({ type: 'Issuer', id: `${t.url}/badges/issuer` });
    for (const p of ['name', 'url', 'email']) expect(issuer[p], p).to.be.a('string').that.has.length.greaterThan(0);
    expect(badge).to.include({ type: 'BadgeClass', id: `${t.url}/badges/classes/${badgeId}`, issuer: `${t.url}/badges/issuer` });
    for (const p of ['name', 'description', 'image']) expect(badge[p], p).to.be.a('string').that.has.length.greaterThan(0);
    expect((badge.criteria as Json).narrative).to.be.a('string').that.has.length.greaterThan(0);
    expect((badge.alignment as Json[]).map((a) => a.targetCode)).to.deep.equal(['2.3', '3.2']);
    expect(assertion).to.include({ type: 'Assertion', id: `${t.url}/badges/assertions/${awardId}`, badge: `${t.url}/badges/classes/${badgeId}` });
    expect(assertion.verification).to.deep.equal({ type: 'HostedBadge' });
    expect(assertion.issuedOn).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const recipient = assertion.recipient as { type: string; hashed: boolean; salt: string; identity: string };
    expect(recipient).to.include({ type: 'email', hashed: true });
    expect(recipient.identity).to.equal(identityHash(email.toLowerCase(), recipient.salt));
    expect(JSON.stringify(assertion)).not.to.contain(email.toLowerCase());
    // The referenced image answers with an image type.
    expect((await fetch(String(badge.image))).headers.get('content-type')).to.match(/^image\/(svg\+xml|png)/);
  });

  it('issues a 3.0 OpenBadgeCredential that validates against the specification schema and whose eddsa-rdfc-2022 proof verifies with an independent library', async () => {
    const res = await earner.browser.get(`/badges/assertions/${awardId}/credential.json`);
    expect(res.status).to.equal(200);
    const credential = (await res.json()) as Json;
    expect(validateOb3(credential)).to.deep.equal([]);
    expect(credential['@context']).to.deep.equal(['https://www.w3.org/ns/credentials/v2', 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json']);
    expect(credential.type).to.include('OpenBadgeCredential');
    const proof = credential.proof as Json;
    expect(proof).to.include({ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' });
    const identifier = ((credential.credentialSubject as Json).identifier as Json[])[0]!;
    expect(identifier.identityHash).to.equal(identityHash(email.toLowerCase(), String(identifier.salt)));
    const result = await verifyIndependently(credential);
    expect(result.verified, JSON.stringify(result.error)).to.equal(true);
  });

  it('fails the independent verification of a credential whose subject or dates were changed after signing', async () => {
    const credential = (await (await earner.browser.get(`/badges/assertions/${awardId}/credential.json`)).json()) as Json;
    const renamed = structuredClone(credential);
    ((renamed.credentialSubject as Json).achievement as Json).name = 'Experte ou expert de tout';
    expect((await verifyIndependently(renamed)).verified).to.equal(false);
    const redated = structuredClone(credential);
    redated.validFrom = '2020-01-01T00:00:00Z';
    expect((await verifyIndependently(redated)).verified).to.equal(false);
  });

  it('issues the VC-JWT form signed EdDSA by a key of the published JWKS, with iss, jti, nbf, sub and vc matching the credential', async () => {
    const token = await (await earner.browser.get(`/badges/assertions/${awardId}/credential.jwt`)).text();
    const header = decodeProtectedHeader(token);
    expect(header.alg).to.equal('EdDSA');
    const jwks = (await getJson(`${t.url}/badges/jwks.json`)) as unknown as { keys: Array<Json & { kid: string }> };
    const key = jwks.keys.find((k) => k.kid === header.kid)!;
    expect(key, 'kid published').to.not.equal(undefined);
    const { payload } = await jwtVerify(token, await importJWK(key as never, 'EdDSA'));
    const vc = payload.vc as Json;
    expect(validateOb3(vc)).to.deep.equal([]);
    expect(payload.iss).to.equal((vc.issuer as Json).id);
    expect(payload.jti).to.equal(vc.id);
    expect(payload.nbf).to.equal(Math.floor(Date.parse(String(vc.validFrom)) / 1000));
    expect(payload.sub).to.equal(((vc.credentialSubject as Json).identifier as Json[])[0]!.identityHash);
    expect(decodeJwt(token).iss).to.match(/^did:web:/);
  });

  it('bakes the 2.0 assertion URL into PNG and SVG images and the 3.0 credential into a PNG, all read back intact', async () => {
    const png = Buffer.from(await (await earner.browser.get(`/badges/assertions/${awardId}/badge.png`)).arrayBuffer());
    expect(unbakePng(png).openbadges).to.equal(`${t.url}/badges/assertions/${awardId}`);
    const svg = await (await earner.browser.get(`/badges/assertions/${awardId}/badge.svg`)).text();
    expect(svg).to.contain('xmlns:openbadges="http://openbadges.org"');
    expect(unbakeSvg(svg).openbadges).to.equal(`${t.url}/badges/assertions/${awardId}`);
    const ob3png = Buffer.from(await (await earner.browser.get(`/badges/assertions/${awardId}/credential.png`)).arrayBuffer());
    const baked = JSON.parse(unbakePng(ob3png).openbadgecredential!) as Json;
    expect((await verifyIndependently(baked)).verified).to.equal(true);
  });

  it('publishes the issuer keys as a did:web document and a signed Bitstring Status List whose bit flips when the award is revoked', async () => {
    const did = (await getJson(`${t.url}/badges/did.json`)) as unknown as { id: string; assertionMethod: string[]; verificationMethod: Json[] };
    expect(did.id).to.equal(`did:web:${encodeURIComponent(new URL(t.url).host)}:badges`);
    expect(did.assertionMethod).to.have.length.greaterThan(0);
    const credential = (await (await earner.browser.get(`/badges/assertions/${awardId}/credential.json`)).json()) as Json;
    const entry = credential.credentialStatus as { statusListCredential: string; statusListIndex: string; statusPurpose: string; type: string };
    expect(entry).to.include({ type: 'BitstringStatusListEntry', statusPurpose: 'revocation' });
    const before = await getJson(entry.statusListCredential);
    expect((await verifyIndependently(before)).verified).to.equal(true);
    expect(statusBit(String((before.credentialSubject as Json).encodedList), Number(entry.statusListIndex))).to.equal(false);
    // Revoked by the organiser, with a reason.
    const page = await (await organiser.browser.get(`/organiser/badges/${badgeId}`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const revoked = await organiser.browser.postForm(`/organiser/badges/${badgeId}/awards/${awardId}/revoke`, { _csrf: csrf, reason: 'Attribué par erreur' });
    expect(revoked.status).to.equal(303);
    const after = await getJson(entry.statusListCredential);
    expect((await verifyIndependently(after)).verified).to.equal(true);
    expect(statusBit(String((after.credentialSubject as Json).encodedList), Number(entry.statusListIndex))).to.equal(true);
    // 2.0: the hosted assertion answers 410 with the reason, and the revocation list names it.
    const gone = await getJson(`${t.url}/badges/assertions/${awardId}`, 410);
    expect(gone).to.include({ revoked: true, revocationReason: 'Attribué par erreur' });
    await expandOb2(gone);
    const list = await getJson(`${t.url}/badges/revocations`);
    expect(list.revokedAssertions).to.deep.include({ id: `${t.url}/badges/assertions/${awardId}`, revocationReason: 'Attribué par erreur' });
    const rows = await t.database.db.execute(sql`select revoked_at from badge_awards where id = ${awardId}::uuid`);
    expect(((Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows)[0] as Json).revoked_at).to.not.equal(null);
  });
});
