import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { cutoffOf, personalTables, REGISTRY } from '../../src/privacy';
import { ROOT_DIR } from '../../src/platform/paths';
import { copiesOf } from '../../src/xapi';
import { addDestination } from '../../src/xapi/forwarding/destinations';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser } from '../support/http';
import { startScriptedLrs, type ScriptedLrs } from '../xapi/scripted-lrs';
import { personEverywhere, type Person } from './fixture';

const rowsOf = <T>(r: unknown) => (r as { rows: T[] }).rows;
const FR = JSON.parse(fs.readFileSync(path.join(ROOT_DIR, 'locales', 'fr', 'privacy.json'), 'utf8')) as Record<string, Record<string, string>>;

/** A page's text as a person reads it: tags dropped, entities decoded, spaces collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The `<li data-table="…">` item of a table on a page, as text. */
function itemOf(html: string, table: string): string {
  const m = new RegExp(`<li[^>]*data-table="${table}"[^>]*>([\\s\\S]*?)</li>`).exec(html);
  if (!m) throw new Error(`no item for ${table}`);
  return textOf(m[1]!);
}

/**
 * The privacy pages (issue 20) as people see them: the register of processing for the data-protection
 * officer, "Vos données" for a launched participant, the retention dry run; administrators only where
 * académie-wide.
 */
