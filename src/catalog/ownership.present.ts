import type { Translate } from '../platform/i18n';
import type { CourseChoice } from './ownership.repo';

/** Presenters of the ownership model: the co-organiser list of the session page, the page of a linked session. */

const courseName = (c: CourseChoice) => c.title ?? c.contextId;

/** The co-organiser card of a session's page. */
export function presentCoOrganisers(t: Translate, o: { sessionId: string; ownerTitle: string | null; list: CourseChoice[]; choices: CourseChoice[]; canChange: boolean }) {
  return {
    owner: o.ownerTitle ? t('catalog.session.co_organisers.owner', { course: o.ownerTitle }) : null,
    list: o.list.map((c) => ({ contextRef: c.contextRef, name: courseName(c), removeLabel: t('catalog.session.co_organisers.remove_label', { course: courseName(c) }) })),
    choices: o.choices.map((c) => ({ value: c.contextRef, label: courseName(c) })),
    canChange: o.canChange,
    action: `/organiser/sessions/${o.sessionId}/co-organisers`,
  };
}
