import { expect } from 'chai';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { createTestApp, type TestApp } from '../support/app';
import { launchAs } from '../support/lti';
import { formFrom } from '../support/lti-simulator';

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

describe('lti: deep linking', () => {
  let t: TestApp;
  const ids: string[] = [];
  before(async () => {
    t = await createTestApp();
    const day = 86400_000;
    for (const [title, inDays] of [
      ['Snapchat', 10],
      ['OpenStreetMap', 3],
      ['Passée', -3],
    ] as const) {
      const startsAt = new Date(Date.now() + inDays * day);
      const [s] = await t.database.db
        .insert(catalogSessions)
        .values({ title, tool: title, startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), status: 'published' })
        .returning({ id: catalogSessions.id });
      ids.push(s!.id);
    }
  });
  after(async () => t?.close());

  it('shows an organiser the picker of upcoming sessions, soonest first, with search', async () => {
    const { response, location, browser } = await launchAs(t, { role: 'organiser', messageType: 'LtiDeepLinkingRequest' });
    expect(location).to.equal('/lti/deep-linking');
    const html = await response.text();
    expect(html).to.contain('Ajouter des sessions au cours').and.not.to.contain('Passée');
    expect(html.indexOf('OpenStreetMap')).to.be.lessThan(html.indexOf('Snapchat'));
    const found = await (await browser.get('/lti/deep-linking?q=snap')).text();
    expect(found).to.contain('Snapchat').and.not.to.contain('OpenStreetMap');
  });

  it('returns a signed LtiDeepLinkingResponse the platform verifies, echoing data, with a lineItem per session', async () => {
    const { response, browser, simulator } = await launchAs(t, { role: 'organiser', messageType: 'LtiDeepLinkingRequest', deepLinkingData: 'opaque-42' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await response.text())![1]!;
    const empty = await browser.postForm('/lti/deep-linking', { _csrf: csrf });
    expect(empty.status).to.equal(400);
    const sent = await browser.postForm('/lti/deep-linking', { _csrf: csrf, sessions: [ids[0]!, ids[1]!] });
    expect(sent.status).to.equal(200);
    const form = formFrom((await sent.text()).replace(/<input type="hidden" name="JWT" value="([^"]*)">/, (_m, v: string) => `<input type="hidden" name="JWT" value="${decode(v)}">`));
    expect(decode(form.action)).to.equal(`${simulator.url}/deep-linking/return`);
    const back = await fetch(decode(form.action), { method: 'POST', body: new URLSearchParams({ JWT: form.fields.JWT! }) });
    expect(back.status).to.equal(200);
    const result = simulator.core.deepLinkingResults.at(-1)!;
    expect(result.ok, result.error).to.equal(true);
    expect(result.data).to.equal('opaque-42');
    expect(result.items.map((i) => i.title)).to.deep.equal(['Snapchat', 'OpenStreetMap']);
    expect(result.items[0]).to.deep.include({ type: 'ltiResourceLink', url: `${t.url}/lti`, custom: { instants_session: ids[0] } });
    expect(result.items[0]!.lineItem).to.deep.include({ scoreMaximum: 100, resourceId: ids[0] });
  });

  it('binds the Moodle activity created from an item to its session on the first launch', async () => {
    const { location } = await launchAs(t, { role: 'participant', resourceLinkId: 'dl-made', custom: { instants_session: ids[1]! } });
    expect(location).to.equal(`/sessions/${ids[1]}`);
  });

  it('refuses the picker after a resource-link launch (403) and unknown sessions (404), sending nothing', async () => {
    const { browser } = await launchAs(t, { role: 'organiser' });
    expect((await browser.get('/lti/deep-linking')).status).to.equal(403);
    const dl = await launchAs(t, { role: 'organiser', messageType: 'LtiDeepLinkingRequest' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await dl.response.text())![1]!;
    const res = await dl.browser.postForm('/lti/deep-linking', { _csrf: csrf, sessions: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).to.equal(404);
    expect(await res.text()).not.to.contain('name="JWT"');
  });
});
