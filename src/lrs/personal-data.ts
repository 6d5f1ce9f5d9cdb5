import type { PersonalDataDeclaration } from '../platform/personal-data';
import { agentNamesOf, auditLinesOf, documentsOf, previewPurge, purgeBefore, removeAgentNames, removeAuditLines, removeDocumentsOf, removeStatementsNaming, statementsNaming } from './privacy.service';

/** What the LRS stores about people (the registry of personal data, src/privacy). */
export const lrsPersonalData: PersonalDataDeclaration = {
  slice: 'lrs',
  tables: [
    {
      table: 'lrs_statements',
      personal: true,
      holds: ['pseudonym', 'learning', 'free-text'],
      purpose: 'learning-records',
      basis: 'public-task',
      recipients: ['organisers', 'forwarding'],
      links: [],
      ops: {
        rows: async (db, who) => (await statementsNaming(db, [who.ifi])).map((statement) => ({ statement })),
        async erase(tx, who, work) {
          const removed = await removeStatementsNaming(tx, [who.ifi]);
          work.removedStatements.push(...removed);
          return removed.length;
        },
      },
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'custom', setting: 'statementsMonths', purge: { preview: previewPurge, run: (db, cutoff, hooks) => purgeBefore(db, cutoff, hooks.onProgress, hooks.afterStatementsRemoved) } }],
    },
    // The agent index of the statements (the `agent` and `related_agents` filters): goes with them.
    { table: 'lrs_statement_agents', personal: true, holds: ['pseudonym'], purpose: 'learning-records', basis: 'public-task', recipients: [], links: [], exported: false, erasure: ['delete'], retention: [{ kind: 'with', table: 'lrs_statements' }] },
    { table: 'lrs_statement_activities', personal: false, why: 'activity ids of stored statements; goes with them' },
    // Attachment contents (statements of other LRS clients): dropped once no statement declares them.
    { table: 'lrs_attachments', personal: true, holds: ['learning'], purpose: 'learning-records', basis: 'public-task', recipients: ['organisers'], links: [], exported: false, erasure: ['delete'], retention: [{ kind: 'with', table: 'lrs_statements' }] },
    { table: 'lrs_activities', personal: false, why: 'canonical activity definitions' },
    { table: 'lrs_credentials', personal: false, why: 'keys of LRS clients, named after the client' },
    {
      table: 'lrs_documents',
      personal: true,
      holds: ['pseudonym', 'learning'],
      purpose: 'learning-records',
      basis: 'public-task',
      recipients: [],
      links: [],
      ops: { rows: (db, who) => documentsOf(db, [who.ifi]), erase: (tx, who) => removeDocumentsOf(tx, [who.ifi]) },
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'period', setting: 'statementsMonths', column: 'updated' }],
    },
    {
      table: 'lrs_agent_names',
      personal: true,
      holds: ['identity'],
      purpose: 'learning-records',
      basis: 'public-task',
      recipients: [],
      links: [],
      ops: { rows: (db, who) => agentNamesOf(db, [who.ifi]), erase: (tx, who) => removeAgentNames(tx, [who.ifi]) },
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'with', table: 'lrs_statements' }],
    },
    {
      table: 'lrs_audit_log',
      personal: true,
      holds: ['pseudonym'],
      purpose: 'accountability',
      basis: 'legal-obligation',
      recipients: ['administrators'],
      links: [],
      // Exports of the LRS are logged under a hash of the identifier (src/lrs/privacy.service.ts subjectOf).
      ops: { rows: (db, who) => auditLinesOf(db, [who.ifi]), erase: (tx, who) => removeAuditLines(tx, [who.ifi]) },
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'period', setting: 'auditMonths', column: 'at' }],
    },
  ],
};
