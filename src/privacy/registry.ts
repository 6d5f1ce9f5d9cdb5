import { activitiesPersonalData } from '../activities';
import { badgesPersonalData } from '../badges';
import { catalogPersonalData } from '../catalog';
import { dashboardPersonalData } from '../dashboard';
import { fabriquePersonalData } from '../fabrique';
import { gradesPersonalData } from '../grades';
import { lrsPersonalData } from '../lrs';
import { ltiPersonalData } from '../lti';
import { peoplePersonalData } from '../people';
import type { PersonalDataDeclaration, PersonalTable, TableDeclaration } from '../platform/personal-data';
import { xapiPersonalData } from '../xapi';
import { privacyPersonalData } from './personal-data';

/**
 * The registry of personal data: every slice's declarations, in the order an erasure runs them. Outbox rows
 * go before the statements and scores they name; statements before the dashboard facts derived from them
 * (`afterStatementsRemoved`); lti_users last, once every slice took out what refers to it.
 */
export const REGISTRY: readonly PersonalDataDeclaration[] = [
  privacyPersonalData,
  fabriquePersonalData,
  badgesPersonalData,
  peoplePersonalData,
  activitiesPersonalData,
  xapiPersonalData,
  gradesPersonalData,
  catalogPersonalData,
  lrsPersonalData,
  dashboardPersonalData,
  ltiPersonalData,
];

/** Every declared table, with the slice that declares it. */
export function declaredTables(registry: readonly PersonalDataDeclaration[] = REGISTRY): Array<TableDeclaration & { slice: string }> {
  return registry.flatMap((d) => d.tables.map((t) => ({ ...t, slice: d.slice })));
}

/** The tables holding data about people. */
export function personalTables(registry: readonly PersonalDataDeclaration[] = REGISTRY): Array<PersonalTable & { slice: string }> {
  return declaredTables(registry).filter((t): t is PersonalTable & { slice: string } => t.personal);
}

/** Whether the registry can find a person's rows in a table on its own (links or the slice's ops). */
export const isFindable = (t: PersonalTable) => Boolean(t.ops) || t.links.length > 0;
