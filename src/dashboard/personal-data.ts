import type { PersonalDataDeclaration, PersonalTable } from '../platform/personal-data';
import { forgetRemovedStatements } from './forget.service';

/** A table of facts derived from a person's statements: recomputed when statements go (src/dashboard/forget.service.ts). */
const facts = (table: string, holds: PersonalTable['holds']): PersonalTable => ({
  table,
  personal: true,
  holds: ['pseudonym', ...holds],
  purpose: 'dashboards',
  basis: 'public-task',
  // Organisers see aggregates only, never fewer than PRIVACY_MIN_GROUP people (src/dashboard/README.md).
  recipients: ['organisers'],
  links: [{ by: 'actor', column: 'actor', erasure: 'recompute' }],
  exported: true,
  erasure: ['recompute'],
  retention: [{ kind: 'with', table: 'lrs_statements' }],
});

/** What the dashboards derive about people from statements (the registry of personal data, src/privacy). */
export const dashboardPersonalData: PersonalDataDeclaration = {
  slice: 'dashboard',
  tables: [
    { table: 'dash_cursor', personal: false, why: 'where the rollup job is in the statement store' },
    { table: 'dash_sessions', personal: false, why: 'sessions as seen in statements (title, tool, series); recomputed when statements go' },
    { table: 'dash_courses', personal: false, why: 'LMS courses seen in statements; recomputed when statements go' },
    facts('dash_people', ['professional']),
    facts('dash_participation', ['learning']),
    facts('dash_resource_opens', ['learning']),
    facts('dash_answers', ['learning']),
    facts('dash_positions', ['learning']),
    facts('dash_ratings', ['learning']),
    facts('dash_followups', ['learning', 'free-text']),
    facts('dash_needs', ['learning', 'free-text']),
    { table: 'dash_targets', personal: false, why: 'target levels per competence and job family, set by administrators' },
  ],
  afterStatementsRemoved: forgetRemovedStatements,
};
