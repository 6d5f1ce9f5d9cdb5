import type { PersonalDataDeclaration } from '../platform/personal-data';
import { removeFromRosters, rosterEntriesOf } from './personal-data.repo';

/** What the grades slice stores about people (the registry of personal data, src/privacy). */
export const gradesPersonalData: PersonalDataDeclaration = {
  slice: 'grades',
  tables: [
    { table: 'grades_service_tokens', personal: false, why: "platforms' service access tokens" },
    { table: 'grades_line_items', personal: false, why: 'gradebook columns of resource links' },
    {
      table: 'grades_scores',
      personal: true,
      holds: ['learning'],
      purpose: 'gradebook',
      basis: 'public-task',
      recipients: ['moodle', 'organisers'],
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'period', setting: 'statementsMonths', column: 'updated_at' }],
    },
    { table: 'grades_settings', personal: false, why: "how each session's score is computed" },
    {
      table: 'grades_rosters',
      personal: true,
      holds: ['identity', 'contact'],
      purpose: 'sessions',
      basis: 'public-task',
      recipients: ['organisers'],
      links: [],
      ops: { rows: rosterEntriesOf, erase: removeFromRosters },
      exported: true,
      erasure: ['rewrite'],
      retention: [{ kind: 'period', setting: 'rosterDays', column: 'fetched_at' }],
    },
  ],
};
