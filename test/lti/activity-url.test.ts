import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { activityUrlOf } from '../../src/lti/activity-url';
import { createTestApp, type TestApp } from '../support/app';
import { launchAs } from '../support/lti';
import { SIMULATOR_ISSUER } from '../support/lti-simulator';

const TOOL_PLATFORM = 'https://purl.imsglobal.org/spec/lti/claim/tool_platform';

/** Where a resource link's activity opens on its platform (Moodle: mod/lti/view.php?l=<resource link id>). */
describe('lti: activity address of a resource link', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => t.close());

  async function activityUrl(resourceLinkId: string): Promise<unknown> {
    const { rows } = (await t.database.db.execute(sql`select activity_url from lti_resource_links where resource_link_id = ${resourceLinkId}`)) as unknown as { rows: Array<{ activity_url: unknown }> };
    return rows[0]?.activity_url;
  }

  it("records Moodle's view.php address of the activity from a Moodle launch (tool_platform moodle)", async () => {
    const id = String(Math.floor(Math.random() * 1e9));
    await launchAs(t, { resourceLinkId: id });
    expect(await activityUrl(id)).to.equal(`${SIMULATOR_ISSUER}/mod/lti/view.php?l=${id}`);
  });

  it('records no address for another platform, nor for a malformed tool_platform claim, and still accepts the launch', async () => {
    const other = String(Math.floor(Math.random() * 1e9));
    const canvas = await launchAs(t, {
      resourceLinkId: other,
      tamper: ({ payload, sign }) => sign({ ...payload, [TOOL_PLATFORM]: { guid: 'x', product_family_code: 'canvas' } }),
    });
    expect(canvas.location).to.match(/^\/lti\/not-ready|^\/sessions\//);
    expect(await activityUrl(other)).to.equal(null);
    const odd = String(Math.floor(Math.random() * 1e9));
    await launchAs(t, { resourceLinkId: odd, tamper: ({ payload, sign }) => sign({ ...payload, [TOOL_PLATFORM]: 'moodle' }) });
    expect(await activityUrl(odd)).to.equal(null);
  });

  it('escapes the resource link id and keeps a Moodle installed under a path', () => {
    expect(activityUrlOf({ issuer: 'https://moodle.ac-dijon.fr/moodle/', platformFamily: 'moodle', resourceLink: { id: '12 &x', title: null } })).to.equal(
      'https://moodle.ac-dijon.fr/moodle/mod/lti/view.php?l=12%20%26x',
    );
    expect(activityUrlOf({ issuer: 'javascript:alert(1)', platformFamily: 'moodle', resourceLink: { id: '1', title: null } })).to.equal(null);
    expect(activityUrlOf({ issuer: 'https://moodle.ac-dijon.fr', platformFamily: 'moodle', resourceLink: null })).to.equal(null);
  });

  it("teaches the simulator Moodle's view.php: signed out it goes to the login page and back; an unknown activity is a 404", async () => {
    const { simulator } = await launchAs(t, {});
    const signedOut = await fetch(`${simulator.url}/mod/lti/view.php?l=999`, { redirect: 'manual' });
    expect(signedOut.status).to.equal(303);
    expect(signedOut.headers.get('location')).to.equal(`/login/index.php?wantsurl=${encodeURIComponent('/mod/lti/view.php?l=999')}`);
    simulator.moodle.addUser('dominique', { role: 'participant' });
    const login = await fetch(`${simulator.url}/login/index.php`, { method: 'POST', body: new URLSearchParams({ username: 'dominique', password: 'x', wantsurl: '/mod/lti/view.php?l=999' }), redirect: 'manual' });
    expect(login.status).to.equal(303);
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    expect((await fetch(`${simulator.url}/mod/lti/view.php?l=999`, { headers: { cookie }, redirect: 'manual' })).status).to.equal(404);
  });
});
