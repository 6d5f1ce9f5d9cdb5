import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { ltiUsers } from '../../src/lti/lti.tables';
import { peopleChoices, peopleImports, peopleProfiles } from '../../src/people/people.tables';
import { pseudonymOf } from '../../src/xapi';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { csrfTokenFrom, type Browser } from '../support/http';
import { launchAs } from '../support/lti';

const userRow = async (t: TestApp, id: string) => (await t.database.db.select().from(ltiUsers).where(eq(ltiUsers.id, id)))[0]!;
const choiceId = async (t: TestApp, label: string) => (await t.database.db.select().from(peopleChoices).where(eq(peopleChoices.label, label)))[0]!.id;

async function upload(browser: Browser, csv: string) {
  const page = await (await browser.get('/admin/people')).text();
  const form = new FormData();
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'rh.csv');
  return browser.request(`/admin/people/import?_csrf=${encodeURIComponent(csrfTokenFrom(page))}`, { method: 'POST', body: form });
}

describe('people: service and job family', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: Browser;
  before(async () => {
    t = await createTestApp();
    admin = (await signIn(t, { role: 'organiser', isAdmin: true })).browser;
    const csrf = csrfTokenFrom(await (await admin.get('/admin/people')).text());
    for (const [kind, label] of <Array<[string, string]>>[
      ['service', 'DANE'],
      ['service', 'DSDEN 21 – DIVEL'],
      ['service', 'DSI'],
      ['job_family', 'Administratif'],
      ['job_family', 'Enseignement'],
    ])
      expect((await admin.postForm('/admin/people/choices', { _csrf: csrf, kind, label })).status).to.equal(303);
  });
  after(async () => t?.close());

  it('asks at the first launch, on one screen, and sends the person on to the session after saving', async () => {
    const { location, response, browser } = await launchAs(t, { role: 'participant', sub: 'first-1' });
    expect(location).to.equal('/me/profile');
    const html = await response.text();
    expect(html).to.contain('Votre service').and.to.contain('Votre famille de métiers').and.to.contain('Je préfère ne pas répondre').and.to.contain('uniquement');
    const saved = await browser.postForm('/me/profile', { _csrf: csrfTokenFrom(html), service: await choiceId(t, 'DSI'), job_family: 'declined', action: 'save', next: '/lti/not-ready' });
    expect([saved.status, saved.headers.get('location')]).to.deep.equal([303, '/lti/not-ready']);
    const [user] = await t.database.db.select().from(ltiUsers).where(eq(ltiUsers.sub, 'first-1'));
    expect(user).to.include({ service: 'DSI', jobFamily: null });
    const again = await launchAs(t, { role: 'participant', sub: 'first-1' });
    expect(again.location, 'asked once').to.equal('/lti/not-ready');
  });

  it('lets a person skip the screen, which is not shown again, and edit it later', async () => {
    const { response, browser } = await launchAs(t, { role: 'participant', sub: 'skip-1' });
    const skipped = await browser.postForm('/me/profile', { _csrf: csrfTokenFrom(await response.text()), action: 'skip', next: '/lti/not-ready' });
    expect(skipped.headers.get('location')).to.equal('/lti/not-ready');
    const [row] = await t.database.db.select().from(peopleProfiles).innerJoin(ltiUsers, eq(ltiUsers.id, peopleProfiles.userRef)).where(eq(ltiUsers.sub, 'skip-1'));
    expect(row!.people_profiles.status).to.equal('skipped');
    expect((await launchAs(t, { role: 'participant', sub: 'skip-1', browser })).location).to.equal('/lti/not-ready');
    const page = await (await browser.get('/me/profile')).text();
    const edited = await browser.postForm('/me/profile', { _csrf: csrfTokenFrom(page), service: await choiceId(t, 'DANE'), job_family: await choiceId(t, 'Enseignement'), action: 'save' });
    expect(edited.headers.get('location')).to.equal('/me/profile?saved=1');
    const shown = await (await browser.get('/me/profile?saved=1')).text();
    expect(shown).to.contain('Vos réponses sont enregistrées').and.to.match(/id="effective-service">DANE</);
  });

  it('refuses a choice that is not in the lists with 400 and changes nothing', async () => {
    const { browser, userId } = await signIn(t, { sub: 'bad-choice' });
    const page = await (await browser.get('/me/profile')).text();
    const res = await browser.postForm('/me/profile', { _csrf: csrfTokenFrom(page), service: '00000000-0000-4000-8000-000000000000', action: 'save' });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.contain("plus dans la liste");
    expect(await t.database.db.select().from(peopleProfiles).where(eq(peopleProfiles.userRef, userId))).to.deep.equal([]);
    const offsite = await browser.postForm('/me/profile', { _csrf: csrfTokenFrom(page), action: 'skip', next: '//evil.example/x' });
    expect(offsite.headers.get('location'), 'never an off-site redirect').to.equal('/me/profile?saved=1');
  });

  it('puts what people declare before the custom parameters, and the custom parameters after a decline', async () => {
    const a = await launchAs(t, { role: 'participant', sub: 'custom-1', custom: { service: 'DSDEN 89' } });
    const page = await a.response.text();
    await a.browser.postForm('/me/profile', { _csrf: csrfTokenFrom(page), service: await choiceId(t, 'DANE'), job_family: '', action: 'save' });
    const [declared] = await t.database.db.select().from(ltiUsers).where(eq(ltiUsers.sub, 'custom-1'));
    expect(declared!.service).to.equal('DANE');
    await launchAs(t, { role: 'participant', sub: 'custom-1', custom: { service: 'DSDEN 89' }, browser: a.browser });
    expect((await userRow(t, declared!.id)).service, 'a later launch does not override').to.equal('DANE');
    const csrf = csrfTokenFrom(await (await a.browser.get('/me/profile')).text());
    await a.browser.postForm('/me/profile', { _csrf: csrf, service: 'declined', job_family: '', action: 'save' });
    expect((await userRow(t, declared!.id)).service).to.equal('DSDEN 89');
  });

  it('imports a CSV by e-mail and by pseudonym, declared values first, and counts people without a service', async () => {
    const byMail = await signIn(t, { sub: 'hr-1', email: 'Claude.Petit@ac-dijon.fr' });
    const byKey = await signIn(t, { sub: 'hr-2' });
    const declaredOne = await signIn(t, { sub: 'hr-3', email: 'dominique@ac-dijon.fr' });
    const csrf = csrfTokenFrom(await (await declaredOne.browser.get('/me/profile')).text());
    await declaredOne.browser.postForm('/me/profile', { _csrf: csrf, service: await choiceId(t, 'DSI'), action: 'save' });
    const mail = await upload(admin, 'Courriel;Service;Famille de métiers\nclaude.petit@ac-dijon.fr;DANE;Administratif\ndominique@ac-dijon.fr;DANE;\nlater@ac-dijon.fr;DSI;Enseignement\n');
    expect(mail.status, await mail.clone().text()).to.equal(303);
    expect(await userRow(t, byMail.userId)).to.include({ service: 'DANE', jobFamily: 'Administratif' });
    expect((await userRow(t, declaredOne.userId)).service, 'declared first').to.equal('DSI');
    const key = pseudonymOf(TEST_SECRETS.pseudonymKey, byKey.issuer, byKey.sub);
    expect((await upload(admin, `pseudonyme,service\n${key},DSDEN 21 – DIVEL\n`)).status).to.equal(303);
    expect((await userRow(t, byKey.userId)).service).to.equal('DSDEN 21 – DIVEL');
    const later = await launchAs(t, { role: 'participant', sub: 'hr-later', email: 'later@ac-dijon.fr' });
    const [laterUser] = await t.database.db.select().from(ltiUsers).where(eq(ltiUsers.sub, 'hr-later'));
    expect(laterUser, later.location).to.include({ service: 'DSI', jobFamily: 'Enseignement' });
    expect(await (await admin.get('/admin/people')).text()).to.match(/\d+ personnes? sur \d+ n/);
  });

  it('lists every bad row with its line number and imports nothing when any row is bad', async () => {
    const before = await t.database.db.select().from(peopleImports);
    const res = await upload(admin, 'email;service;famille\nok@ac-dijon.fr;DANE;Administratif\npas-une-adresse;DANE;\nok@ac-dijon.fr;DSI;\nautre@ac-dijon.fr;Service inconnu;\nvide@ac-dijon.fr;;\n');
    const html = await res.text();
    expect(res.status).to.equal(400);
    expect(html).to.contain('Rien n&#x27;a été importé');
    for (const line of ['Ligne 3', 'Ligne 4', 'Ligne 5', 'Ligne 6']) expect(html, line).to.contain(line);
    expect(await t.database.db.select().from(peopleImports)).to.have.length(before.length);
    for (const bad of ['nom;prenom\na;b\n', 'email;service\n', '', 'email;service\n"cassé@ac-dijon.fr;DANE\n', 'email;service\na\u0000@b.fr;DANE\n']) {
      const r = await upload(admin, bad);
      expect(r.status, JSON.stringify(bad)).to.equal(400);
    }
    expect(await t.database.db.select().from(peopleImports)).to.have.length(before.length);
  });

  it('keeps the lists and the import to administrators', async () => {
    const { browser } = await signIn(t, { role: 'organiser' });
    expect((await browser.get('/admin/people')).status).to.equal(403);
    const csrf = csrfTokenFrom(await (await browser.get('/me/profile')).text());
    const before = await t.database.db.select().from(peopleChoices);
    expect((await browser.postForm('/admin/people/choices', { _csrf: csrf, kind: 'service', label: 'Intrus' })).status).to.equal(403);
    expect(await t.database.db.select().from(peopleChoices)).to.have.length(before.length);
  });
});
