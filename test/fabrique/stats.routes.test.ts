import { expect } from 'chai';
import { fabriqueMembers } from '../../src/fabrique/fabrique.tables';
import { createTestApp, type TestApp } from '../support/app';
import { idFrom, person, post, proposal, type Person } from './helpers';

describe('fabrique: the committee dashboard over HTTP', () => {
  let t: TestApp;
  let admin: Person;
  before(async () => {
    t = await createTestApp();
    admin = await person(t, { role: 'organiser', isAdmin: true });
  });
  after(async () => t.close());

  const cellsOf = (html: string) => [...html.matchAll(/<tr><th scope="row">([^<]+)<\/th><td>([^<]+)<\/td><td>([^<]+)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[3]]);

  it('shows projects by phase, decisions and the share from needs, and never a group of fewer than 5 people nor what would tell it', async () => {
    const proposer = await person(t);
    const fromNeed = idFrom((await post(proposer.browser, '/fabrique/proposals/new', proposal({ title: 'Depuis un besoin', needType: 'tool', needLabel: 'Tchap', needKey: 'tchap' }))).headers.get('location'));
    await post(proposer.browser, '/fabrique/proposals/new', proposal({ title: 'Sans besoin' }));
    await post(admin.browser, `/fabrique/projects/${fromNeed}/decision`, { decision: 'select', reason: 'Oui', version: '1' }, `/fabrique/projects/${fromNeed}`);
    const add = async (service: string, hours: number) => {
      const p = await person(t, { service });
      await t.database.db.insert(fabriqueMembers).values({ projectId: fromNeed, userRef: p.userId, role: 'member', status: 'accepted', hoursCommitted: hours, invitedAt: t.clock.now() });
    };
    for (let i = 0; i < 6; i++) await add('DANE', 10);
    for (let i = 0; i < 2; i++) await add('DSI', 3);

    const res = await admin.browser.get('/fabrique/committee/dashboard');
    expect(res.status).to.equal(200);
    const html = await res.text();
    expect(html).to.contain('Issus d&#x27;un besoin émergent').and.to.contain('1 (50 %)');
    const rows = cellsOf(html);
    const dsi = rows.find((r) => r[0] === 'DSI')!;
    expect(dsi.slice(1)).to.deep.equal(['masqué', 'masqué']);
    // 8 people in all and 6 in the DANE would tell the DSI's 2: one of them is hidden too.
    const dane = rows.find((r) => r[0] === 'DANE')!;
    const total = /Personnes mobilisées<\/th><td>([^<]+)</.exec(html)![1];
    expect([dane[1], total]).to.include('masqué');
    const services = html.slice(html.indexOf('id="h-services"'));
    expect(services).not.to.contain('<td>2</td>').and.not.to.contain('<td>6</td>');
  });

  it('refuses the dashboard to anyone outside the committee (403)', async () => {
    const colleague = await person(t, { role: 'organiser' });
    expect((await colleague.browser.get('/fabrique/committee/dashboard')).status).to.equal(403);
  });
});
