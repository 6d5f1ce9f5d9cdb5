import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { createScoreHandler, type CredentialsSource, type GradesDeps } from '../../src/grades';
import { ltiDeployments, ltiLaunches, ltiResourceLinks } from '../../src/lti/lti.tables';
import type { Database } from '../../src/platform/db/client';
import { Outbox } from '../../src/xapi';
import { createLogger } from '../../src/platform/logger';
import { buildLaunch } from '../support/factories';
import { makeToolKey, startPlatformServices, type PlatformServices, type SimMember, type ToolKey } from '../support/platform-services';

/**
 * Real time plus an offset that tests move forward (outbox rows are due by the database's clock, so the
 * app's clock must not lag behind it).
 */
export class TestClock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

export const CLIENT_ID = 'instants-client';
export const TYPE_ID = '3';

/** A Moodle services simulator with Instants registered, and our side's credentials for it. */
export interface GradesWorld {
  sim: PlatformServices;
  key: ToolKey;
  credentials: CredentialsSource;
  deps: GradesDeps;
  outbox: Outbox;
  clock: TestClock;
  /** Inserts a launch (as A's launch would persist it) with AGS endpoints for a course of the simulator. */
  launch(o: { sub: string; contextId: string; resourceLinkId: string; sessionId: string; coupled?: string | null; role?: 'participant' | 'organiser'; nrps?: boolean }): Promise<{ userId: string; resourceLinkRef: string; contextRef: string | null; launchId: string }>;
  /** Delivers due outbox rows until none are left (at most `rounds` passes). */
  drain(rounds?: number): Promise<number>;
  close(): Promise<void>;
}

export async function createGradesWorld(database: Database, o: { members?: Record<string, SimMember[]>; pageSizeMax?: number } = {}): Promise<GradesWorld> {
  const clock = new TestClock();
  const sim = await startPlatformServices({ pageSizeMax: o.pageSizeMax, now: () => clock.now() });
  const key = await makeToolKey();
  sim.registerTool({ clientId: CLIENT_ID, typeId: TYPE_ID, jwks: key.jwks });
  for (const [contextId, members] of Object.entries(o.members ?? {})) sim.addCourse(contextId, members, TYPE_ID);
  const credentials: CredentialsSource = async (issuer, clientId) =>
    issuer === sim.issuer && clientId === CLIENT_ID ? { issuer, clientId, tokenUrl: sim.tokenUrl, kid: key.kid, privateKey: key.privateKey } : undefined;
  const log = createLogger('silent');
  const deps: GradesDeps = { db: database.db, clock, log, credentials, tokenSecret: 'test-lti-key-0123456789abcdef0123456789abcdef' };
  const outbox = new Outbox({ db: database.db, clock, log, random: () => 0.5 });
  outbox.register('ags-score', createScoreHandler(deps));
  await database.db.insert(ltiDeployments).values({ issuer: sim.issuer, clientId: CLIENT_ID, deploymentId: TYPE_ID, source: 'declared' }).onConflictDoNothing();
  return {
    sim,
    key,
    credentials,
    deps,
    outbox,
    clock,
    async launch(l) {
      const ids = await buildLaunch(database.db, { issuer: sim.issuer, deploymentId: TYPE_ID, sub: l.sub, contextId: l.contextId, resourceLinkId: l.resourceLinkId, sessionId: l.sessionId, role: l.role });
      const base = `${sim.url}/mod/lti/services.php/${l.contextId}`;
      await database.db
        .update(ltiResourceLinks)
        .set({
          agsLineitem: l.coupled ?? null,
          agsLineitems: `${base}/lineitems?type_id=${TYPE_ID}`,
          agsScopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/lineitem', 'https://purl.imsglobal.org/spec/lti-ags/scope/score', 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly'],
        })
        .where(eq(ltiResourceLinks.id, ids.resourceLinkRef));
      await database.db
        .update(ltiLaunches)
        .set({ clientId: CLIENT_ID, nrpsUrl: l.nrps === false ? null : `${sim.url}/mod/lti/services.php/CourseSection/${l.contextId}/bindings/${TYPE_ID}/memberships` })
        .where(eq(ltiLaunches.id, ids.launchId));
      return ids;
    },
    async drain(rounds = 20) {
      let total = 0;
      for (let i = 0; i < rounds; i++) {
        const n = await outbox.runOnce();
        total += n;
        if (!n) break;
      }
      return total;
    },
    close: () => sim.close(),
  };
}

export const newSessionId = () => crypto.randomUUID();
