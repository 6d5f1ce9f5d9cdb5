import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { catchUp } from '../../src/dashboard';
import { queryRows } from '../../src/dashboard/rollup.repo';
import { seedDemoYear, type DemoYearOptions } from '../../src/demo';
import { createTestApp, TEST_SECRETS, type TestApp } from '../support/app';
import { demoLaunch } from '../support/demo';

/** `seed --demo`: real sessions of the demo course, which its organiser finds wherever Instants lists sessions. */

const count = async (t: TestApp, table: string) =>
  ((await queryRows<{ n: number }>(t.database.db, sql.raw(`select count(*)::int as n from ${table}`))) as [{ n: number }])[0].n;

describe('demo: seed --demo creates the demo course’s year', function () {
  this.timeout(120_000);
  let t: TestApp;
  let options: DemoYearOptions;
  let ids: string[];

  before(async () => {
    t = await createTestApp({ env: { DEMO: 'true' } });
    const now = t.clock.now();
    options = { baseIri: t.config.xapi.baseIri, pseudonymKey: TEST_SECRETS.pseudonymKey!, end: now, now, past: 3, upcoming: 2, people: 40, seed: 7 };
    const result = await seedDemoYear(t.database.db, options);
    expect(result).to.deep.include({ seeded: true, sessions: 3, upcoming: 2 });
    await catchUp(t.database.db);
    const rows = await queryRows<{ id: string }>(t.database.db, sql`select id from catalog_sessions order by starts_at`);
    ids = rows.map((r) => r.id);
  });
  after(async () => t?.close());

  it('shows every seeded session to the demo organiser launched from /demo, in /organiser, with its resources and quiz', async () => {
    const { browser } = await demoLaunch(t, { persona: 'dominique' });
    const home = await (await browser.get('/organiser')).text();
    for (const tool of ['Tchap', 'Nuage (apps.education.fr)', 'Pix', 'OpenStreetMap', 'LibreOffice Calc']) expect(home).to.contain(`Instant numérique : ${tool}`);
    expect(ids).to.have.length(5);
    const first = ids[0]!;
    const resources = await browser.get(`/organiser/sessions/${first}/resources`);
    expect(resources.status).to.equal(200);
    expect(await resources.text()).to.contain('Guide de démarrage Tchap').and.to.contain('Créer un salon');
    const activities = await browser.get(`/organiser/sessions/${first}/activities`);
    expect(activities.status).to.equal(200);
    const html = await activities.text();
    expect(html).to.contain('Quiz : Tchap').and.to.contain('Quelle ressource accompagne cette session ?').and.to.contain('échanger par messagerie instantanée entre agents');
  });

  it('lists the upcoming ones in the catalogue and on the demo page, open to a participant persona', async () => {
    const { browser } = await demoLaunch(t, { persona: 'camille' });
    const catalogue = await (await browser.get('/catalogue')).text();
    expect(catalogue).to.contain('Instant numérique : OpenStreetMap').and.to.contain('Instant numérique : LibreOffice Calc');
    expect(catalogue).not.to.contain('Instant numérique : Tchap'); // the past year's sessions are over
    const demo = await (await fetch(`${t.url}/demo`)).text();
    expect(demo).to.contain(ids[3]).and.to.contain(ids[4]);
    const launched = await demoLaunch(t, { persona: 'camille', sessionId: ids[3]! });
    expect(launched.location).to.equal(`/sessions/${ids[3]}`);
    expect(await launched.res.text()).to.contain('Contribuer à OSM');
  });

  it('gives dashboards of those very sessions: their ids, dates and competence names', async () => {
    const { browser } = await demoLaunch(t, { persona: 'dominique' });
    const overview = await (await browser.get('/organiser/dashboard')).text();
    const links = [...overview.matchAll(/href="\/organiser\/dashboard\/sessions\/([0-9a-f-]{36})/g)].map((m) => m[1]);
    expect(links.length).to.be.above(0);
    for (const id of links) expect(ids.slice(0, 3)).to.include(id);
    const session = await (await browser.get(`/organiser/dashboard/sessions/${ids[0]}`)).text();
    expect(session).to.contain('Instant numérique : Tchap').and.to.contain('id="chart-gains"');
    // CRCN 2.1 and 2.3, by their framework titles, and the session's date as the catalogue holds it.
    const [row] = await queryRows<{ starts_at: Date }>(t.database.db, sql`select starts_at from catalog_sessions where id = ${ids[0]}`);
    const day = new Date(row!.starts_at).toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', timeZone: 'Europe/Paris' });
    expect(session).to.contain(day);
    const competences = await (await browser.get('/organiser/dashboard/competences')).text();
    expect(competences).to.contain('Interagir').and.to.contain('Collaborer');
  });

  it('changes nothing when run a second time', async () => {
    const tables = ['catalog_sessions', 'catalog_series', 'catalog_resources', 'activity_configs', 'lrs_statements', 'lti_users'];
    const before = await Promise.all(tables.map((n) => count(t, n)));
    expect(await seedDemoYear(t.database.db, options)).to.deep.equal({ seeded: false, reason: 'already_seeded' });
    expect(await Promise.all(tables.map((n) => count(t, n)))).to.deep.equal(before);
  });
});
