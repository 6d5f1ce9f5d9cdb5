import type { Clock } from '../platform/clock';
import type { Config } from '../platform/config';
import type { Db, DbOrTx } from '../platform/db/client';
import { NotFoundError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import type { DataSubject } from '../platform/personal-data';
import type { Secrets } from '../platform/secrets';
import { pseudonymOf } from '../xapi';
import { findPerson, identitiesOf, launchIdsOf, searchPeople, type PersonRow } from './subject.repo';

/** What the privacy services need. `roster` refreshes a course's roster from the platform (departures). */
export interface PrivacyDeps {
  db: Db;
  config: Config;
  clock: Clock;
  log: Logger;
  secrets: Secrets;
  roster?: (contextRef: string) => Promise<unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids come from URLs: anything that is not a uuid names nobody (never a database error). */
export const isUuid = (v: string) => UUID.test(v);

/** The actor identifier the LRS writes for a pseudonymous account. */
export const accountIfi = (issuer: string, pseudonym: string) => `account:${issuer} ${pseudonym}`;

/** The person behind a user id, with their pseudonym and launches; NotFoundError when there is none. */
export async function loadSubject(db: DbOrTx, pseudonymKey: string, userId: string): Promise<DataSubject> {
  const row = isUuid(userId) ? await findPerson(db, userId) : undefined;
  if (!row) throw new NotFoundError(`No person ${userId}`, { messageKey: 'privacy.errors.no_person' });
  return subjectOfRow(row, pseudonymKey, await launchIdsOf(db, row.id));
}

function subjectOfRow(row: PersonRow, pseudonymKey: string, launchIds: string[]): DataSubject {
  const pseudonym = pseudonymOf(pseudonymKey, row.issuer, row.sub);
  return {
    userId: row.id,
    issuer: row.issuer,
    sub: row.sub,
    name: row.name,
    givenName: row.given_name,
    familyName: row.family_name,
    email: row.email,
    pseudonym,
    ifi: accountIfi(row.issuer, pseudonym),
    launchIds,
  };
}

/** People matching a name, an e-mail, a platform user id or a pseudonym (64 hex digits), for the administrator. */
export async function findPeople(deps: Pick<PrivacyDeps, 'db' | 'secrets'>, query: string): Promise<PersonRow[]> {
  const q = query.trim();
  if (q.length < 2) return [];
  const pseudonym = /^[0-9a-f]{64}$/i.test(q) ? q.toLowerCase() : null;
  const byPseudonym = pseudonym ? (await identitiesOf(deps.db)).filter((u) => pseudonymOf(deps.secrets.pseudonymKey, u.issuer, u.sub) === pseudonym).map((u) => u.id) : [];
  return searchPeople(deps.db, q.slice(0, 200), byPseudonym);
}
