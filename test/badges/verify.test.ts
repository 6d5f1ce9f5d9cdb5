import { expect } from 'chai';
import { SignJWT, decodeJwt } from 'jose';
import crypto from 'node:crypto';
import { bakePng } from '../../src/badges/baking';
import { rasterise, templateSvg } from '../../src/badges/images';
import { createTestApp, type TestApp } from '../support/app';
import { earnedBadge, revokeAward, verifyOnPage } from './helpers';

type Json = Record<string, unknown>;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/\s+/g, ' ');

describe('badges: the public verification page', function () {
  this.timeout(60_000);
  let t: TestApp;
  let b: Awaited<ReturnType<typeof earnedBadge>>;
  let credential: Json;
  let jwt: string;

  before(async () => {
    t = await createTestApp();
    b = await earnedBadge(t, { public: true });
    credential = (await (await b.earner.browser.get(`/badges/assertions/${b.awardId}/credential.json`)).json()) as Json;
    jwt = await (await b.earner.browser.get(`/badges/assertions/${b.awardId}/credential.jwt`)).text();
  });
  after(async () => t.close());

  it('accepts an uploaded 3.0 credential and tells by whom, for whom (hashed), when, and not revoked', async () => {
    const { status, html } = await verifyOnPage(t, {}, { name: 'badge.json', type: 'application/json', data: Buffer.from(JSON.stringify(credential)) });
    expect(status).to.equal(200);
    const page = text(html);
    expect(page).to.contain('Badge valide');
    expect(page).to.contain("DANE de l'académie de Dijon");
    expect(page).to.contain(String(((credential.credentialSubject as Json).identifier as Json[])[0]!.identityHash));
    expect(page).to.match(/Délivré le \d{1,2}(er)? \p{L}+ \d{4}/u);
    expect(page).not.to.contain('Ce badge a été révoqué');
  });

  it('accepts the pasted VC-JWT, the assertion URL and a baked 2.0 image of a public badge', async () => {
    expect(text((await verifyOnPage(t, { text: jwt })).html)).to.contain('Badge valide');
    expect(text((await verifyOnPage(t, { url: `${t.url}/badges/assertions/${b.awardId}` })).html)).to.contain('Badge valide');
    const png = Buffer.from(await (await b.earner.browser.get(`/badges/assertions/${b.awardId}/badge.png`)).arrayBuffer());
    expect(text((await verifyOnPage(t, {}, { name: 'badge.png', type: 'image/png', data: png })).html)).to.contain('Badge valide');
    const svg = Buffer.from(await (await b.earner.browser.get(`/badges/assertions/${b.awardId}/badge.svg`)).arrayBuffer());
    expect(text((await verifyOnPage(t, {}, { name: 'badge.svg', type: 'image/svg+xml', data: svg })).html)).to.contain('Badge valide');
  });

  it('says whether an e-mail address is the earner’s, by hash and salt, without keeping it', async () => {
    expect(text((await verifyOnPage(t, { text: jwt, email: 'Camille.Martin@ac-dijon.fr' })).html)).to.contain('est bien celle de la personne titulaire');
    expect(text((await verifyOnPage(t, { text: jwt, email: 'autre@ac-dijon.fr' })).html)).to.contain("n'est pas celle de la personne titulaire");
  });

  it('refuses a tampered credential with the reason: signature for a changed subject, dates for a future or past validity', async () => {
    const renamed = structuredClone(credential);
    ((renamed.credentialSubject as Json).achievement as Json).name = 'Tout-savoir';
    const page = text((await verifyOnPage(t, { text: JSON.stringify(renamed) })).html);
    expect(page).to.contain('Badge non valide');
    expect(page).to.contain('La signature ne correspond pas');
    const future = structuredClone(credential);
    future.validFrom = '2999-01-01T00:00:00Z';
    const f = text((await verifyOnPage(t, { text: JSON.stringify(future) })).html);
    expect(f).to.contain("La date de début de validité n'est pas encore atteinte");
    expect(f).to.contain('La signature ne correspond pas');
    const expired = structuredClone(credential);
    expired.validUntil = '2001-01-01T00:00:00Z';
    expect(text((await verifyOnPage(t, { text: JSON.stringify(expired) })).html)).to.contain('La date de fin de validité est dépassée');
  });

  it('refuses a 2.0 assertion whose recipient hash was changed, and a VC-JWT re-signed with another key', async () => {
    const hosted = (await (await fetch(`${t.url}/badges/assertions/${b.awardId}`)).json()) as Json;
    (hosted.recipient as Json).identity = `sha256$${'0'.repeat(64)}`;
    expect(text((await verifyOnPage(t, { text: JSON.stringify(hosted) })).html)).to.contain('Le contenu a été modifié');
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const claims = decodeJwt(jwt);
    const forged = await new SignJWT(claims as never).setProtectedHeader({ alg: 'EdDSA', kid: 'did:web:evil#k' }).sign(privateKey);
    const page = text((await verifyOnPage(t, { text: forged })).html);
    expect(page).to.contain('Badge non valide');
    expect(page).to.match(/signature|pas été délivré par Instants/);
    const [h, , s] = jwt.split('.');
    const edited = `${h}.${Buffer.from(JSON.stringify({ ...claims, vc: { ...(claims.vc as Json), name: 'Autre' } })).toString('base64url')}.${s}`;
    expect(text((await verifyOnPage(t, { text: edited })).html)).to.contain('La signature ne correspond pas');
  });

  it('answers clearly for what is not a badge of ours: unknown assertion, other issuer, image without badge, unreadable file', async () => {
    expect(text((await verifyOnPage(t, { url: `${t.url}/badges/assertions/${crypto.randomUUID()}` })).html)).to.contain("Ce badge est inconnu d'Instants");
    expect(text((await verifyOnPage(t, { url: 'https://badges.example.org/assertions/1' })).html)).to.contain("n'a pas été délivré par Instants");
    const plain = rasterise(templateSvg('medaille', 'vert', 'Rien'));
    expect(text((await verifyOnPage(t, {}, { name: 'x.png', type: 'image/png', data: plain })).html)).to.contain("Aucun badge n'a été trouvé");
    const broken = Buffer.concat([plain.subarray(0, 40), Buffer.from('garbage')]);
    expect(text((await verifyOnPage(t, {}, { name: 'x.png', type: 'image/png', data: broken })).html)).to.contain('ne peut pas être lu');
    const foreign = bakePng(plain, 'openbadges', 'https://badges.example.org/assertions/1');
    expect(text((await verifyOnPage(t, {}, { name: 'x.png', type: 'image/png', data: foreign })).html)).to.contain("n'a pas été délivré par Instants");
  });

  it('refuses an upload over 1 MB with a 413 page and an empty form with a 400 page', async () => {
    const big = await verifyOnPage(t, {}, { name: 'big.png', type: 'image/png', data: Buffer.alloc(1024 * 1024 + 10) });
    expect(big.status).to.equal(413);
    expect(text(big.html)).to.contain('Le fichier dépasse la taille autorisée');
    const empty = await verifyOnPage(t, {});
    expect(empty.status).to.equal(400);
    expect(text(empty.html)).to.contain('Collez une adresse');
  });

  it('tells that a revoked badge is revoked, with the reason, in every form', async () => {
    const other = await earnedBadge(t, { public: true });
    const cred = await (await other.earner.browser.get(`/badges/assertions/${other.awardId}/credential.json`)).text();
    const token = await (await other.earner.browser.get(`/badges/assertions/${other.awardId}/credential.jwt`)).text();
    expect((await revokeAward(other.organiser, other.badgeId, other.awardId, 'Présence non confirmée')).status).to.equal(303);
    for (const fields of [{ text: cred }, { text: token }, { url: `${t.url}/badges/assertions/${other.awardId}` }] as Array<Record<string, string>>) {
      const page = text((await verifyOnPage(t, fields)).html);
      expect(page).to.contain('Badge non valide');
      expect(page).to.contain('Ce badge a été révoqué');
      expect(page).to.contain('Présence non confirmée');
    }
  });

  it('does not verify by address a badge its earner keeps private', async () => {
    const hidden = await earnedBadge(t, { public: false });
    expect(text((await verifyOnPage(t, { url: `${t.url}/badges/assertions/${hidden.awardId}` })).html)).to.contain("Ce badge n'est pas public");
    expect((await fetch(`${t.url}/badges/assertions/${hidden.awardId}`)).status).to.equal(404);
    expect((await fetch(`${t.url}/badges/assertions/${hidden.awardId}/credential.json`)).status).to.equal(404);
  });
});
