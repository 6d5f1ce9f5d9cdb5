import { eq } from 'drizzle-orm';
import type { Config } from '../../platform/config';
import { VersionedCache, type ChangeVersions } from '../../platform/db/changes';
import type { DbOrTx } from '../../platform/db/client';
import { xapiDestinations } from '../xapi.tables';
import type { Destination } from './destinations';

/** The change topic of xapi_destinations (migration 0320). */
export const DESTINATIONS_TOPIC = 'xapi_destinations';

/** What recording needs of an enabled destination: its id and filters. */
export type ForwardingTarget = Pick<Destination, 'id' | 'verbs' | 'activities'>;

/** Reads the enabled destinations. */
export function loadForwardingTargets(tx: DbOrTx): Promise<ForwardingTarget[]> {
  return tx.select({ id: xapiDestinations.id, verbs: xapiDestinations.verbs, activities: xapiDestinations.activities }).from(xapiDestinations).where(eq(xapiDestinations.enabled, true));
}

/**
 * The enabled destinations of one application, kept while the version of xapi_destinations read by the
 * writing transaction's first query is the one they were read at (so a destination added, disabled or
 * removed on any instance applies to the very next write, with no query in the meantime).
 */
export class ForwardingTargets {
  private readonly cache = new VersionedCache<'enabled', ForwardingTarget[]>(DESTINATIONS_TOPIC, 1);

  /** The enabled destinations at `versions` (read in this transaction), from the cache or read with `tx`. */
  enabled(tx: DbOrTx, versions: ChangeVersions | undefined): Promise<ForwardingTarget[]> {
    return this.cache.get('enabled', versions?.get(DESTINATIONS_TOPIC), () => loadForwardingTargets(tx));
  }
}

// One per application, found through its config object: recordEvents is called by many slices with
// `{ config, secrets }`; without an entry (a tool, a test building its own config), it reads the table.
const byConfig = new WeakMap<Config, ForwardingTargets>();

/** The application's forwarding targets (created by mountXapi). */
export function forwardingTargetsFor(config: Config): ForwardingTargets {
  let targets = byConfig.get(config);
  if (!targets) byConfig.set(config, (targets = new ForwardingTargets()));
  return targets;
}

/** The application's forwarding targets when mountXapi made them, else undefined. */
export function existingForwardingTargets(config: Config): ForwardingTargets | undefined {
  return byConfig.get(config);
}
