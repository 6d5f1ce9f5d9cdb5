import type { Actor } from '../lti';
import type { Translate } from '../platform/i18n';
import { renderMarkdown } from '../platform/markdown';
import type { CatalogSession, SessionStatus } from './catalog.repo';
import { SESSION_FORMATS } from './catalog.tables';
import { field, raw, rawList, type FieldView } from './forms';
import type { listFrameworksWithCompetences } from './frameworks.service';
import { instantToParis, TIME_ZONE } from './paris-time';
import type { SeriesRow } from './series.repo';

/** Presenters of the catalog slice: what templates receive, never rows. */

type Frameworks = Awaited<ReturnType<typeof listFrameworksWithCompetences>>;

// Building an Intl formatter costs far more than using one: one pair per language, made on first use.
const formatters = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formattersFor(locale: string) {
  const tag = locale === 'en' ? 'en-GB' : 'fr-FR';
  let f = formatters.get(tag);
  if (!f) {
    f = {
      day: new Intl.DateTimeFormat(tag, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: TIME_ZONE }),
      time: new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', timeZone: TIME_ZONE }),
    };
    formatters.set(tag, f);
  }
  return f;
}

/** "jeudi 10 janvier 2030, 12:45 – 13:30" in the page's language, Paris time. */
export function formatWhen(startsAt: Date, endsAt: Date, locale: string): string {
  const { day, time } = formattersFor(locale);
  return `${day.format(startsAt)}, ${time.format(startsAt)} – ${time.format(endsAt)}`;
}

