import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { fabriqueDeliverables, fabriqueMembers, fabriqueProfiles, fabriqueProfileSkills, fabriqueProjects } from '../../src/fabrique/fabrique.tables';
import { lrsStatements } from '../../src/lrs/lrs.tables';
import { ltiUsers } from '../../src/lti/lti.tables';
import { createTestApp, type TestApp } from '../support/app';
import { launchAs } from '../support/lti';
import { framing, idFrom, inDirectory, person, post, proposal, type Person } from './helpers';

const YEAR = 365 * 86_400_000;

describe('fabrique: the directory of resource persons and teams over HTTP', () => {
  let t: TestApp;
  let admin: Person;
  let projectId: string;
  before(async () => {
    t = await createTestApp();
    admin = await person(t, { role: 'organiser', isAdmin: true, name: 'Dominique Recteur' });
    const proposer = await person(t, { name: 'Paule Proposante' });
    projectId = idFrom((await post(proposer.browser, '/fabrique/proposals/new', proposal({ title: 'Projet à staffer' }))).headers.get('location'));
    await post(admin.browser, `/fabrique/projects/${projectId}/decision`, { decision: 'select', reason: 'Oui', version: '1' }, `/fabrique/projects/${projectId}`);
  });
  after(async () => t.close());

  const search = async (p: Person, q: string) => (await p.browser.get(`/fabrique/directory?${q}`)).text();
  const membership = async (userId: string) => (await t.database.db.select().from(fabriqueMembers).where(eq(fabriqueMembers.userRef, userId)))[0];

  it('saves a person\'s entry with consent, skills and tools, and finds them by competence and by tool, never showing their e-mail', async () => {
    const p = await person(t, { name: 'Jeanne Ressource', email: 'jeanne.ressource@ac-dijon.fr', service: 'DSDEN 21' });
    const form = await (await p.browser.get('/fabrique/me/directory')).text();
    expect(form).to.contain('Vous n&#x27;êtes pas dans l&#x27;annuaire.');
    const res = await post(p.browser, '/fabrique/me/directory', { optIn: '1', tools: 'Tchap, Peertube', description: 'Podcasts et vidéo', 'skill:crcn:3.2': '6', 'skill:crcn:2.3': '0', version: '0' }, '/fabrique/me/directory');
    expect(res.status).to.equal(303);
    const skills = await t.database.db.select().from(fabriqueProfileSkills).where(eq(fabriqueProfileSkills.userRef, p.userId));
    expect(skills.map((s) => [s.code, s.level])).to.deep.equal([['3.2', 6]]);
    const byCompetence = await search(admin, 'competence=crcn%3A3.2');
    expect(byCompetence).to.contain('Jeanne Ressource').and.to.contain('DSDEN 21').and.not.to.contain('jeanne.ressource@ac-dijon.fr');
    expect(await search(admin, 'tool=tchap')).to.contain('Jeanne Ressource');
    expect(await search(admin, 'tool=moodle')).not.to.contain('Jeanne Ressource');
  });

  it('detects two tabs saving the same entry (409), keeping what the second typed and the first one\'s save', async () => {
    const p = await person(t, { name: 'Deux Onglets' });
    const first = await post(p.browser, '/fabrique/me/directory', { optIn: '1', tools: 'Premier', version: '0' }, '/fabrique/me/directory');
    expect(first.status).to.equal(303);
    const second = await post(p.browser, '/fabrique/me/directory', { optIn: '1', tools: 'Second', version: '0' }, '/fabrique/me/directory');
    expect(second.status).to.equal(409);
    expect(await second.text()).to.contain('value="Second"').and.to.contain('name="version" value="1"');
    const [row] = await t.database.db.select().from(fabriqueProfiles).where(eq(fabriqueProfiles.userRef, p.userId));
    expect(row!.tools).to.deep.equal(['Premier']);
  });

  it('removes a person from searches at once when they withdraw consent, and never shows someone who did not opt in', async () => {
    const p = await person(t, { name: 'Retrait Immédiat' });
    await inDirectory(t, p.userId, { tools: ['Retraitool'] });
    const never = await person(t, { name: 'Jamais Inscrite' });
    await inDirectory(t, never.userId, { tools: ['Retraitool'], optedIn: false });
    expect(await search(admin, 'tool=Retraitool')).to.contain('Retrait Immédiat').and.not.to.contain('Jamais Inscrite');
    expect((await post(p.browser, '/fabrique/me/directory/consent', { consent: 'withdraw' }, '/fabrique/me/directory')).status).to.equal(303);
    expect(await search(admin, 'tool=Retraitool')).not.to.contain('Retrait Immédiat');
    const [row] = await t.database.db.select().from(fabriqueProfiles).where(eq(fabriqueProfiles.userRef, p.userId));
    expect(row).to.include({ optedIn: false, confirmedAt: null });
  });

  it('hides an entry whose consent is more than a year old, and shows the reminder at the next Moodle launch', async () => {
    const sub = `old-${Date.now()}`;
    await launchAs(t, { sub, name: 'Ancien Accord' } as Parameters<typeof launchAs>[1]);
    const userId = (await t.database.db.select({ id: ltiUsers.id }).from(ltiUsers).where(eq(ltiUsers.sub, sub)))[0]!.id;
    await inDirectory(t, userId, { tools: ['Vieiloutil'], confirmedAt: new Date(t.clock.now().getTime() - YEAR - 86_400_000) });
    expect(await search(admin, 'tool=Vieiloutil')).not.to.contain('Ancien Accord');
    const again = await launchAs(t, { sub, name: 'Ancien Accord' } as Parameters<typeof launchAs>[1]);
    expect(again.location).to.equal('/fabrique/reminder');
    const page = await again.response.text();
    expect(page).to.contain('date de plus d&#x27;un an');
    const confirmed = await post(again.browser, '/fabrique/me/directory/consent', { consent: 'confirm', to: '/lti/not-ready' }, '/fabrique/reminder?to=/');
    expect(confirmed.status).to.equal(303);
    expect(await search(admin, 'tool=Vieiloutil')).to.contain('Ancien Accord');
  });

  it('answers bad input with a clear 400 and changes nothing: a level of 9, an unknown competence, a consent that is neither, a role that does not exist, negative hours', async () => {
    const p = await person(t, { name: 'Saisie Fausse' });
    const level = await post(p.browser, '/fabrique/me/directory', { optIn: '1', 'skill:crcn:3.2': '9', version: '0' }, '/fabrique/me/directory');
    expect(level.status).to.equal(400);
    expect(await level.text()).to.contain('id="skills-error"');
    const unknown = await post(p.browser, '/fabrique/me/directory', { optIn: '1', 'skill:crcn:9.9': '3', version: '0' }, '/fabrique/me/directory');
    expect(unknown.status).to.equal(400);
    expect(await t.database.db.select().from(fabriqueProfiles).where(eq(fabriqueProfiles.userRef, p.userId))).to.deep.equal([]);
    expect((await post(p.browser, '/fabrique/me/directory/consent', { consent: 'peut-être' })).status).to.equal(400);
    const volunteer = await person(t);
    await inDirectory(t, volunteer.userId);
    const role = await post(admin.browser, '/fabrique/directory/invite', { projectId, userId: volunteer.userId, role: 'chef', timeAsked: 'une semaine' });
    expect(role.status).to.equal(400);
    expect(await membership(volunteer.userId)).to.equal(undefined);
    await post(admin.browser, '/fabrique/directory/invite', { projectId, userId: volunteer.userId, role: 'member', timeAsked: 'une semaine' });
    const negative = await post(volunteer.browser, `/fabrique/invitations/${(await membership(volunteer.userId))!.id}`, { response: 'accept', hours: '-3' });
    expect(negative.status).to.equal(400);
    expect((await membership(volunteer.userId))!.status).to.equal('invited');
  });

  it('refuses the directory to a colleague who is neither on the committee nor a facilitator (403)', async () => {
    const colleague = await person(t, { role: 'organiser' });
    const res = await colleague.browser.get('/fabrique/directory?tool=tchap');
    expect(res.status).to.equal(403);
    expect(await res.text()).to.contain('L&#x27;annuaire est réservé');
  });

  it('invites consenting people only; the invited person accepts with hours or declines; the board shows only who accepted and agreed', async () => {
    const yes = await person(t, { name: 'Oui Volontaire', givenName: 'Oui', service: 'DANE' });
    const no = await person(t, { name: 'Non Merci', givenName: 'Non', service: 'DSI' });
    const stranger = await person(t, { name: 'Pas Inscrit' });
    await inDirectory(t, yes.userId, { tools: ['Radio'] });
    await inDirectory(t, no.userId, { tools: ['Radio'] });
    const invite = (userId: string) => post(admin.browser, '/fabrique/directory/invite', { projectId, userId, role: 'member', timeAsked: 'un jour par semaine', message: 'Bienvenue' }, '/fabrique/directory?tool=Radio');
    expect((await invite(yes.userId)).status).to.equal(303);
    expect((await invite(no.userId)).status).to.equal(303);
    const refused = await invite(stranger.userId);
    expect(refused.status).to.equal(400);
    expect(await membership(stranger.userId)).to.equal(undefined);
    expect((await invite(yes.userId)).status).to.equal(409);

    const mine = await (await yes.browser.get('/fabrique/me/teams')).text();
    expect(mine).to.contain('Projet à staffer').and.to.contain('un jour par semaine');
    const yesId = (await membership(yes.userId))!.id;
    const noHours = await post(yes.browser, `/fabrique/invitations/${yesId}`, { response: 'accept', hours: '' }, '/fabrique/me/teams');
    expect(noHours.status).to.equal(400);
    expect((await membership(yes.userId))!.status).to.equal('invited');
    expect((await post(yes.browser, `/fabrique/invitations/${yesId}`, { response: 'accept', hours: '12,5', shownOnBoard: '1' }, '/fabrique/me/teams')).status).to.equal(303);
    expect(await membership(yes.userId)).to.include({ status: 'accepted', hoursCommitted: 12.5, shownOnBoard: true });
    const noId = (await membership(no.userId))!.id;
    expect((await post(no.browser, `/fabrique/invitations/${noId}`, { response: 'decline' }, '/fabrique/me/teams')).status).to.equal(303);
    // Someone else's invitation does not exist for them.
    expect((await post(no.browser, `/fabrique/invitations/${yesId}/leave`, {})).status).to.equal(404);

    const board = await (await no.browser.get('/fabrique/board')).text();
    expect(board).to.contain('Projet à staffer').and.to.contain('Oui (DANE)').and.not.to.contain('Non (DSI)').and.not.to.contain('Volontaire');
    const verbs = (await t.database.db.select({ v: lrsStatements.verbId }).from(lrsStatements)).map((s) => s.v);
    expect(verbs).to.include('http://activitystrea.ms/schema/1.0/join');
  });

  it('shows hours committed to the person and the committee only, and lets the facilitator staff and deliver', async () => {
    const facilitator = await person(t, { name: 'Fanny Facilitatrice', givenName: 'Fanny' });
    const member = await person(t, { name: 'Max Membre' });
    await inDirectory(t, facilitator.userId, { tools: ['Agile'] });
    await inDirectory(t, member.userId, { tools: ['Agile'] });
    const version = (await t.database.db.select().from(fabriqueProjects).where(eq(fabriqueProjects.id, projectId)))[0]!.version;
    expect((await post(admin.browser, `/fabrique/projects/${projectId}/framing`, framing(version, { facilitatorId: facilitator.userId }), `/fabrique/projects/${projectId}/framing`)).status).to.equal(303);
    const fid = (await membership(facilitator.userId))!;
    expect(fid).to.include({ role: 'facilitator', status: 'invited' });
    await post(facilitator.browser, `/fabrique/invitations/${fid.id}`, { response: 'accept', hours: '20' }, '/fabrique/me/teams');
    expect(await search(facilitator, 'tool=Agile')).to.contain('Max Membre');
    expect((await post(facilitator.browser, '/fabrique/directory/invite', { projectId, userId: member.userId, role: 'member', timeAsked: 'une semaine' }, '/fabrique/directory?tool=Agile')).status).to.equal(303);
    await post(member.browser, `/fabrique/invitations/${(await membership(member.userId))!.id}`, { response: 'accept', hours: '7' }, '/fabrique/me/teams');

    const asMember = await (await member.browser.get(`/fabrique/projects/${projectId}/team`)).text();
    expect(asMember).to.contain('Fanny Facilitatrice').and.to.contain('>7<').and.not.to.contain('>20<');
    const asAdmin = await (await admin.browser.get(`/fabrique/projects/${projectId}/team`)).text();
    expect(asAdmin).to.contain('>20<').and.to.contain('>7<');
    const outsider = await person(t);
    expect((await outsider.browser.get(`/fabrique/projects/${projectId}/team`)).status).to.equal(404);

    const [deliverable] = await t.database.db.select({ id: fabriqueDeliverables.id }).from(fabriqueDeliverables).where(eq(fabriqueDeliverables.projectId, projectId)).orderBy(fabriqueDeliverables.position).limit(1);
    expect((await post(member.browser, `/fabrique/projects/${projectId}/deliverables/${deliverable!.id}`, { status: 'delivered' }, `/fabrique/projects/${projectId}/team`)).status).to.equal(403);
    expect((await post(facilitator.browser, `/fabrique/projects/${projectId}/deliverables/${deliverable!.id}`, { status: 'delivered' }, `/fabrique/projects/${projectId}/team`)).status).to.equal(303);
    expect((await post(member.browser, `/fabrique/projects/${projectId}/team/progress`, { body: 'Première émission enregistrée' }, `/fabrique/projects/${projectId}/team`)).status).to.equal(303);
    const page = await (await facilitator.browser.get(`/fabrique/projects/${projectId}/team`)).text();
    expect(page).to.contain('Première émission enregistrée');
    const verbs = (await t.database.db.select({ v: lrsStatements.verbId, o: lrsStatements.objectActivityId }).from(lrsStatements)).filter((s) => s.o?.includes('/deliverables/'));
    expect(verbs.map((s) => s.v)).to.deep.equal(['http://adlnet.gov/expapi/verbs/completed']);
  });
});
