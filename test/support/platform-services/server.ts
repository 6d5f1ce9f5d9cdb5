import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createPlatformServices, MEDIA, SERVICE_SCOPES, type Grade, type LineItem, type ScorePost, type ServiceTool, type CourseMember } from '../../../src/lti';

/**
 * Moodle's side of the LTI Advantage services on its own loopback server, for tests and benches: the demo
 * platform's services (src/lti/demo/services.router.ts: token endpoint, AGS, NRPS, Moodle's rules) plus
 * failure injection (an outage, a run of given statuses).
 */

export { MEDIA, type ScorePost };
export const SIM_SCOPES = SERVICE_SCOPES;

export interface PlatformServices {
  url: string;
  issuer: string;
  tokenUrl: string;
  registerTool(tool: ServiceTool): void;
  /** Adds a course (context) with its members; returns its service URLs for launches. */
  addCourse(contextId: string, members: CourseMember[], typeId?: string): { lineitems: string; memberships: string };
  /** Adds a grade item (the coupled one when `resourceLinkId` is given); returns its URL. */
  addLineItem(contextId: string, item: Omit<LineItem, 'id' | 'contextId'>, typeId?: string): string;
  lineItems(contextId?: string): LineItem[];
  /** The gradebook column of a line item (by URL or id): userId → grade. */
  gradebook(lineItem: string | number): Map<string, Grade>;
  readonly scorePosts: ScorePost[];
  readonly stats: { tokenRequests: number; scoreRequests: number; membershipPages: number; refused: Record<number, number> };
  /** While down, every request gets a 503 (or the connection is cut when `mode` is 'reset'). */
  setDown(down: boolean, mode?: '503' | 'reset'): void;
  /** The next `count` service requests get this status (e.g. 429 with Retry-After, 500), with Moodle's JSON or the `answer` given (an HTML page…). */
  failNext(count: number, status: number, answer?: { type: string; body: string }): void;
  /** Sets a grade as if posted by someone else (to provoke 409s). */
  setGrade(lineItem: string | number, userId: string, grade: Grade): void;
  close(): Promise<void>;
}

/** Starts the simulated platform services on 127.0.0.1 (random port); `now` lets tests share their clock. */
export async function startPlatformServices(options: { pageSizeMax?: number; tokenLifetimeSeconds?: number; now?: () => Date } = {}): Promise<PlatformServices> {
  const app = express();
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const core = createPlatformServices({ ...options, baseUrl: url });
  let down: false | '503' | 'reset' = false;
  let failures: { count: number; status: number; answer?: { type: string; body: string } } = { count: 0, status: 500 };
  app.use((req, res, next) => {
    if (down === 'reset') return req.socket.destroy();
    if (down) return core.refuse(res, 503, 'Service Unavailable');
    if (failures.count > 0) {
      failures.count -= 1;
      if (failures.status === 429) res.set('Retry-After', '1');
      if (failures.answer) return void res.status(failures.status).type(failures.answer.type).send(failures.answer.body);
      return core.refuse(res, failures.status, 'injected failure');
    }
    next();
  });
  app.use(core.router);
  return {
    url,
    issuer: url,
    tokenUrl: core.tokenUrl,
    registerTool: (tool) => core.registerTool(tool),
    addCourse: (contextId, members, typeId) => core.addCourse(contextId, members, typeId),
    addLineItem: (contextId, item, typeId) => core.addLineItem(contextId, item, typeId),
    lineItems: (contextId) => core.lineItems(contextId),
    gradebook: (ref) => core.gradebook(ref),
    setGrade: (ref, userId, grade) => core.setGrade(ref, userId, grade),
    scorePosts: core.scorePosts,
    stats: core.stats,
    setDown(value, mode = '503') {
      down = value ? mode : false;
    },
    failNext(count, status, answer) {
      failures = { count, status, answer };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
