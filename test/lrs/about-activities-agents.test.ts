import crypto from 'node:crypto';
import { expect } from 'chai';
import { engine } from '../support/db';
import { aStatement, client, startLrs, type LrsTestApp } from './support';

/** xAPI-Communication §2.5 (Agents), §2.6 (Activities), §2.7 (About), and CORS for browser clients. */
describe('lrs: about, activities, agents, CORS (Communication 2.5–2.7)', () => {
  let t: LrsTestApp;
  before(async () => {
    t = await startLrs({ CORS_ORIGINS: 'https://tableau.ac-dijon.fr' });
  });
  after(async () => t.close());

  it('/about answers without credentials nor version header, listing both versions', async () => {
    const res = await t.xapi('/about', { headers: { authorization: null, 'x-experience-api-version': null } });
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { version: string[] };
    expect(body.version).to.include.members(['1.0.3', '2.0.0']);
    expect(res.headers.get('x-experience-api-version')).to.be.a('string');
    expect((await client(t).getAbout()).data.version).to.include('1.0.3');
  });

  it('/activities returns the canonical definition gathered from statements', async () => {
    const id = `https://instants.ac-dijon.fr/sessions/${crypto.randomUUID()}`;
    await client(t).sendStatement({ statement: aStatement({ object: { id, definition: { name: { fr: 'Instant Twitter' } } } }) as never });
    await client(t).sendStatement({ statement: aStatement({ object: { id, definition: { description: { fr: 'Découvrir' } } } }) as never });
    const got = await client(t).getActivity({ activityId: id });
    expect(got.data).to.deep.equal({ objectType: 'Activity', id, definition: { name: { fr: 'Instant Twitter' }, description: { fr: 'Découvrir' } } });
  });

  for (const version of ['1.0.3', '2.0.0'] as const) {
    it(`${version}: /activities merges language maps key by key: {en-GB, en-US} then {en-GB, fr-FR} keeps all three, the latest en-GB winning`, async () => {
      const id = `https://instants.ac-dijon.fr/sessions/${crypto.randomUUID()}`;
      const headers = { 'x-experience-api-version': version, 'content-type': 'application/json' };
      const post = (definition: Record<string, unknown>) => t.xapi('/statements', { method: 'POST', headers, body: JSON.stringify(aStatement({ object: { id, definition } })) });
      await post({ name: { 'en-GB': 'Colour', 'en-US': 'Color' }, description: { 'en-GB': 'A session' }, extensions: { 'https://instants.ac-dijon.fr/x/a': 1 } });
      await post({ name: { 'en-GB': 'Colours', 'fr-FR': 'Couleur' }, description: { 'fr-FR': 'Un instant' }, extensions: { 'https://instants.ac-dijon.fr/x/b': 2 }, type: 'http://adlnet.gov/expapi/activities/meeting' });
      const got = (await (await t.xapi(`/activities?activityId=${encodeURIComponent(id)}`, { headers })).json()) as { definition: Record<string, unknown> };
      expect(got.definition).to.deep.equal({
        name: { 'en-GB': 'Colours', 'en-US': 'Color', 'fr-FR': 'Couleur' },
        description: { 'en-GB': 'A session', 'fr-FR': 'Un instant' },
        extensions: { 'https://instants.ac-dijon.fr/x/a': 1, 'https://instants.ac-dijon.fr/x/b': 2 },
        type: 'http://adlnet.gov/expapi/activities/meeting',
      });
    });
  }

  it(`concurrent writers of one activity's definition lose none of each other's languages (${engine})`, async () => {
    const id = `https://instants.ac-dijon.fr/sessions/${crypto.randomUUID()}`;
    const tags = ['fr-FR', 'en-GB', 'en-US', 'de-DE', 'it-IT', 'es-ES', 'pt-PT', 'nl-NL'];
    const answers = await Promise.all(
      tags.map((tag) => t.xapi('/statements', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(aStatement({ object: { id, definition: { name: { [tag]: `nom ${tag}` } } } })) })),
    );
    expect(answers.map((r) => r.status)).to.deep.equal(tags.map(() => 200));
    const got = (await (await t.xapi(`/activities?activityId=${encodeURIComponent(id)}`)).json()) as { definition: { name: Record<string, string> } };
    expect(Object.keys(got.definition.name)).to.have.members(tags);
  });

  it('/activities returns an Activity with only its id when nothing is known about it', async () => {
    const id = `https://instants.ac-dijon.fr/inconnue/${crypto.randomUUID()}`;
    const res = await t.xapi(`/activities?activityId=${encodeURIComponent(id)}`);
    expect(await res.json()).to.deep.equal({ objectType: 'Activity', id });
  });

  it('/activities rejects a missing or malformed activityId and unknown parameters (400)', async () => {
    expect((await t.xapi('/activities')).status).to.equal(400);
    expect((await t.xapi('/activities?activityId=pas%20une%20iri')).status).to.equal(400);
    expect((await t.xapi('/activities?activityId=http%3A%2F%2Fa.fr&x=1')).status).to.equal(400);
  });

  it('/agents returns a Person object for an agent', async () => {
    const agent = { objectType: 'Agent', name: 'Jeanne', mbox: 'mailto:jeanne@ac-dijon.fr' } as never;
    const got = await client(t).getAgent({ agent });
    expect(got.data).to.deep.equal({ objectType: 'Person', name: ['Jeanne'], mbox: ['mailto:jeanne@ac-dijon.fr'] });
  });

  it('/agents merges into the Person object every name seen with the identifier (actor, instructor, group member) and the mbox_sha1sum form of an mbox', async () => {
    const mbox = `mailto:claire-${crypto.randomUUID()}@ac-dijon.fr`;
    await client(t).sendStatement({ statement: aStatement({ actor: { mbox, name: 'Claire' } }) as never });
    await client(t).sendStatement({ statement: aStatement({ context: { instructor: { mbox, name: 'Claire Dupont' } } }) as never });
    await client(t).sendStatement({ statement: aStatement({ actor: { objectType: 'Group', member: [{ mbox, name: 'C. Dupont' }, { mbox: 'mailto:x@ac-dijon.fr' }] } }) as never });
    const got = await t.xapi(`/agents?agent=${encodeURIComponent(JSON.stringify({ objectType: 'Agent', mbox, name: 'Mme Dupont' }))}`);
    const person = (await got.json()) as { name: string[]; mbox: string[] };
    expect(person.name[0]).to.equal('Mme Dupont');
    expect(person.name).to.have.members(['Mme Dupont', 'C. Dupont', 'Claire', 'Claire Dupont']);
    expect(person.mbox).to.deep.equal([mbox]);
    // The same person seen as mbox_sha1sum (the SHA-1 of the mailto IRI): both identifiers, and that form's names too.
    const sha1 = crypto.createHash('sha1').update(mbox).digest('hex');
    await client(t).sendStatement({ statement: aStatement({ actor: { mbox_sha1sum: sha1, name: 'Claire D.' } }) as never });
    const merged = (await (await t.xapi(`/agents?agent=${encodeURIComponent(JSON.stringify({ mbox }))}`)).json()) as { name: string[]; mbox_sha1sum: string[] };
    expect(merged.mbox_sha1sum).to.deep.equal([sha1]);
    expect(merged.name).to.include('Claire D.').and.to.include('Claire');
    const unnamed = (await (await t.xapi(`/agents?agent=${encodeURIComponent(JSON.stringify({ mbox: 'mailto:jamais-vu@ac-dijon.fr' }))}`)).json()) as Record<string, unknown>;
    expect(unnamed).to.deep.equal({ objectType: 'Person', mbox: ['mailto:jamais-vu@ac-dijon.fr'] });
  });

  it('/agents rejects a missing or invalid agent (400)', async () => {
    expect((await t.xapi('/agents')).status).to.equal(400);
    expect((await t.xapi(`/agents?agent=${encodeURIComponent('{"name":"x"}')}`)).status).to.equal(400);
  });

  it('answers HEAD on /activities like GET without a body', async () => {
    const res = await t.xapi(`/activities?activityId=${encodeURIComponent('http://a.fr/x')}`, { method: 'HEAD' });
    expect(res.status).to.equal(200);
    expect(await res.text()).to.equal('');
  });

  it('answers a CORS preflight from a configured origin without credentials', async () => {
    const res = await fetch(`${t.url}/xapi/statements`, {
      method: 'OPTIONS',
      headers: { origin: 'https://tableau.ac-dijon.fr', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,x-experience-api-version,content-type' },
    });
    expect(res.status).to.equal(204);
    expect(res.headers.get('access-control-allow-origin')).to.equal('https://tableau.ac-dijon.fr');
    expect(res.headers.get('access-control-allow-headers')).to.contain('X-Experience-API-Version');
  });

  it('exposes the xAPI headers to a configured origin, and gives no CORS header to another origin', async () => {
    const ok = await t.xapi('/statements?limit=1', { headers: { origin: 'https://tableau.ac-dijon.fr' } });
    expect(ok.headers.get('access-control-expose-headers')).to.contain('X-Experience-API-Consistent-Through');
    const other = await t.xapi('/statements?limit=1', { headers: { origin: 'https://pirate.example' } });
    expect(other.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('answers 404 in JSON with the version header for an unknown xAPI resource', async () => {
    const res = await t.xapi('/nothing');
    expect(res.status).to.equal(404);
    expect(res.headers.get('x-experience-api-version')).to.equal('1.0.3');
    expect(res.headers.get('content-type')).to.contain('application/json');
  });
});