/** "1,5 Mo" / "1.5 MB". */
export function formatBytes(n: number, locale: string): string {
  const units = locale === 'en' ? ['B', 'KB', 'MB', 'GB'] : ['o', 'Ko', 'Mo', 'Go'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: 1 }).format(v)} ${units[i]}`;
}

const STATUS_BADGE: Record<SessionStatus, string> = {
  draft: 'text-bg-secondary',
  published: 'text-bg-success',
  cancelled: 'text-bg-danger',
  archived: 'text-bg-light border',
};

/** A confirmation message from `?done=`, only for known keys. */
export function doneMessage(t: Translate, done: unknown): string | null {
  const key = typeof done === 'string' && /^[a-z_]{1,40}$/.test(done) ? `catalog.done.${done}` : null;
  if (!key) return null;
  const text = t(key);
  return text === key ? null : text;
}

/** A session's status as a badge. */
export function statusBadge(t: Translate, status: SessionStatus) {
  return { label: t(`catalog.status.${status}`), className: STATUS_BADGE[status] };
}

/** The organiser home: sessions of the course with their status and quick links. */
export function presentSessionList(sessions: CatalogSession[], resourceCounts: Map<string, number>, t: Translate, locale: string) {
  return sessions.map((s) => ({
    id: s.id,
    title: s.title,
    tool: s.tool,
    when: formatWhen(s.startsAt, s.endsAt, locale),
    status: statusBadge(t, s.status),
    resources: resourceCounts.get(s.id) ?? 0,
  }));
}

/** A session as the catalogue and the edit page's summary show it. */
export function presentSessionCard(s: CatalogSession, t: Translate, locale: string, options: { description?: boolean } = {}) {
  return {
    id: s.id,
    title: s.title,
    tool: s.tool,
    tags: s.tags,
    when: formatWhen(s.startsAt, s.endsAt, locale),
    startsAtIso: s.startsAt.toISOString(),
    place: s.place,
    format: t(`catalog.format.${s.format}`),
    capacity: s.capacity,
    audience: s.audience.join(', '),
    presenters: s.presenters.join(', '),
    descriptionHtml: options.description ? renderMarkdown(s.descriptionMd) : '',
    seriesTitle: s.seriesTitle,
    competences: s.competences.map((c) => ({ code: c.code, title: c.title })),
    status: statusBadge(t, s.status),
    cancelled: s.status === 'cancelled',
  };
}

interface SessionFormInput {
  session?: CatalogSession;
  /** The posted body when the form is shown again after an error. */
  body?: unknown;
  errors: Record<string, string>;
  frameworks: Frameworks;
  series: SeriesRow[];
  t: Translate;
}

/** The fields of the session form, filled from the posted body, the session, or defaults. */
export function presentSessionForm({ session, body, errors, frameworks, series, t }: SessionFormInput): FieldView[] {
  const paris = session ? { start: instantToParis(session.startsAt), end: instantToParis(session.endsAt) } : null;
  const value = (name: string, fromSession: () => string) => (body !== undefined ? raw(body, name) : session ? fromSession() : '');
  const selected = new Set(body !== undefined ? rawList(body, 'competences') : (session?.competences.map((c) => `${c.framework}:${c.code}`) ?? []));
  const format = value('format', () => session!.format) || 'in_person';
  const seriesId = value('seriesId', () => session!.seriesId ?? '');
  const L = (k: string) => t(`catalog.session.fields.${k}`);
  return [
    field({ kind: 'text', id: 'title', name: 'title', label: L('title'), help: L('title_help'), required: true, value: value('title', () => session!.title) }, errors),
    field({ kind: 'text', id: 'tool', name: 'tool', label: L('tool'), help: L('tool_help'), value: value('tool', () => session!.tool ?? '') }, errors),
    field(
      {
        kind: 'select',
        id: 'seriesId',
        name: 'seriesId',
        label: L('series'),
        options: [{ value: '', label: L('no_series'), selected: seriesId === '' }, ...series.map((s) => ({ value: s.id, label: s.title, selected: s.id === seriesId }))],
      },
      errors,
    ),
    field({ kind: 'date', id: 'date', name: 'date', label: L('date'), required: true, value: value('date', () => paris!.start.date) }, errors),
    field({ kind: 'time', id: 'startTime', name: 'startTime', label: L('start_time'), help: L('time_help'), required: true, value: value('startTime', () => paris!.start.time) || (session ? '' : '12:15') }, errors),
    field({ kind: 'time', id: 'endTime', name: 'endTime', label: L('end_time'), help: L('time_help'), required: true, value: value('endTime', () => paris!.end.time) || (session ? '' : '13:00') }, errors),
    field(
      {
        kind: 'select',
        id: 'format',
        name: 'format',
        label: L('format'),
        required: true,
        options: SESSION_FORMATS.map((f) => ({ value: f, label: t(`catalog.format.${f}`), selected: f === format })),
      },
      errors,
    ),
    field({ kind: 'text', id: 'place', name: 'place', label: L('place'), help: L('place_help'), value: value('place', () => session!.place ?? '') }, errors),
    field({ kind: 'url', id: 'remoteUrl', name: 'remoteUrl', label: L('remote_url'), help: L('remote_url_help'), value: value('remoteUrl', () => session!.remoteUrl ?? '') }, errors),
    field({ kind: 'number', id: 'capacity', name: 'capacity', label: L('capacity'), help: L('capacity_help'), value: value('capacity', () => (session!.capacity === null ? '' : String(session!.capacity))) }, errors),
    field({ kind: 'textarea', id: 'description', name: 'description', label: L('description'), help: L('description_help'), rows: 8, value: value('description', () => session!.descriptionMd) }, errors),
    field({ kind: 'text', id: 'tags', name: 'tags', label: L('tags'), help: L('tags_help'), value: value('tags', () => session!.tags.join(', ')) }, errors),
    field({ kind: 'text', id: 'audience', name: 'audience', label: L('audience'), help: L('audience_help'), value: value('audience', () => session!.audience.join(', ')) }, errors),
    field({ kind: 'textarea', id: 'presenters', name: 'presenters', label: L('presenters'), help: L('presenters_help'), rows: 2, value: value('presenters', () => session!.presenters.join('\n')) }, errors),
    field({ kind: 'textarea', id: 'contributors', name: 'contributors', label: L('contributors'), help: L('contributors_help'), rows: 2, value: value('contributors', () => session!.contributors.join('\n')) }, errors),
    field(
      {
        kind: 'checkboxes',
        id: 'competences',
        name: 'competences',
        label: L('competences'),
        help: L('competences_help'),
        required: true,
        groups: frameworks.flatMap((f) => {
          const domains = [...new Set(f.competences.map((c) => c.domain))];
          return domains.map((domain) => ({
            label: frameworks.length > 1 ? `${f.title} — ${domain}` : domain,
            options: f.competences
              .filter((c) => c.domain === domain)
              .map((c) => ({ id: `competence-${f.id}-${c.code}`.replace(/[^\w-]/g, '-'), value: `${f.id}:${c.code}`, label: `${c.code} ${c.title}`, checked: selected.has(`${f.id}:${c.code}`) })),
          }));
        }),
      },
      errors,
    ),
  ];
}

/** The actions offered on the edit page for the session's status. */
export function presentStatusActions(s: CatalogSession) {
  return {
    canPublish: s.status === 'draft',
    canCancel: s.status === 'draft' || s.status === 'published',
    canArchive: s.status !== 'archived',
    canReopen: s.status !== 'draft',
    isArchived: s.status === 'archived',
  };
}

/** Whether the actor sees every course (for headings). */
export function isAdminView(actor: Actor): boolean {
  return actor.isAdmin;
}
