import type { PersonalDataDeclaration } from '../platform/personal-data';
import { deleteCopiesOf, deleteOutboxRowsOf, forwardedRowsOf, outboxRowsOf } from './forwarding/copies.repo';

/** What the xapi slice stores about people (the registry of personal data, src/privacy). */
export const xapiPersonalData: PersonalDataDeclaration = {
  slice: 'xapi',
  tables: [
    { table: 'xapi_destinations', personal: false, why: 'external LRSs receiving statements (the recipients of the register)' },
    {
      // Statements and scores waiting for delivery, and dead letters (refused ones); erased before the LRS and the grades.
      table: 'outbox',
      personal: true,
      holds: ['pseudonym', 'learning'],
      purpose: 'forwarding',
      basis: 'public-task',
      recipients: ['forwarding', 'moodle'],
      links: [],
      ops: { rows: outboxRowsOf, erase: (tx, who) => deleteOutboxRowsOf(tx, [who.ifi], who.userId) },
      exported: true,
      withheld: ['payload', 'claim_token', 'remote_body'],
      erasure: ['delete'],
      retention: [{ kind: 'period', setting: 'deadLettersDays', column: 'dead_at', where: "status = 'dead'" }],
    },
    { table: 'outbox_progress', personal: false, why: 'delivery progress per destination' },
    {
      table: 'xapi_forwarded',
      personal: true,
      holds: ['pseudonym'],
      purpose: 'forwarding',
      basis: 'public-task',
      recipients: ['administrators'],
      links: [],
      ops: { rows: forwardedRowsOf, erase: (tx, who) => deleteCopiesOf(tx, [who.ifi]) },
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'person' }],
    },
    { table: 'xapi_erasure_requests', personal: false, why: 'erasure requests sent to destinations (no identifier: it travels sealed in the outbox)' },
  ],
};
