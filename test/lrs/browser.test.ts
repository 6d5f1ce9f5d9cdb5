import { expect } from 'chai';
import { checkA11y, withPage } from '../support/browser';
import { signIn } from '../support/factories';
import { startLrs, type LrsTestApp } from './support';

describe('lrs: in chromium, an administrator manages LRS credentials on /admin/lrs', function () {
  this.timeout(120_000);
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs();
  });
  after(async () => t.close());

  it('creates a credential with the keyboard after fixing errors, revokes it, and every page passes axe', async () => {
    const admin = await signIn(t, { role: 'organiser', isAdmin: true });
    const violations: Record<string, unknown[]> = {};
    await withPage(
      t,
      async (page) => {
        await page.goto('/admin/lrs');
        violations.list = await checkA11y(page);
        await page.getByRole('button', { name: "Créer l'identifiant" }).click();
        await page.getByText('Cochez au moins un droit.').waitFor();
        expect(await page.getByLabel('Nom').getAttribute('aria-invalid')).to.equal('true');
        violations.errors = await checkA11y(page);
        await page.getByLabel('Nom').fill('Tableau académique');
        await page.getByLabel(/lire toutes les déclarations/).focus();
        await page.keyboard.press('Space');
        await page.getByRole('button', { name: "Créer l'identifiant" }).press('Enter');
        await page.getByText('Copiez le secret maintenant').waitFor();
        violations.created = await checkA11y(page);
        const key = (await page.locator('#created-key').textContent())!;
        await page.getByRole('button', { name: 'Révoquer Tableau académique' }).click();
        // Revoking asks first: what it does, then a second button that does it.
        await page.getByRole('heading', { name: /Révoquer l'identifiant « Tableau académique »/ }).waitFor();
        violations.confirm = await checkA11y(page);
        await page.getByRole('button', { name: 'Révoquer définitivement' }).press('Enter');
        await page.getByText('Identifiant « Tableau académique » révoqué.').waitFor();
        expect(await page.getByRole('listitem').filter({ hasText: key }).textContent()).to.contain('Révoqué le');
      },
      { signedIn: admin.browser },
    );
    expect(violations).to.deep.equal({ list: [], errors: [], created: [], confirm: [] });
  });
});
