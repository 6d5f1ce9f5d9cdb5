import type { CatalogSession } from '../catalog';

/** A session as a choice in the binding and deep-linking pickers. */
export interface SessionChoice {
  id: string;
  title: string;
  tool: string | null;
  when: string;
  place: string | null;
}

/** Sessions for the pickers, dates written in the page language. */
export function presentSessionChoices(sessions: CatalogSession[], locale: string): SessionChoice[] {
  const fmt = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' });
  return sessions.map((s) => ({ id: s.id, title: s.title, tool: s.tool, when: fmt.format(s.startsAt), place: s.place }));
}
