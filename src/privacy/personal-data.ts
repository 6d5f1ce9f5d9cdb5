import type { PersonalDataDeclaration } from '../platform/personal-data';
import { deleteWebSessionsOf, webSessionsOf } from './subject.repo';

/** What the platform's own tables and the privacy slice's store about people (the registry, src/privacy). */
export const privacyPersonalData: PersonalDataDeclaration = {
  slice: 'privacy',
  tables: [
    {
      table: 'web_sessions',
      personal: true,
      holds: ['connection'],
      purpose: 'access',
      basis: 'public-task',
      recipients: [],
      links: [],
      ops: { rows: webSessionsOf, erase: deleteWebSessionsOf },
      exported: true,
      // The session id is the cookie's secret.
      withheld: ['id'],
      erasure: ['delete'],
      retention: [{ kind: 'period', setting: 'webSessionsHours', column: 'created_at' }],
    },
    { table: 'instants_settings', personal: false, why: 'facts about the database itself' },
    { table: 'instants_migrations', personal: false, why: 'migrations applied, with their checksums' },
    { table: 'instants_change_versions', personal: false, why: 'a version number per cached table, so that every instance sees a change' },
    {
      table: 'privacy_audit_log',
      personal: true,
      holds: ['connection'],
      purpose: 'accountability',
      basis: 'legal-obligation',
      recipients: ['administrators'],
      // The administrator (or the person exporting their own data) who acted; entries never name whom they were about.
      links: [{ by: 'user', column: 'actor_ref', erasure: 'detach' }],
      exported: true,
      erasure: ['detach'],
      retention: [{ kind: 'period', setting: 'auditMonths', column: 'at' }],
    },
    {
      table: 'privacy_departures',
      personal: true,
      holds: ['connection'],
      purpose: 'accountability',
      basis: 'public-task',
      recipients: ['administrators'],
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'person' }],
    },
  ],
};
