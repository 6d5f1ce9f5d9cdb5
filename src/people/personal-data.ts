import type { PersonalDataDeclaration, PersonalTable } from '../platform/personal-data';
import { deleteImportsOf, importsOf } from './personal-data.repo';

const profile = (table: string, extra: Partial<PersonalTable> = {}): PersonalTable => ({
  table,
  personal: true,
  holds: ['professional'],
  purpose: 'profile',
  basis: 'public-task',
  // Service and job family reach statements and dashboards (aggregates only).
  recipients: ['organisers', 'forwarding'],
  links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
  exported: true,
  erasure: ['delete'],
  retention: [{ kind: 'person' }],
  ...extra,
});

/** What the people slice stores about people (the registry of personal data, src/privacy). */
export const peoplePersonalData: PersonalDataDeclaration = {
  slice: 'people',
  tables: [
    { table: 'people_choices', personal: false, why: 'the lists of services and job families' },
    profile('people_profiles'),
    profile('people_imports', { holds: ['professional', 'contact'], recipients: ['administrators'], links: [], ops: { rows: importsOf, erase: deleteImportsOf }, retention: [{ kind: 'period', setting: 'importsMonths', column: 'imported_at' }] }),
    profile('people_launch_values'),
  ],
};
