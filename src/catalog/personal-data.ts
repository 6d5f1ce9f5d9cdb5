import type { PersonalDataDeclaration, PersonalTable } from '../platform/personal-data';
import { detachFromSessions, sessionsOf } from './personal-data.repo';

/** Course content a person authored: it stays the course's, the person is detached from it on erasure. */
const authored = (table: string, column: string, withheld?: string[]): PersonalTable => ({
  table,
  personal: true,
  holds: ['authored'],
  purpose: 'catalogue',
  basis: 'public-task',
  recipients: ['organisers'],
  links: [{ by: 'user', column, erasure: 'detach' }],
  exported: true,
  ...(withheld ? { withheld } : {}),
  erasure: ['detach'],
  retention: [{ kind: 'kept' }],
});

/** What the catalog slice stores about people (the registry of personal data, src/privacy). */
export const catalogPersonalData: PersonalDataDeclaration = {
  slice: 'catalog',
  tables: [
    { table: 'catalog_frameworks', personal: false, why: 'competence frameworks' },
    { table: 'catalog_competences', personal: false, why: 'competences of the frameworks' },
    authored('catalog_series', 'created_by'),
    {
      table: 'catalog_sessions',
      personal: true,
      holds: ['authored', 'identity'],
      purpose: 'catalogue',
      basis: 'public-task',
      recipients: ['colleagues'],
      links: [],
      ops: { rows: sessionsOf, erase: detachFromSessions },
      exported: true,
      erasure: ['detach', 'rewrite'],
      retention: [{ kind: 'kept' }],
    },
    { table: 'catalog_session_competences', personal: false, why: 'competences each session targets' },
    // Uploaded files: their contents are the course's material, not exported (the export lists them).
    authored('catalog_files', 'created_by', ['data']),
    { table: 'catalog_resources', personal: false, why: 'resources of the sessions' },
    authored('catalog_session_organisers', 'added_by'),
  ],
};
