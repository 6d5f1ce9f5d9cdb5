import { summariseAnswer } from '../platform/remote-answer';
import type { NrpsMember } from './nrps.client';
import type { SyncCounts } from './scores.repo';

type T = (key: string, vars?: Record<string, unknown>) => string;

const ROLE_KEYS: Record<string, string> = {
  Learner: 'grades.role_learner',
  Instructor: 'grades.role_instructor',
  ContentDeveloper: 'grades.role_content_developer',
  TeachingAssistant: 'grades.role_teaching_assistant',
  Mentor: 'grades.role_mentor',
  Administrator: 'grades.role_administrator',
  Member: 'grades.role_member',
};

/** A role as the course names it: Moodle's short name (or an IRI's last part), with our translation when known. */
export function roleLabel(role: string, t: T): string {
  const short = role.includes('#') ? role.slice(role.lastIndexOf('#') + 1) : role.slice(role.lastIndexOf('/') + 1);
  const key = ROLE_KEYS[short];
  return key ? t(key) : short;
}

/**
 * A member's roles as the course lists them, and, for someone Moodle lists only as a learner who opens
 * Instants as an organiser (Moodle's non-editing teacher: Instructor at launch, Learner in NRPS), that too.
 */
function rolesOf(x: { roles: string[]; organiser?: boolean }, t: T): string {
  const listed = x.roles.map((r) => roleLabel(r, t)).join(', ');
  const instructor = x.roles.some((r) => /(^|[#/])(Instructor|Administrator|ContentDeveloper)$/.test(r));
  return x.organiser && !instructor ? t('grades.role_organiser_in_instants', { roles: listed }) : listed;
}

export function presentGrades(o: { sessionId: string; title: string; counts: SyncCounts; refused: Array<{ sub: string; name: string | null; remoteStatus: number | null; remoteBody: string | null }>; retrying: { count: number; remoteStatus: number | null; remoteBody: string | null }; mode: 'completion' | 'quiz'; canSetMode?: boolean; retried?: number; saved?: boolean; t: T }) {
  return {
    title: o.t('grades.grades_title'),
    sessionId: o.sessionId,
    sessionTitle: o.title,
    counts: o.counts,
    hasRefused: o.refused.length > 0,
    refused: o.refused.map((r) => ({ who: r.name ?? o.t('grades.member_id', { id: r.sub }), status: r.remoteStatus || o.t('grades.no_status'), answer: summariseAnswer(r.remoteBody) })),
    retrying: o.retrying.count ? { text: o.t('grades.retrying', { count: o.retrying.count }), answer: `${o.retrying.remoteStatus ?? o.t('grades.no_status')} ${summariseAnswer(o.retrying.remoteBody)}`.trim() } : undefined,
    modeCompletion: o.mode === 'completion',
    modeQuiz: o.mode === 'quiz',
    canSetMode: o.canSetMode ?? true,
    notice: o.retried !== undefined ? o.t('grades.retried', { count: o.retried }) : o.saved ? o.t('grades.mode_saved') : undefined,
  };
}

export function presentRoster(o: {
  sessionId: string;
  title: string;
  contextTitle: string | null;
  members: Array<NrpsMember & { launched: boolean; organiser?: boolean; attended: boolean; completed: boolean }>;
  fetchedAt: Date;
  fromCache: boolean;
  filter: 'all' | 'not_launched' | 'not_attended' | 'not_completed';
  locale: string;
  t: T;
}) {
  const m = o.members;
  const shown = m.filter((x) => (o.filter === 'not_launched' ? !x.launched : o.filter === 'not_attended' ? !x.attended : o.filter === 'not_completed' ? !x.completed : true));
  const yes = o.t('grades.yes');
  const no = o.t('grades.no');
  return {
    title: o.t('grades.roster_title'),
    sessionId: o.sessionId,
    sessionTitle: o.title,
    contextTitle: o.contextTitle,
    fetchedAt: o.fetchedAt.toLocaleString(o.locale === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short' }),
    fromCache: o.fromCache,
    summary: [
      { label: o.t('grades.count_members'), value: m.length },
      { label: o.t('grades.count_launched'), value: m.filter((x) => x.launched).length },
      { label: o.t('grades.count_attended'), value: m.filter((x) => x.attended).length },
      { label: o.t('grades.count_completed'), value: m.filter((x) => x.completed).length },
      { label: o.t('grades.count_not_launched'), value: m.filter((x) => !x.launched).length },
    ],
    filters: (['all', 'not_launched', 'not_attended', 'not_completed'] as const).map((f) => ({ value: f, label: o.t(`grades.filter_${f}`), selected: f === o.filter })),
    hasMembers: shown.length > 0,
    members: shown
      .map((x) => ({
        name: x.name ?? o.t('grades.member_id', { id: x.userId }),
        roles: rolesOf(x, o.t),
        launched: x.launched ? yes : no,
        attended: x.attended ? yes : no,
        completed: x.completed ? yes : no,
        launchedClass: x.launched ? 'text-success' : 'text-body-secondary',
        attendedClass: x.attended ? 'text-success' : 'text-body-secondary',
        completedClass: x.completed ? 'text-success' : 'text-body-secondary',
      }))
      .sort((a, b) => a.name.localeCompare(b.name, 'fr')),
  };
}
