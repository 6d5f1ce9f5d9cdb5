import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { catalogSessions } from '../../src/catalog/catalog.tables';
import { createTestApp, type TestApp } from '../support/app';
import { withPage } from '../support/browser';
import { simulatorFor } from '../support/lti';

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

describe('lti: launch inside a Moodle-like iframe in chromium', function () {
  this.timeout(120_000);
  let t: TestApp;
  let sessionId: string;
  before(async () => {
    t = await createTestApp();
    const startsAt = new Date(Date.now() + 2 * 86400_000);
    const [s] = await t.database.db
      .insert(catalogSessions)
      .values({ title: 'Découvrir OpenStreetMap', tool: 'OpenStreetMap', startsAt, endsAt: new Date(startsAt.getTime() + 3600_000), status: 'published', place: 'Hall du rectorat' })
      .returning({ id: catalogSessions.id });
    sessionId = s!.id;
  });
  after(async () => t?.close());

  it('launches from a course page on another origin through the iframe and renders the session page', async () => {
    const simulator = await simulatorFor(t);
    const course = simulator.coursePageUrl({ role: 'participant', custom: { instants_session: sessionId }, locale: 'fr' });
    expect(new URL(course).origin).not.to.equal(new URL(t.url).origin);
    await withPage(t, async (page) => {
      await page.goto(course);
      const frame = page.frameLocator('iframe#tool');
      await frame.locator('h1').first().waitFor({ timeout: 30_000 });
      const inner = page.frames().find((f) => f.url().startsWith(t.url));
      expect(inner, 'the iframe shows Instants').to.not.equal(undefined);
      expect(new URL(inner!.url()).pathname).to.equal(`/sessions/${sessionId}`);
      expect(await frame.locator('body').innerText()).to.contain('Découvrir OpenStreetMap');
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'lti-launch-iframe.png'), fullPage: true });
    });
  });

  it('launches an organiser of an unbound link to the binding page inside the iframe', async () => {
    const simulator = await simulatorFor(t);
    await withPage(t, async (page) => {
      await page.goto(simulator.coursePageUrl({ role: 'organiser' }));
      const frame = page.frameLocator('iframe#tool');
      await frame.getByRole('heading', { name: 'Relier cette activité à une session' }).waitFor({ timeout: 30_000 });
      expect(await frame.locator('body').innerText()).to.contain('Découvrir OpenStreetMap');
    });
  });
});
