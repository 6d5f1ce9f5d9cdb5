import { expect } from 'chai';
import type { Browser as PwBrowser, Frame, Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { launchChromium } from '../support/browser';

/**
 * The demo's journeys in chromium, as a newcomer would take them from /demo, with the activity in the course
 * page's frame (Moodle's default) and in a page of its own: the organiser creates a session with the quiz
 * editor and publishes it, it is in the catalogue; two participants complete it; the organiser sees the
 * grades Moodle received and the course's roster (NRPS); the site administrator sees the same grades and the
 * demo's gradebook lists them.
 */

type Display = 'frame' | 'window';

describe('lti: the demo journeys in chromium (organiser, participants, grades and roster)', function () {
  this.timeout(240_000);
  let t: TestApp;
  let chromium: PwBrowser;
  before(async () => {
    t = await createTestApp({ env: { DEMO: 'true' } });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await t?.close();
  });

  /** A fresh browser (no cookies) on /demo, launching as `persona`; returns the frame Instants is in. */
  async function launch(persona: string, display: Display, sessionId?: string): Promise<{ page: Page; tool: Frame; close: () => Promise<void> }> {
    const context = await chromium.newContext({ locale: 'fr-FR', baseURL: t.url });
    await context.route(/^(?!https?:\/\/(127\.0\.0\.1|localhost)[:/])/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto('/demo');
    await page.locator(`#demo-persona-${persona}`).check();
    if (sessionId) await page.locator('#demo-session').selectOption(sessionId);
    await page.locator(`#demo-display-${display}`).check();
    await page.getByRole('button', { name: "Ouvrir l'activité" }).click();
    let tool: Frame;
    if (display === 'frame') {
      await page.locator('iframe#demo-tool').waitFor();
      const handle = await page.locator('iframe#demo-tool').elementHandle();
      tool = (await handle!.contentFrame())!;
      await tool.waitForURL((u) => !u.pathname.startsWith('/demo') && !u.pathname.startsWith('/lti/login') && u.pathname !== '/lti', { timeout: 30_000 });
    } else {
      await page.waitForURL((u) => !u.pathname.startsWith('/demo') && !u.pathname.startsWith('/lti/login') && u.pathname !== '/lti', { timeout: 30_000 });
      tool = page.mainFrame();
    }
    await tool.waitForLoadState();
    // Instants knows where it is shown: without brand or footer inside the course page's frame.
    expect(await tool.locator('html').getAttribute('class'), `${persona} ${display}`).to.equal(display === 'frame' ? 'in-frame' : null);
    return { page, tool, close: () => context.close() };
  }

  async function journey(display: Display, title: string): Promise<void> {
    // The organiser creates the session with the quiz editor and publishes it.
    const organiser = await launch('dominique', display);
    const o = organiser.tool;
    if (display === 'frame') expect(organiser.page.url()).to.contain('/demo/launch');
    await o.goto(`${t.url}/organiser/sessions/new`);
    await o.getByRole('textbox', { name: 'Titre', exact: true }).fill(title);
    await o.getByLabel('Outil découvert').fill('OpenStreetMap');
    await o.getByLabel('Date').fill('2030-01-10');
    await o.getByLabel('Heure de début').fill('12:15');
    await o.getByLabel('Heure de fin').fill('13:00');
    await o.getByLabel('Lieu').fill('Hall du rectorat');
    await o.getByLabel('2.3 Collaborer').check();
    await o.getByRole('button', { name: 'Créer la session' }).click();
    await o.getByText('La session a été créée en brouillon.').waitFor();
    const sessionId = /\/organiser\/sessions\/([0-9a-f-]{36})/.exec(o.url())![1]!;
    await o.getByRole('button', { name: 'Publier' }).click();
    await o.getByText('La session est publiée').waitFor();
    await o.getByRole('link', { name: 'Activités', exact: true }).click();
    await o.waitForURL('**/activities');
    await o.locator('#quiz_enabled').check();
    await o.locator('#quiz_required').check();
    await o.getByRole('button', { name: 'Ajouter une question' }).click();
    await o.locator('#q0-text').fill('Qui peut modifier OpenStreetMap ?');
    await o.locator('#q0-c0-text').fill('Tout le monde');
    await o.locator('#q0-c0-correct').check();
    await o.locator('#q0-c1-text').fill('Personne');
    await o.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await o.getByText('Activités enregistrées.').waitFor();
    await o.goto(`${t.url}/catalogue`);
    await o.getByRole('heading', { name: title }).waitFor();
    await organiser.close();

    // Two participants open the activity linked to it and complete it (the quiz is required).
    for (const persona of ['camille', 'alex']) {
      const p = await launch(persona, display, sessionId);
      expect(new URL(p.tool.url()).pathname).to.equal(`/sessions/${sessionId}`);
      await p.tool.goto(`${t.url}/sessions/${sessionId}/quiz`);
      const q = p.tool.locator('[id^="question-"]').first();
      await q.getByLabel('Tout le monde').check();
      const certainty = q.getByLabel(/degré de certitude/);
      if (await certainty.count()) await certainty.selectOption('4');
      await q.getByRole('button').click();
      await p.tool.getByText('Score : 1 sur 1.').waitFor();
      await p.tool.goto(`${t.url}/sessions/${sessionId}`);
      await p.tool.getByText(/Session terminée le/).waitFor();
      await p.close();
    }
    // The outbox delivers the grades to the demo Moodle's gradebook (AGS).
    await t.instants.jobs.runOnce('outbox');

    // The organiser, from the activity linked to the session: grades received by Moodle, the course's roster.
    const back = await launch('dominique', display, sessionId);
    expect(new URL(back.tool.url()).pathname).to.equal(`/organiser/sessions/${sessionId}`);
    await back.tool.goto(`${t.url}/organiser/sessions/${sessionId}/grades`);
    expect(await back.tool.locator('[data-count="delivered"]').textContent()).to.equal('2');
    expect(await back.tool.locator('[data-count="refused"]').textContent()).to.equal('0');
    await back.tool.goto(`${t.url}/organiser/sessions/${sessionId}/roster`);
    const roster = await back.tool.locator('body').innerText();
    for (const name of ['Camille Martin', 'Alex Bernard', 'Sacha Petit', 'Dominique Garnier']) expect(roster).to.contain(name);
    const row = async (name: string) => back.tool.locator('tr', { has: back.tool.getByRole('rowheader', { name }) }).innerText();
    expect(await row('Camille Martin')).to.match(/Oui[\s\S]*Oui/);
    expect(await row('Sacha Petit')).not.to.contain('Oui');
    await back.close();

    // The site administrator (not enrolled in the course) manages every session: the same grades.
    const admin = await launch('morgan', display, sessionId);
    expect(new URL(admin.tool.url()).pathname).to.equal(`/organiser/sessions/${sessionId}`);
    await admin.tool.goto(`${t.url}/organiser/sessions/${sessionId}/grades`);
    expect(await admin.tool.locator('[data-count="delivered"]').textContent()).to.equal('2');
    await admin.tool.goto(`${t.url}/organiser`);
    await admin.tool.getByText(title).first().waitFor();
    await admin.page.goto('/demo');
    const gradebook = await admin.page.locator('#demo-gradebook').innerText();
    expect(gradebook).to.contain(title).and.to.contain('Camille Martin').and.to.contain('Alex Bernard');
    await admin.close();
  }

  it('in the course page’s frame, as Moodle opens an activity by default', async () => {
    await journey('frame', 'Cartographier dans le cadre');
  });

  it('in a page of its own', async () => {
    await journey('window', 'Cartographier dans sa page');
  });
});
