import type { PersonalDataDeclaration } from '../platform/personal-data';
import { awardsOf, eraseAwards } from './personal-data.repo';

/** What the badges slice stores about people (the registry of personal data, src/privacy). */
export const badgesPersonalData: PersonalDataDeclaration = {
  slice: 'badges',
  tables: [
    {
      table: 'badge_classes',
      personal: true,
      holds: ['authored'],
      purpose: 'badges',
      basis: 'public-task',
      recipients: ['organisers'],
      links: [{ by: 'user', column: 'created_by', erasure: 'detach' }],
      exported: true,
      withheld: ['image'],
      erasure: ['detach'],
      retention: [{ kind: 'kept' }],
    },
    {
      table: 'badge_awards',
      personal: true,
      holds: ['learning', 'pseudonym'],
      purpose: 'badges',
      basis: 'public-task',
      // Public only when the earner consented and chose to (badge_consents, badge_awards.public).
      recipients: ['organisers', 'public'],
      links: [],
      ops: { rows: awardsOf, erase: eraseAwards },
      exported: true,
      erasure: ['delete', 'detach'],
      retention: [{ kind: 'person' }],
    },
    {
      table: 'badge_consents',
      personal: true,
      holds: ['consent'],
      purpose: 'badges',
      basis: 'consent',
      recipients: [],
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'person' }],
    },
    {
      table: 'badge_earners',
      personal: true,
      holds: ['pseudonym'],
      purpose: 'badges',
      basis: 'public-task',
      recipients: [],
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'person' }],
    },
    { table: 'badge_status_tombstones', personal: false, why: 'status-list bits of erased awards (an index only)' },
  ],
};
