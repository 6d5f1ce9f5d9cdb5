import { nrpsRolesOf } from './platform-core';
import type { CourseMember } from './services.types';

/**
 * The people of the demo's Moodle: six participants (enough to pass the privacy threshold of five by hand),
 * two organisers (editing teachers) and the site administrator. Subs are Moodle user ids, as Moodle sends
 * them; the administrator is not enrolled in the course (Moodle lists only enrolments in NRPS).
 */

export type PersonaRole = 'participant' | 'organiser' | 'admin';

export interface DemoPersona {
  /** Form value and stable key. */
  key: string;
  sub: string;
  givenName: string;
  familyName: string;
  role: PersonaRole;
}

export const DEMO_PERSONAS: readonly DemoPersona[] = [
  { key: 'camille', sub: '11', givenName: 'Camille', familyName: 'Martin', role: 'participant' },
  { key: 'alex', sub: '12', givenName: 'Alex', familyName: 'Bernard', role: 'participant' },
  { key: 'sacha', sub: '13', givenName: 'Sacha', familyName: 'Petit', role: 'participant' },
  { key: 'charlie', sub: '14', givenName: 'Charlie', familyName: 'Durand', role: 'participant' },
  { key: 'maxime', sub: '15', givenName: 'Maxime', familyName: 'Leroy', role: 'participant' },
  { key: 'noa', sub: '16', givenName: 'Noa', familyName: 'Moreau', role: 'participant' },
  { key: 'dominique', sub: '3', givenName: 'Dominique', familyName: 'Garnier', role: 'organiser' },
  { key: 'claude', sub: '4', givenName: 'Claude', familyName: 'Fontaine', role: 'organiser' },
  { key: 'morgan', sub: '2', givenName: 'Morgan', familyName: 'Lefebvre', role: 'admin' },
];

export const PERSONA_KEYS = DEMO_PERSONAS.map((p) => p.key) as [string, ...string[]];

/** The persona of a form value (the schema has checked it is one). */
export function personaOf(key: string): DemoPersona {
  return DEMO_PERSONAS.find((p) => p.key === key)!;
}

export function fullName(p: DemoPersona): string {
  return `${p.givenName} ${p.familyName}`;
}

export function emailOf(p: DemoPersona): string {
  return `${p.givenName}.${p.familyName}@ac-dijon.fr`.toLowerCase();
}

/** The demo course's enrolments as Moodle's NRPS lists them. */
export function courseMembers(): CourseMember[] {
  return DEMO_PERSONAS.filter((p) => p.role !== 'admin').map((p) => ({
    userId: p.sub,
    roles: nrpsRolesOf(p.role),
    name: fullName(p),
    given_name: p.givenName,
    family_name: p.familyName,
    email: emailOf(p),
  }));
}
