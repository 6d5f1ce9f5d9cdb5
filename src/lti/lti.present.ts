import type { LaunchSessionPort } from '../platform/context';

/** A session as a choice in the demo platform's launch form. */
export interface SessionChoice {
  id: string;
  title: string;
  tool: string | null;
  when: string;
  place: string | null;
}

/** Sessions for the demo's form, dates written in the page language, Paris time. */
export function presentSessionChoices(sessions: Awaited<ReturnType<LaunchSessionPort['upcoming']>>, locale: string): SessionChoice[] {
  const fmt = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'full', timeStyle: 'short', timeZone: 'Europe/Paris' });
  return sessions.map((s) => ({ id: s.id, title: s.title, tool: s.tool, when: fmt.format(s.startsAt), place: s.place }));
}
