import type { PersonalDataDeclaration, PersonalTable } from '../platform/personal-data';
import { answersOf, blankFreeText, deleteAnswersOf, previewFreeText } from './personal-data.repo';

/** A participant's own learning record, kept as long as statements are (RETENTION_MONTHS). */
const record = (table: string, column: string, extra: Partial<PersonalTable> = {}): PersonalTable => ({
  table,
  personal: true,
  holds: ['learning'],
  purpose: 'sessions',
  basis: 'public-task',
  recipients: ['organisers'],
  links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }],
  exported: true,
  erasure: ['delete'],
  retention: [{ kind: 'period', setting: 'statementsMonths', column }],
  ...extra,
});

/** What the activities slice stores about people (the registry of personal data, src/privacy). */
export const activitiesPersonalData: PersonalDataDeclaration = {
  slice: 'activities',
  tables: [
    { table: 'activity_configs', personal: false, why: 'activities a session offers and their settings' },
    {
      table: 'activity_answers',
      personal: true,
      holds: ['learning', 'free-text'],
      purpose: 'learning-records',
      basis: 'public-task',
      recipients: ['organisers'],
      links: [],
      ops: { rows: answersOf, erase: deleteAnswersOf },
      exported: true,
      erasure: ['delete'],
      retention: [
        { kind: 'with', table: 'activity_attempts' },
        { kind: 'custom', setting: 'freeTextMonths', purge: { preview: previewFreeText, run: (db, cutoff) => blankFreeText(db, cutoff) } },
      ],
    },
    record('activity_attempts', 'started_at', { purpose: 'learning-records' }),
    record('activity_attendances', 'attended_at', { links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }, { by: 'user', column: 'marked_by', erasure: 'detach' }], erasure: ['delete', 'detach'] }),
    { table: 'activity_checkin_codes', personal: false, why: "each session's check-in code" },
    { table: 'activity_checkin_links', personal: false, why: 'short QR check-in addresses: a session and the Moodle activity that showed the screen' },
    record('activity_checkin_failures', 'attempted_at', { purpose: 'security', basis: 'legal-obligation', recipients: [], retention: [{ kind: 'period', setting: 'checkinFailuresHours', column: 'attempted_at' }] }),
    record('activity_resource_opens', 'last_opened_at'),
    record('activity_session_completions', 'completed_at', { recipients: ['organisers', 'moodle'] }),
    { table: 'activity_need_topics', personal: false, why: 'tools and themes of the "what next?" survey' },
    // taken_up_by: the organiser who took the offer up (detached when they are erased, like marked_by).
    record('activity_offers', 'created_at', {
      holds: ['authored', 'free-text'],
      purpose: 'needs',
      links: [{ by: 'user', column: 'user_ref', erasure: 'delete' }, { by: 'user', column: 'taken_up_by', erasure: 'detach' }],
      erasure: ['delete', 'detach'],
    }),
    {
      table: 'activity_launch_events',
      personal: true,
      holds: ['connection'],
      purpose: 'learning-records',
      basis: 'public-task',
      recipients: [],
      links: [{ by: 'launch', column: 'launch_id', erasure: 'delete' }],
      exported: true,
      erasure: ['delete'],
      retention: [{ kind: 'with', table: 'lti_launches' }],
    },
  ],
};
