import { expect } from 'chai';
import crypto from 'node:crypto';
import { validateStatements } from '../../src/lrs';
import { ValidationError } from '../../src/platform/errors';
import { buildFabriqueStatements, prepareStatements, type FabriqueEvent } from '../../src/xapi';
import { conceptsOf, statementTemplates } from '../../src/xapi/profile';
import { buildProfileDocument } from '../../src/xapi';
import { FABRIQUE_EVENT_KINDS } from '../../src/xapi/fabrique.events';

const BASE = 'https://instants.test/xapi';
const deps = { baseIri: BASE, pseudonymKey: 'k'.repeat(40) };
const project = { id: crypto.randomUUID(), title: 'Radio web académique' };
const actor = { issuer: 'https://moodle.test.ac-dijon.fr', sub: '7', service: 'DANE' };
const at = new Date('2026-03-02T10:00:00Z');

function everyFabriqueEvent(): FabriqueEvent[] {
  const b = { actor, project, at, language: 'fr' };
  return [
    { ...b, kind: 'project-proposed', fromNeed: true },
    { ...b, kind: 'project-supported' },
    { ...b, kind: 'project-selected', reason: 'Utile à trois services' },
    { ...b, kind: 'project-declined', reason: 'Déjà couvert par la DSI' },
    { ...b, kind: 'project-framed' },
    { ...b, kind: 'project-phase-changed', from: 'investigation', to: 'construction', note: 'Prototype validé' },
    { ...b, kind: 'team-joined', role: 'member' },
    { ...b, kind: 'team-left', role: 'facilitator' },
    { ...b, kind: 'deliverable-delivered', deliverable: { id: crypto.randomUUID(), title: 'Maquette' } },
  ];
}

describe('fabrique: xAPI statements', () => {
  const profile = buildProfileDocument(BASE);
  const concepts = conceptsOf(profile);
  const templates = statementTemplates(BASE);

  it('builds for every Fabrique event kind statements that use only profile concepts and match their template', () => {
    const events = everyFabriqueEvent();
    expect(events.map((e) => e.kind)).to.have.members(FABRIQUE_EVENT_KINDS);
    for (const event of events) {
      for (const s of buildFabriqueStatements(event, deps)) {
        expect(concepts.verbs.has(s.verb.id), event.kind).to.equal(true);
        const template = templates.find((t) => t.kind === event.kind && t.verb === s.verb.id);
        expect(template, event.kind).to.not.equal(undefined);
        expect(s.object.definition!.type).to.equal(template!.objectActivityType);
        expect(s.context.contextActivities!.parent!.map((p) => p.definition!.type)).to.deep.equal(template!.parentTypes);
        for (const key of Object.keys(s.context.extensions ?? {})) expect(concepts.contextExtensions.has(key), `${event.kind} ${key}`).to.equal(true);
        expect(JSON.stringify(s)).to.not.contain('"7"');
      }
    }
  });

  it('emits statements that pass the LRS grammar of xAPI 1.0.3 and 2.0.0', () => {
    const statements = everyFabriqueEvent().flatMap((e) => buildFabriqueStatements(e, deps));
    expect(() => validateStatements(statements, '1.0.3')).to.not.throw();
    expect(() => validateStatements(statements, '2.0.0')).to.not.throw();
  });

  it('refuses a Fabrique event with an empty reason, naming events[0].reason', () => {
    const bad = { actor, project, at, language: 'fr', kind: 'project-declined', reason: '  ' } as FabriqueEvent;
    expect(() => prepareStatements([bad], deps)).to.throw(ValidationError).with.property('details').that.deep.includes({ path: 'events[0].reason', message: 'must not be empty' });
  });
});
