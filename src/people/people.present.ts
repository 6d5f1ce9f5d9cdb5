import type { ChoiceRow, ProfileRow, Values } from './people.repo';

type T = (key: string, vars?: Record<string, unknown>) => string;

/** The profile screen: each list with the person's answer selected (`declined`, a choice id, or nothing). */
export function presentProfile(view: { services: ChoiceRow[]; jobFamilies: ChoiceRow[]; profile: ProfileRow | undefined; effective: Values }, t: T) {
  const field = (choices: ChoiceRow[], declared: string | null | undefined, declined: boolean | undefined) => ({
    options: choices.map((c) => ({ value: c.id, label: c.label, selected: declared === c.label })),
    declined: Boolean(declined),
    none: !declined && !choices.some((c) => c.label === declared),
  });
  return {
    service: field(view.services, view.profile?.service, view.profile?.serviceDeclined),
    jobFamily: field(view.jobFamilies, view.profile?.jobFamily, view.profile?.jobFamilyDeclined),
    hasLists: view.services.length + view.jobFamilies.length > 0,
    effectiveService: view.effective.service ?? t('people.profile.none'),
    effectiveJobFamily: view.effective.jobFamily ?? t('people.profile.none'),
  };
}

/** The administrator's page: the two lists and how many people have no service. */
export function presentAdmin(choices: ChoiceRow[], counts: { people: number; withoutService: number }, t: T) {
  const list = (kind: 'service' | 'job_family') => choices.filter((c) => c.kind === kind).map((c) => ({ id: c.id, label: c.label }));
  return {
    services: list('service'),
    jobFamilies: list('job_family'),
    withoutService: t(counts.withoutService === 1 ? 'people.admin.without_service_one' : 'people.admin.without_service', { count: counts.withoutService, people: counts.people }),
  };
}