describe('privacy: the register, "Vos données" and the retention page', function () {
  this.timeout(120_000);
  let t: TestApp;
  let lrs: ScriptedLrs;
  let jeanne: Person;
  let admin: Browser;
  let organiser: Browser;

  before(async () => {
    [t, lrs] = await Promise.all([createTestApp(), startScriptedLrs()]);
    await addDestination(t.database.db, TEST_SECRETS.ltiKey, { name: 'lrs-academie', endpoint: lrs.url, key: 'k', secret: 's' });
    jeanne = await personEverywhere(t, { sub: 'pages-jeanne-5150', given: 'Jeanne', family: 'Lisière', contextId: 'course-jeanne' });
    ({ browser: admin } = await signIn(t, { role: 'organiser', isAdmin: true, name: 'Admin Académie', sub: 'admin-1' }));
    ({ browser: organiser } = await signIn(t, { role: 'organiser', name: 'Olivier Organisateur', sub: 'organiser-1', contextId: 'course-jeanne' }));
  });
  after(async () => {
    await t.close();
    await lrs.close();
  });

  describe('the register of processing (/admin/privacy/register)', () => {
    let html: string;
    let text: string;
    before(async () => {
      const res = await admin.get('/admin/privacy/register');
      expect(res.status).to.equal(200);
      html = await res.text();
      text = textOf(html);
    });

    it('has an entry per purpose with its legal bases, categories and recipients, in French', () => {
      expect(text).to.contain('Registre des traitements');
      const tables = personalTables(REGISTRY);
      for (const purpose of new Set(tables.map((d) => d.purpose))) expect(text, purpose).to.contain(FR.purpose![purpose]!);
      for (const basis of new Set(tables.map((d) => d.basis))) expect(text, basis).to.contain(FR.basis![basis]!);
      for (const category of new Set(tables.flatMap((d) => d.holds))) expect(text, category).to.contain(FR.category![category]!);
      for (const recipient of new Set(tables.flatMap((d) => d.recipients))) expect(text, recipient).to.contain(FR.recipient![recipient]!);
      expect(text).not.to.match(/·\w|\(s\)/);
    });

    it('names each forwarding destination with its address and state', () => {
      expect(text).to.contain(`lrs-academie (${lrs.url}, actif)`);
    });

    it('lists every declared table once with its retention as configured, erasure and export', () => {
      for (const d of personalTables(REGISTRY)) {
        expect(html.match(new RegExp(`data-table="${d.table}"`, 'g')), d.table).to.have.length(1);
        expect(itemOf(html, d.table)).to.contain(FR.table![d.table]!);
      }
      expect(itemOf(html, 'grades_rosters')).to.contain('conservation : 7 jours').and.to.contain('exportée');
      expect(itemOf(html, 'lrs_statements')).to.contain('conservation : 24 mois');
      expect(itemOf(html, 'activity_answers')).to.contain('texte libre effacé après 12 mois');
      expect(itemOf(html, 'web_sessions')).to.contain('conservation : 24 heures');
      expect(text).to.contain("signalées à l'administration après 90 jours d'absence de tous leurs cours");
    });
  });

  describe('"Vos données" (/me/data) as a launched participant', () => {
    let html: string;
    let text: string;
    before(async () => {
      const res = await jeanne.browser.get('/me/data');
      expect(res.status).to.equal(200);
      html = await res.text();
      text = textOf(html);
    });

    it('is in French, says what Instants holds on them with the count of each kind, why and for how long', async () => {
      expect(html).to.match(/<html[^>]*lang="fr"/);
      expect(text).to.contain('Vos données').and.to.contain("Ce qu'Instants conserve sur vous").and.to.contain('dpd@ac-dijon.fr');
      const [{ n: statements }] = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from lrs_statements where actor_ifi = ${jeanne.ifi}`)) as [{ n: number }];
      expect(statements).to.be.above(1);
      expect(itemOf(html, 'lrs_statements')).to.contain(`${statements} éléments`).and.to.contain('24 mois').and.to.contain("les entrepôts d'apprentissage de l'académie");
      expect(itemOf(html, 'activity_offers')).to.contain('1 élément');
      expect(itemOf(html, 'activity_answers')).to.contain('texte libre effacé après 12 mois');
      expect(text).not.to.match(/·\w|\(s\)/);
    });

    it('names the LRS their statements were forwarded to, with how many and when ("1er")', async () => {
      const [copies] = await copiesOf(t.database.db, [jeanne.ifi]);
      expect(copies!.statements).to.be.above(0);
      await t.database.db.execute(sql`update xapi_forwarded set first_at = '2026-09-01T10:00:00Z', last_at = '2026-10-15T10:00:00Z'`);
      const page = textOf(await (await jeanne.browser.get('/me/data')).text());
      expect(page).to.contain(`lrs-academie : ${copies!.statements} déclarations, du 1er septembre 2026 au 15 octobre 2026`);
    });

    it('offers the downloads of everything, JSON and readable HTML', () => {
      expect(html).to.contain('href="/me/data/export.json"').and.to.contain('href="/me/data/export.html"');
    });
  });

  describe('the retention dry run (/admin/privacy/retention)', () => {
    it('shows each rule with its cutoff and the rows that would go, and deletes nothing', async () => {
      await t.database.db.execute(sql`update grades_rosters set fetched_at = ${new Date(cutoffOf(t.config, 'rosterDays', t.clock.now()).getTime() - 3600_000).toISOString()}::timestamptz`);
      const res = await admin.get('/admin/privacy/retention');
      expect(res.status).to.equal(200);
      const html = await res.text();
      expect(itemOf(html, 'grades_rosters')).to.match(/Règle : 7 jours – avant le .+ – à supprimer : 1 ligne/);
      expect(itemOf(html, 'lrs_statements')).to.contain('à supprimer : rien');
      expect(textOf(html)).to.contain('npm run privacy -- retention --yes');
      const [{ n }] = rowsOf<{ n: number }>(await t.database.db.execute(sql`select count(*)::int as n from grades_rosters`)) as [{ n: number }];
      expect(n).to.equal(1);
    });

    it('is for administrators only: 403 for an organiser or a participant, 401 without a launch', async () => {
      for (const url of ['/admin/privacy/retention', '/admin/privacy/register', '/admin/privacy']) {
        expect((await organiser.get(url)).status, `organiser ${url}`).to.equal(403);
        expect((await jeanne.browser.get(url)).status, `participant ${url}`).to.equal(403);
        expect((await new Browser(t.url).get(url)).status, `nobody ${url}`).to.equal(401);
      }
    });
  });
});
