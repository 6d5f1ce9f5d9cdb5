import type { PersonalDataDeclaration, PersonalTable } from '../platform/personal-data';
import { eraseFromProjects, projectsOf } from './personal-data.repo';

const fabrique = (table: string, extra: Partial<PersonalTable> & Pick<PersonalTable, 'links' | 'erasure'>): PersonalTable => ({
  table,
  personal: true,
  holds: ['team'],
  purpose: 'fabrique',
  basis: 'public-task',
  recipients: ['committee', 'colleagues'],
  exported: true,
  retention: [{ kind: 'kept' }],
  ...extra,
});

/** What la Fabrique stores about people (the registry of personal data, src/privacy). */
export const fabriquePersonalData: PersonalDataDeclaration = {
  slice: 'fabrique',
  tables: [
    fabrique('fabrique_committee', {
      recipients: ['colleagues'],
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }, { by: 'user', column: 'named_by', erasure: 'detach' }],
      erasure: ['delete', 'detach'],
      retention: [{ kind: 'person' }],
    }),
    fabrique('fabrique_projects', { holds: ['authored', 'free-text'], links: [], ops: { rows: projectsOf, erase: eraseFromProjects }, erasure: ['delete', 'detach'] }),
    { table: 'fabrique_deliverables', personal: false, why: "projects' deliverables and due dates" },
    fabrique('fabrique_supports', { links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }], erasure: ['delete'], retention: [{ kind: 'with', table: 'fabrique_projects' }] }),
    fabrique('fabrique_comments', { holds: ['authored', 'free-text'], links: [{ by: 'user', column: 'author_ref', erasure: 'delete' }], erasure: ['delete'], retention: [{ kind: 'with', table: 'fabrique_projects' }] }),
    fabrique('fabrique_history', { holds: ['team'], recipients: ['committee'], links: [{ by: 'user', column: 'actor_ref', erasure: 'detach' }], erasure: ['detach'] }),
    fabrique('fabrique_reviews', { holds: ['team'], recipients: ['committee'], links: [{ by: 'user', column: 'decided_by', erasure: 'detach' }], erasure: ['detach'] }),
    fabrique('fabrique_profile_skills', {
      holds: ['professional'],
      basis: 'consent',
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
      erasure: ['delete'],
      retention: [{ kind: 'with', table: 'fabrique_profiles' }],
    }),
    // The directory of resource persons: consent, revocable; hidden unless confirmed within a year.
    fabrique('fabrique_profiles', {
      holds: ['professional', 'free-text', 'consent'],
      basis: 'consent',
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
      erasure: ['delete'],
      retention: [{ kind: 'period', setting: 'directoryMonths', column: 'updated_at' }],
    }),
    fabrique('fabrique_members', {
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }, { by: 'user', column: 'invited_by', erasure: 'detach' }],
      erasure: ['delete', 'detach'],
      retention: [{ kind: 'with', table: 'fabrique_projects' }],
    }),
    fabrique('fabrique_progress', { holds: ['authored'], links: [{ by: 'user', column: 'author_ref', erasure: 'detach' }], erasure: ['detach'] }),
  ],
};
