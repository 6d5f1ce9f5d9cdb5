import { expect } from 'chai';
import { insertSession } from '../../src/catalog/catalog.repo';
import { createTestApp, type TestApp } from '../support/app';
import { signIn } from '../support/factories';

describe('catalog: participant catalogue (/catalogue)', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
    t.clock.set('2030-03-01T08:00:00Z');
    const owner = await signIn(t, { role: 'organiser', contextId: 'course-cat' });
    const base = { ownerContextRef: owner.contextRef, createdBy: owner.userId, format: 'in_person' as const, place: 'Hall du rectorat' };
    const at = (day: string) => ({ startsAt: new Date(`${day}T11:15:00Z`), endsAt: new Date(`${day}T12:00:00Z`) });
    await insertSession(t.database.db, { ...base, ...at('2030-03-20'), title: 'Tchap au quotidien', tool: 'Tchap', status: 'published', presenters: ['Camille Martin'], capacity: 25, descriptionMd: '<script>alert(1)</script>' }, [{ framework: 'crcn', code: '2.1' }]);
    await insertSession(t.database.db, { ...base, ...at('2030-03-10'), title: 'OpenStreetMap', tool: 'OpenStreetMap', status: 'published' }, [{ framework: 'crcn', code: '1.3' }]);
    await insertSession(t.database.db, { ...base, ...at('2030-03-12'), title: 'Brouillon secret', status: 'draft' }, []);
    await insertSession(t.database.db, { ...base, ...at('2030-02-01'), title: 'Session passée', status: 'published' }, []);
    await insertSession(t.database.db, { ...base, ...at('2030-03-15'), title: 'Snapchat annulé', status: 'cancelled' }, []);
    await insertSession(t.database.db, { ...base, ...at('2030-03-16'), title: 'Session archivée', status: 'archived' }, []);
  });
  after(async () => t.close());

  it('lists upcoming published sessions soonest first, marks cancelled ones, hides drafts, past and archived', async () => {
    const { browser } = await signIn(t, { role: 'participant', contextId: 'course-elsewhere' });
    const res = await browser.get('/catalogue');
    expect(res.status).to.equal(200);
    const html = await res.text();
    const order = ['OpenStreetMap', 'Snapchat annulé', 'Tchap au quotidien'].map((title) => html.indexOf(title));
    expect(order.every((i) => i > 0)).to.equal(true);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(html).not.to.contain('Brouillon secret').and.not.to.contain('Session passée').and.not.to.contain('Session archivée');
    expect(html).to.contain('Annulée').and.to.contain('Avec Camille Martin').and.to.contain('25 places');
    expect(html).to.contain('mercredi 20 mars 2030, 12:15 – 13:00');
    expect(html).to.contain('2.1 Interagir');
    expect(html).not.to.contain('<script>alert(1)');
  });

  it('filters by words, and says when nothing is planned', async () => {
    const { browser } = await signIn(t, { role: 'participant' });
    const html = await (await browser.get('/catalogue?q=tchap')).text();
    expect(html).to.contain('Tchap au quotidien').and.not.to.contain('>OpenStreetMap<');
    expect(await (await browser.get('/catalogue?q=inexistant')).text()).to.contain("Aucune session n&#x27;est prévue pour le moment.");
  });

  it('asks visitors without a launch to open Instants from Moodle (401)', async () => {
    const res = await fetch(`${t.url}/catalogue`, { headers: { accept: 'text/html' } });
    expect(res.status).to.equal(401);
  });

  it('speaks English when asked', async () => {
    const { browser } = await signIn(t, { role: 'participant', locale: 'en' });
    const html = await (await browser.get('/catalogue')).text();
    expect(html).to.contain('Upcoming digital Instants').and.to.contain('Wednesday, 20 March 2030, 12:15 – 13:00');
  });
});
