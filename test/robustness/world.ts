import type fc from 'fast-check';
import { buildSession } from '../activities/helpers';
import type { TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { Browser, csrfTokenFrom } from '../support/http';

/** Who sends a request: nobody, or a browser signed in as after a launch. */
export type Role = 'anonymous' | 'participant' | 'organiser' | 'administrator';
export const ROLES: readonly Role[] = ['anonymous', 'participant', 'organiser', 'administrator'];

/** A browser of one role with the CSRF token its pages carry (none for anonymous visitors). */
export interface Actor {
  role: Role;
  browser: Browser;
  csrf: string | undefined;
}

/** The app under test and what generated requests may name: ids that exist, and each role's browser. */
export interface World {
  t: TestApp;
  actors: Record<Role, Actor>;
  /** Ids of rows that exist (a session, its resource…), so that some requests get past the lookups. */
  ids: { session: string; resource: string; other: string };
  known: string[];
}

/** Builds the world once: a session of the organisers' course with a resource, and the four roles. */
export async function buildWorld(t: TestApp): Promise<World> {
  const contextId = 'course-robustness';
  const first = await signIn(t, { role: 'organiser', contextId });
  const { session, resources } = await buildSession(t.database.db, { ownerContextRef: first.contextRef });
  const organiser = await signIn(t, { role: 'organiser', contextId, sessionId: session.id });
  const participant = await signIn(t, { role: 'participant', contextId, sessionId: session.id });
  const admin = await signIn(t, { role: 'organiser', isAdmin: true, contextId: 'course-robustness-admin' });
  const tokenFrom = async (browser: Browser, path: string) => csrfTokenFrom(await (await browser.get(path)).text());
  const ids = { session: session.id, resource: resources[0]!.id, other: '7d2a5b3c-1e4f-4a6b-9c8d-0e1f2a3b4c5d' };
  return {
    t,
    ids,
    known: [ids.session, ids.resource, ids.other, 'crcn:2.3', '2.3', 'participant', 'organiser', 'published', 'draft', 'fr', 'en', 'csv', 'html', 'up', 'down'],
    actors: {
      anonymous: { role: 'anonymous', browser: new Browser(t.url), csrf: undefined },
      participant: { role: 'participant', browser: participant.browser, csrf: await tokenFrom(participant.browser, `/sessions/${session.id}/checkin`) },
      organiser: { role: 'organiser', browser: organiser.browser, csrf: await tokenFrom(organiser.browser, '/organiser/sessions/new') },
      administrator: { role: 'administrator', browser: admin.browser, csrf: await tokenFrom(admin.browser, '/organiser/sessions/new') },
    },
  };
}

/** One generated request, or a short exchange (a login then a launch), that must never get a 5xx. */
export interface Probe {
  /** What was sent, for the failure report (control characters escaped). */
  describe(): string;
  send(world: World, actor: Actor): Promise<Response>;
}

/** A set of generated probes for one target (a route, the launch URL…), run with its own fixed seed. */
export interface ProbeCase {
  label: string;
  arbitrary: fc.Arbitrary<Probe>;
  runs: number;
  /** Probes always sent first (deterministic sweeps), before the `runs` generated ones. */
  examples?: Probe[];
}

/**
 * A family of hostile input (the extension point): it lists its cases for a role. Tables listed in
 * `writesOnRefusal` may change on a refused request by design (a wrong check-in code is counted).
 */
export interface Family {
  name: string;
  /** Once, before any case: what the family learns from the app (the field names of its pages…). */
  prepare?(world: World): Promise<void>;
  cases(world: World, role: Role): ProbeCase[];
  writesOnRefusal?: string[];
}
