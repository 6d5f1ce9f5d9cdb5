import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import crcn from '../../src/catalog/frameworks/crcn.json';
import { eventSessionFor, getSession, searchSessions } from '../../src/catalog';
import { insertSession } from '../../src/catalog/catalog.repo';
import { catalogCompetences } from '../../src/catalog/catalog.tables';
import type { Database } from '../../src/platform/db/client';
import { createTestDatabase } from '../support/db';
import { buildLaunch } from '../support/factories';

describe('catalog: public exports (getSession, searchSessions, eventSessionFor)', () => {
  let database: Database;
  let contextRef: string;
  let otherContextRef: string;
  let osmId: string;
  before(async () => {
    database = await createTestDatabase();
    const launch = await buildLaunch(database.db, { role: 'organiser', contextId: 'course-exports' });
    contextRef = launch.contextRef!;
    otherContextRef = (await buildLaunch(database.db, { role: 'organiser', contextId: 'course-other' })).contextRef!;
    const base = { startsAt: new Date('2030-01-10T11:45:00Z'), endsAt: new Date('2030-01-10T12:30:00Z'), createdBy: launch.userId };
    osmId = (
      await insertSession(
        database.db,
        { ...base, title: 'Cartographier avec OpenStreetMap', tool: 'OpenStreetMap', tags: ['cartes', 'données ouvertes'], status: 'published', ownerContextRef: contextRef },
        [
          { framework: 'crcn', code: '1.3' },
          { framework: 'crcn', code: '2.3' },
        ],
      )
    ).id;
    await insertSession(database.db, { ...base, title: 'Tchap au quotidien', tool: 'Tchap', status: 'draft', ownerContextRef: contextRef, startsAt: new Date('2030-02-01T11:45:00Z'), endsAt: new Date('2030-02-01T12:30:00Z') }, [{ framework: 'crcn', code: '2.1' }]);
    await insertSession(database.db, { ...base, title: 'Snapchat, 100 % sécurisé', tool: 'Snapchat', status: 'published', ownerContextRef: otherContextRef, startsAt: new Date('2029-12-01T11:45:00Z'), endsAt: new Date('2029-12-01T12:30:00Z') }, [{ framework: 'crcn', code: '4.2' }]);
  });
  after(async () => database.close());

  it('ships the CRCN in the database exactly as in the data file', async () => {
    const rows = await database.db.select().from(catalogCompetences).where(eq(catalogCompetences.frameworkId, 'crcn')).orderBy(catalogCompetences.position);
    expect(rows.map((r) => ({ code: r.code, domain: r.domain, title: r.title }))).to.deep.equal(crcn.competences);
  });

  it('reads a session with its competences in order, and undefined for an unknown or malformed id', async () => {
    const s = await getSession(database.db, osmId);
    expect(s?.title).to.equal('Cartographier avec OpenStreetMap');
    expect(s?.competences.map((c) => c.code)).to.deep.equal(['1.3', '2.3']);
    expect(s?.competences[0]?.title).to.equal('Traiter des données');
    expect(await getSession(database.db, '00000000-0000-4000-8000-000000000000')).to.equal(undefined);
    expect(await getSession(database.db, 'not-a-uuid')).to.equal(undefined);
  });

  it('searches by words in title, tool or tags, by status and by owner course, soonest first', async () => {
    expect((await searchSessions(database.db, { q: 'openstreet' })).map((s) => s.tool)).to.deep.equal(['OpenStreetMap']);
    expect((await searchSessions(database.db, { q: 'ouvertes' })).map((s) => s.tool)).to.deep.equal(['OpenStreetMap']);
    expect((await searchSessions(database.db, { q: '100 %' })).map((s) => s.tool)).to.deep.equal(['Snapchat']);
    expect((await searchSessions(database.db, { q: '%' })).map((s) => s.tool)).to.deep.equal(['Snapchat']);
    const published = await searchSessions(database.db, { status: 'published', upcomingFirst: true });
    expect(published.map((s) => s.tool)).to.deep.equal(['Snapchat', 'OpenStreetMap']);
    const mine = await searchSessions(database.db, { contextRef, upcomingFirst: false });
    expect(mine.map((s) => s.tool)).to.deep.equal(['Tchap', 'OpenStreetMap']);
    expect(await searchSessions(database.db, { contextRef: 'bad' })).to.deep.equal([]);
    expect(await searchSessions(database.db, { limit: 1, upcomingFirst: true })).to.have.length(1);
  });

  it('builds the EventSession of a session for a course, from an Actor-like or an explicit course', async () => {
    const fromActor = await eventSessionFor(database.db, osmId, { issuer: 'https://moodle', contextId: 'c1', contextTitle: 'Cours 1' });
    expect(fromActor).to.deep.equal({
      id: osmId,
      title: 'Cartographier avec OpenStreetMap',
      tool: 'OpenStreetMap',
      seriesId: null,
      seriesTitle: null,
      course: { issuer: 'https://moodle', contextId: 'c1', title: 'Cours 1' },
      competences: [
        { framework: 'crcn', code: '1.3', title: 'Traiter des données' },
        { framework: 'crcn', code: '2.3', title: 'Collaborer' },
      ],
    });
    expect((await eventSessionFor(database.db, osmId, null)).course).to.equal(null);
    expect((await eventSessionFor(database.db, osmId, { issuer: 'i', contextId: null, contextTitle: null })).course).to.equal(null);
  });

  it('refuses an event session for an unknown session with a NotFoundError', async () => {
    try {
      await eventSessionFor(database.db, '00000000-0000-4000-8000-000000000000', null);
      expect.fail('should throw');
    } catch (err) {
      expect((err as { code: string }).code).to.equal('not_found');
    }
  });
});
