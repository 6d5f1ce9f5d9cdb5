import type { SessionChoice } from '../lti.present';
import { DEMO_COURSE, type DemoPlatform } from './demo-platform';
import { DEMO_PERSONAS, fullName, type PersonaRole } from './personas';

type T = (key: string, vars?: Record<string, unknown>) => string;

const GROUPS: Array<{ role: PersonaRole; legend: string }> = [
  { role: 'participant', legend: 'lti.demo.group_participants' },
  { role: 'organiser', legend: 'lti.demo.group_organisers' },
  { role: 'admin', legend: 'lti.demo.group_admin' },
];

/** The demo page: personas by role, the sessions an activity may show, Moodle's gradebook, deep-linking answers. */
export function presentDemoPage(demo: DemoPlatform, sessions: SessionChoice[], locale: string, t: T) {
  const when = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Paris' });
  const nameOf = (sub: string) => {
    const p = DEMO_PERSONAS.find((x) => x.sub === sub);
    return p ? fullName(p) : t('lti.demo.user_id', { id: sub });
  };
  const grades = demo.services.lineItems(DEMO_COURSE.id).flatMap((item) =>
    [...demo.services.gradebook(item.id)].map(([sub, g]) => ({
      activity: item.label,
      person: nameOf(sub),
      grade: g.grade === null ? t('lti.demo.grade_none', { progress: g.gradingProgress }) : t('lti.demo.grade_value', { grade: Math.round(g.grade * 10) / 10, max: item.scoreMaximum }),
      at: when.format(new Date(g.timemodified * 1000)),
      sortKey: g.timemodified,
    })),
  );
  return {
    groups: GROUPS.map((g) => ({
      legend: t(g.legend),
      personas: DEMO_PERSONAS.filter((p) => p.role === g.role).map((p) => ({ key: p.key, name: fullName(p), checked: p.key === DEMO_PERSONAS[0]!.key })),
    })),
    sessions,
    grades: grades.sort((a, b) => b.sortKey - a.sortKey).slice(0, 30),
    results: demo.core.deepLinkingResults.slice(-3).reverse(),
  };
}
