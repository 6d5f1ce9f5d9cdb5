import { eventSessionFor } from '../catalog';
import type { Actor } from '../lti';
import type { Config } from '../platform/config';
import type { AppContext } from '../platform/context';
import type { DbOrTx, Tx } from '../platform/db/client';
import type { Secrets } from '../platform/secrets';
import { recordEvents } from '../xapi';
import type { LearningEvent } from '../xapi/events';

/** What recording a learning event needs besides the transaction. */
export interface RecordDeps {
  config: Config;
  secrets: Secrets;
  /** `ctx.afterEventsRecorded` (badges awarded by the new records), called in the same transaction. */
  afterEventsRecorded?: AppContext['afterEventsRecorded'];
}

/** Who acts, and in which language and course: what every event of a participant carries. */
export interface EventWho {
  actor: Pick<Actor, 'userId' | 'issuer' | 'sub' | 'contextId' | 'contextTitle'> & Partial<Pick<Actor, 'service' | 'jobFamily'>>;
  language: string;
}

type Base = Pick<LearningEvent, 'actor' | 'session' | 'at' | 'language'>;

/** The common part of every event of a person in a session. */
export async function eventBase(db: DbOrTx, who: EventWho, sessionId: string, at: Date): Promise<Base> {
  const course = { issuer: who.actor.issuer, contextId: who.actor.contextId, contextTitle: who.actor.contextTitle };
  return {
    actor: { issuer: who.actor.issuer, sub: who.actor.sub, service: who.actor.service ?? null, jobFamily: who.actor.jobFamily ?? null },
    session: await eventSessionFor(db, sessionId, course),
    at,
    language: who.language,
  };
}

/** Writes the statements of the events in the caller's transaction (the domain rows are written by the caller). */
export async function record(tx: Tx, events: LearningEvent[], deps: RecordDeps): Promise<void> {
  if (events.length) await recordEvents(tx, events, { config: deps.config, secrets: deps.secrets, afterEventsRecorded: deps.afterEventsRecorded });
}
