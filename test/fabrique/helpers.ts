import { eq, sql } from 'drizzle-orm';
import { ltiUsers } from '../../src/lti/lti.tables';
import { fabriqueProfiles, fabriqueProfileSkills } from '../../src/fabrique/fabrique.tables';
import type { TestApp } from '../support/app';
import { signIn, type LaunchOverrides } from '../support/factories';
import { csrfTokenFrom, type Browser } from '../support/http';

/** Test helpers of la Fabrique: people with a service and a first name, forms posted with their CSRF token. */

export type Person = Awaited<ReturnType<typeof signIn>>;

/** A launched person with a first name and a service, as the LMS would send them. */
export async function person(t: TestApp, o: LaunchOverrides & { givenName?: string; service?: string } = {}): Promise<Person> {
  const p = await signIn(t, { contextId: 'course-fabrique', ...o });
  await t.database.db.update(ltiUsers).set({ givenName: o.givenName ?? null, service: o.service ?? null }).where(eq(ltiUsers.id, p.userId));
  return p;
}

/** Posts a form with the CSRF token of a page the person can see. */
export async function post(browser: Browser, path: string, fields: Record<string, string | string[]>, tokenFrom = '/fabrique/proposals/new') {
  const csrf = csrfTokenFrom(await (await browser.get(tokenFrom)).text());
  return browser.postForm(path, { ...fields, _csrf: csrf });
}

/** The id at the end of a redirect such as `/fabrique/projects/<id>?done=…`. */
export const idFrom = (location: string | null) => /\/fabrique\/projects\/([0-9a-f-]{36})/.exec(location ?? '')![1]!;

export function proposal(o: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'Une webradio académique',
    problem: 'Les établissements veulent une radio et ne savent pas par où commencer.',
    beneficiaries: 'Les élèves, les équipes de vie scolaire.',
    services: 'DANE, DSI',
    outcome: 'Un kit pour lancer une webradio en une semaine.',
    timeNeeded: 'Un jour par semaine pendant deux mois',
    ...o,
  };
}

export function framing(version: number, o: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    objectives: 'Un kit testé dans trois établissements.',
    resources: 'Deux jours de la DANE, un studio mobile.',
    timeboxKind: 'weekly',
    timeboxWeeks: '8',
    timeboxCustom: '',
    facilitatorId: '',
    impactMeasure: 'Établissements qui diffusent',
    impactTarget: '10',
    nextReviewOn: '2030-03-01',
    deliverableTitle: ['Kit de démarrage', 'Guide', ''],
    deliverableDue: ['2030-02-01', '2030-03-01', ''],
    version: String(version),
    ...o,
  };
}

/** Puts a person in the directory directly (consent at `confirmedAt`), with skills and tools. */
export async function inDirectory(t: TestApp, userId: string, o: { confirmedAt?: Date; optedIn?: boolean; tools?: string[]; skills?: Array<{ code: string; level: number }> } = {}) {
  await t.database.db
    .insert(fabriqueProfiles)
    .values({ userRef: userId, optedIn: o.optedIn ?? true, confirmedAt: o.confirmedAt ?? t.clock.now(), tools: o.tools ?? [], description: 'Volontaire' })
    .onConflictDoUpdate({ target: fabriqueProfiles.userRef, set: { optedIn: o.optedIn ?? true, confirmedAt: o.confirmedAt ?? t.clock.now(), tools: o.tools ?? [], version: sql`${fabriqueProfiles.version} + 1` } });
  for (const s of o.skills ?? []) await t.database.db.insert(fabriqueProfileSkills).values({ userRef: userId, framework: 'crcn', code: s.code, level: s.level }).onConflictDoNothing();
}
