import { erasePerson } from './erasure.service';
import { clearDeparture, coursesWithRoster, departureOf, flagDepartures, flaggedIds, insertAudit, rosterPresence, upsertDeparture } from './subject.repo';
import type { PrivacyDeps } from './subject.service';

/** What one run of the departures job found and did. */
export interface DeparturesRun {
  rostersRead: number;
  absent: number;
  flagged: number;
  erased: number;
}

/**
 * People who leave (issue 20): rosters of every course with a roster service are read again from the
 * platform (NRPS), then each person who launched from such a course is present if any cached roster of
 * their courses lists them. An absence is recorded from the roster that first lacked them; a later roster
 * listing them, or a launch after it, ends it. Absent longer than PRIVACY_DEPARTURE_DAYS: flagged for the
 * administrator, and erased when PRIVACY_DEPARTURE_ERASE is true. Audit lines give counts only.
 */
export async function checkDepartures(deps: PrivacyDeps): Promise<DeparturesRun> {
  const now = deps.clock.now();
  let rostersRead = 0;
  if (deps.roster) {
    for (const contextRef of await coursesWithRoster(deps.db)) {
      try {
        await deps.roster(contextRef);
        rostersRead++;
      } catch (err) {
        deps.log.warn({ err, contextRef }, 'departures: roster not read');
      }
    }
  }
  let absent = 0;
  for (const p of await rosterPresence(deps.db)) {
    const known = await departureOf(deps.db, p.user_ref);
    const relaunched = known && new Date(p.last_launch) > known.absentSince;
    if (p.present || relaunched) {
      if (known) await clearDeparture(deps.db, p.user_ref);
      continue;
    }
    absent++;
    if (!known) await upsertDeparture(deps.db, p.user_ref, new Date(Math.min(now.getTime(), new Date(p.last_roster).getTime())), now);
  }
  const before = new Date(now.getTime() - deps.config.departures.days * 86_400_000);
  const flagged = await flagDepartures(deps.db, before, now);
  if (flagged.length) await insertAudit(deps.db, { action: 'departure.flagged', actorRef: null, detail: { people: flagged.length, days: deps.config.departures.days }, at: now });
  let erased = 0;
  if (deps.config.departures.erase) {
    for (const id of await flaggedIds(deps.db)) {
      await erasePerson(deps, id, null, 'departure');
      erased++;
    }
    if (erased) await insertAudit(deps.db, { action: 'departure.erased', actorRef: null, detail: { people: erased }, at: now });
  }
  if (flagged.length || erased) deps.log.info({ absent, flagged: flagged.length, erased }, 'departures checked');
  return { rostersRead, absent, flagged: flagged.length, erased };
}
