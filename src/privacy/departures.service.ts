import { erasePerson } from './erasure.service';
import { clearDeparture, coursesWithRoster, departureOf, flagDepartures, flaggedIds, insertAudit, listDepartures, rosterPresence, upsertDeparture } from './subject.repo';
import type { PrivacyDeps } from './subject.service';

/** What one run of the departures job found and did. */
export interface DeparturesRun {
  rostersRead: number;
  absent: number;
  flagged: number;
  erased: number;
}

/** What a run would do now, without reading rosters again or writing anything (the dry run). */
export interface DeparturesPlan {
  /** People absent from every cached roster of their courses. */
  absent: number;
  /** Absent longer than PRIVACY_DEPARTURE_DAYS and not flagged yet. */
  toFlag: number;
  /** Flagged already (shown on /admin/privacy). */
  flagged: number;
  /** Erased by the run when PRIVACY_DEPARTURE_ERASE is true (flagged already and newly flagged), else 0. */
  toErase: number;
}

type Presence = Awaited<ReturnType<typeof rosterPresence>>[number];
type Known = { absentSince: Date } | undefined;

/**
 * One person's state: present (a cached roster lists them, or they launched after their absence began),
 * or absent since the later of the newest roster lacking them and their last launch (they were there when
 * they launched), never later than now.
 */
function decide(p: Presence, known: Known, now: Date): { present: true } | { present: false; absentSince: Date } {
  if (p.present || (known && new Date(p.last_launch) > known.absentSince)) return { present: true };
  if (known) return { present: false, absentSince: known.absentSince };
  const seen = Math.max(new Date(p.last_roster).getTime(), new Date(p.last_launch).getTime());
  return { present: false, absentSince: new Date(Math.min(now.getTime(), seen)) };
}

const cutoffOf = (deps: Pick<PrivacyDeps, 'config'>, now: Date) => new Date(now.getTime() - deps.config.departures.days * 86_400_000);

/**
 * People who leave (issue 20): rosters of every course with a roster service are read again from the
 * platform (NRPS), then each person who launched from such a course is present if any cached roster of
 * their courses lists them. An absence is recorded from the roster that first lacked them (or their last
 * launch, if later); a later roster listing them, or a launch after it, ends it. Absent longer than
 * PRIVACY_DEPARTURE_DAYS: flagged for the administrator, and erased when PRIVACY_DEPARTURE_ERASE is true.
 * Audit lines give counts only. Without `deps.roster` (the CLI) the cached rosters are used as they are.
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
    const state = decide(p, known, now);
    if (state.present) {
      if (known) await clearDeparture(deps.db, p.user_ref);
      continue;
    }
    absent++;
    if (!known) await upsertDeparture(deps.db, p.user_ref, state.absentSince, now);
  }
  const flagged = await flagDepartures(deps.db, cutoffOf(deps, now), now);
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

/** What `checkDepartures` would do with the cached rosters, writing nothing. */
export async function planDepartures(deps: Pick<PrivacyDeps, 'db' | 'config' | 'clock'>): Promise<DeparturesPlan> {
  const now = deps.clock.now();
  const before = cutoffOf(deps, now);
  // Recorded absences (some no longer have a cached roster: they stay as they are), then the rosters' verdict.
  const state = new Map((await listDepartures(deps.db)).map((d) => [d.userRef, { absentSince: d.absentSince, flagged: d.flaggedAt !== null }]));
  for (const p of await rosterPresence(deps.db)) {
    const known = state.get(p.user_ref);
    const d = decide(p, known && { absentSince: known.absentSince }, now);
    if (d.present) state.delete(p.user_ref);
    else state.set(p.user_ref, { absentSince: d.absentSince, flagged: known?.flagged ?? false });
  }
  const all = [...state.values()];
  const flagged = all.filter((d) => d.flagged).length;
  const toFlag = all.filter((d) => !d.flagged && d.absentSince < before).length;
  return { absent: all.length, toFlag, flagged, toErase: deps.config.departures.erase ? toFlag + flagged : 0 };
}
