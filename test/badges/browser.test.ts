import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { expectAccessible, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { buildSession } from '../activities/helpers';
import { checkinCode } from './helpers';

/** The whole badge journey in chromium: an organiser creates a badge, a participant earns and downloads it, a visitor verifies both forms. */
describe('badges: in the browser (chromium)', function () {
  this.timeout(240_000);
  let t: TestApp;
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'instants-badges-'));
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.close();
    fs.rmSync(downloads, { recursive: true, force: true });
  });

  async function expectNoSideScroll(page: Page, what: string) {
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${what} at 360 px`).to.be.at.most(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  }

  it('lets an organiser create a session badge, a participant earn and download both forms, and the verification page accept them', async () => {
    const organiser = await signIn(t, { role: 'organiser', contextId: 'course-badges-browser' });
    const { session } = await buildSession(t.database.db, { ownerContextRef: organiser.contextRef, title: 'Instant Tchap' });

    await withPage(
      t,
      async (page) => {
        await page.goto('/organiser/badges/new');
        await expectAccessible(page, 'badge form');
        await expectNoSideScroll(page, 'badge form');
        await page.locator('#name').fill('Premiers pas sur Tchap');
        await page.locator('#description').fill('A découvert la messagerie Tchap.');
        await page.locator('#criteria').fill('Avoir participé à l’Instant Tchap.');
        await page.getByLabel('Modèle', { exact: true }).selectOption('hexagone');
        await page.getByLabel('Couleur', { exact: true }).selectOption('vert');
        await page.getByLabel('2.1 Interagir').check();
        await page.getByLabel('Le badge est attribué…').selectOption('session-completed');
        await page.getByLabel('Session', { exact: true }).selectOption({ label: await page.locator('#session_id option', { hasText: 'Instant Tchap' }).innerText() });
        await Promise.all([page.waitForURL(/\/organiser\/badges\/[0-9a-f-]{36}\?done=created/), page.getByRole('button', { name: 'Créer le badge' }).click()]);
        expect(await page.locator('h1').textContent()).to.equal('Premiers pas sur Tchap');
        expect(await page.getByText('Achever la session « Instant Tchap »').count()).to.equal(1);
        await expectAccessible(page, 'badge page');
        await expectNoSideScroll(page, 'badge page');
      },
      { signedIn: organiser.browser },
    );

    const participant = await signIn(t, { role: 'participant', contextId: 'course-badges-browser', sessionId: session.id, email: 'sasha.durand@ac-dijon.fr' });
    const code = await checkinCode(organiser, session.id);
    let pngPath = '';
    let jsonPath = '';
    await withPage(
      t,
      async (page) => {
        await page.goto(`/sessions/${session.id}/checkin`);
        await page.getByLabel(/code/i).first().fill(code);
        await Promise.all([page.waitForNavigation(), page.locator('form[action$="/checkin"] button[type="submit"]').first().click()]);
        await page.goto('/badges/mine');
        expect(await page.getByRole('heading', { name: 'Premiers pas sur Tchap' }).count()).to.equal(1);
        await expectAccessible(page, 'Mes badges with the consent question');
        await expectNoSideScroll(page, 'Mes badges');
        await Promise.all([page.waitForURL(/done=consent_saved/), page.getByRole('button', { name: 'Oui, je pourrai rendre mes badges publics' }).click()]);
        await Promise.all([page.waitForURL(/done=made_public/), page.getByRole('button', { name: 'Rendre public' }).click()]);
        const png = page.waitForEvent('download');
        await page.getByRole('link', { name: 'image PNG (Open Badges 2.0)' }).click();
        pngPath = path.join(downloads, (await png).suggestedFilename());
        await (await png).saveAs(pngPath);
        const json = page.waitForEvent('download');
        await page.getByRole('link', { name: 'attestation vérifiable (Open Badges 3.0, JSON)' }).click();
        jsonPath = path.join(downloads, (await json).suggestedFilename());
        await (await json).saveAs(jsonPath);
        await page.getByRole('link', { name: 'Ajouter à mon profil Moodle ou à un sac à badges' }).click();
        await expectAccessible(page, 'add to Moodle page');
      },
      { signedIn: participant.browser },
    );
    expect(fs.statSync(pngPath).size).to.be.greaterThan(100);

    await withPage(t, async (page) => {
      for (const file of [pngPath, jsonPath]) {
        await page.goto('/badges/verify');
        await expectAccessible(page, 'verification page');
        await page.getByLabel("Image du badge ou fichier d'attestation").setInputFiles(file);
        await page.getByLabel('Adresse électronique à comparer (facultatif)').fill('sasha.durand@ac-dijon.fr');
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Vérifier' }).click()]);
        expect(await page.getByRole('heading', { name: 'Badge valide' }).count(), path.basename(file)).to.equal(1);
        expect(await page.getByText('Cette adresse électronique est bien celle de la personne titulaire.').count()).to.equal(1);
        await expectAccessible(page, `verification of ${path.basename(file)}`);
        await expectNoSideScroll(page, 'verification result');
      }
    });
  });
});
