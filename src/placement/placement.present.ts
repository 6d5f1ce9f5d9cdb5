import type { LinkableSession } from '../catalog';
import type { Translate } from '../platform/i18n';

/** A session as a choice in the binding and deep-linking pickers. */
export interface SessionChoice {
  id: string;
  title: string;
  tool: string | null;
  when: string;
  place: string | null;
  /** "Brouillon" for the course's own drafts. */
  draft: string | null;
  /** "Session du cours « … »" when another course owns it (linking it never lets this course manage it). */
  otherCourse: string | null;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Sessions for the pickers, dates written in the page language, Paris time. */
export function presentSessionChoices(sessions: LinkableSession[], t: Translate, locale: string): SessionChoice[] {
  const tag = locale === 'en' ? 'en-GB' : 'fr-FR';
  let fmt = formats.get(tag);
  if (!fmt) formats.set(tag, (fmt = new Intl.DateTimeFormat(tag, { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' })));
  return sessions.map(({ session: s, own, ownerTitle }) => ({
    id: s.id,
    title: s.title,
    tool: s.tool,
    when: fmt.format(s.startsAt),
    place: s.place,
    draft: s.status === 'draft' ? t('placement.draft') : null,
    otherCourse: own ? null : ownerTitle ? t('placement.other_course', { course: ownerTitle }) : t('placement.other_course_unnamed'),
  }));
}
