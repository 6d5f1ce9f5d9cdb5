import crypto from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { CourseMember, Grade, LineItem, ScorePost, ServiceTool } from './services.types';

/**
 * Moodle's side of the LTI Advantage services: the client-credentials token endpoint (`/mod/lti/token.php`),
 * AGS line items and scores, and NRPS memberships, each enforcing the rules Moodle's `mod/lti` enforces
 * (gradebookservices, memberships). Mounted by the demo platform under /demo and, on its own loopback
 * server, by the test simulator (test/support/platform-services). State lives in memory.
 */

export const MEDIA = {
  score: 'application/vnd.ims.lis.v1.score+json',
  lineitem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineitems: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  memberships: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
} as const;

export const SERVICE_SCOPES = {
  lineitem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineitemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  memberships: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;

const GRADABLE_ROLES = new Set(['Learner', 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner']);
const ACTIVITY = ['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed'];
const GRADING = ['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady'];

type Item = LineItem & { typeId: string };

export interface ServicesOptions {
  /** Absolute URL where the router is mounted (its `/mod/lti/...` paths hang below). */
  baseUrl: string;
  pageSizeMax?: number;
  tokenLifetimeSeconds?: number;
  now?: () => Date;
  /** Rebuilds a line item the platform has forgotten (the demo keeps its gradebook in memory), or undefined. */
  recoverLineItem?: (contextId: string, itemId: string) => Omit<LineItem, 'id' | 'contextId'> | undefined;
  /** First handler of the router (the app's access declaration: these endpoints check their own credentials). */
  gate?: RequestHandler;
}

/** The services' state and its router. */
export interface PlatformServicesCore {
  router: Router;
  tokenUrl: string;
  registerTool(tool: ServiceTool): void;
  /** Adds (or replaces) a course with its members; returns its service URLs for launches. */
  addCourse(contextId: string, members: CourseMember[], typeId?: string): { lineitems: string; memberships: string };
  /** Adds a grade item (the coupled one when `resourceLinkId` is given); returns its URL. An item with that id is kept. */
  addLineItem(contextId: string, item: Omit<LineItem, 'id' | 'contextId'> & { id?: string }, typeId?: string): string;
  lineItems(contextId?: string): LineItem[];
  /** The gradebook column of a line item (by URL or id): userId → grade. */
  gradebook(lineItem: string | number): Map<string, Grade>;
  setGrade(lineItem: string | number, userId: string, grade: Grade): void;
  readonly scorePosts: ScorePost[];
  readonly stats: { tokenRequests: number; scoreRequests: number; membershipPages: number; refused: Record<number, number> };
  /** Answers like Moodle's error pages (JSON `{status, reason}`), counting the refusal. */
  refuse(res: Response, status: number, message: string): void;
}

/** Builds the services on `options.baseUrl`. */
export function createPlatformServices(options: ServicesOptions): PlatformServicesCore {
  const now = options.now ?? (() => new Date());
  const url = options.baseUrl.replace(/\/+$/, '');
  const tokenUrl = `${url}/mod/lti/token.php`;
  const tools = new Map<string, { tool: ServiceTool; keys: JWTVerifyGetKey }>();
  const courses = new Map<string, { contextId: string; typeId: string; members: CourseMember[] }>();
  const items = new Map<string, Item>();
  const grades = new Map<string, Map<string, Grade>>();
  const tokens = new Map<string, { clientId: string; scopes: Set<string>; expiresAt: number }>();
  const seenJti = new Set<string>();
  const scorePosts: ScorePost[] = [];
  const stats = { tokenRequests: 0, scoreRequests: 0, membershipPages: 0, refused: {} as Record<number, number> };
  let nextItemId = 1;

  const lineItemUrl = (item: Item) => `${url}/mod/lti/services.php/${item.contextId}/lineitems/${encodeURIComponent(item.id)}/lineitem?type_id=${item.typeId}`;
  const refuse = (res: Response, status: number, message: string) => {
    stats.refused[status] = (stats.refused[status] ?? 0) + 1;
    res.status(status).type('application/json').send(JSON.stringify({ status, reason: message, request: { failed: true } }));
  };
  const router = express.Router();
  if (options.gate) router.use(options.gate);
  router.use('/mod/lti', express.text({ type: () => true, limit: '1mb' }));

  // Client-credentials grant with a JWT assertion (1EdTech Security Framework §4.1, Moodle's token.php).
  router.post('/mod/lti/token.php', async (req, res) => {
    stats.tokenRequests += 1;
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    if (!String(req.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return oauthError(res, 'invalid_request', 'form body expected');
    if (form.get('grant_type') !== 'client_credentials') return oauthError(res, 'unsupported_grant_type');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return oauthError(res, 'invalid_request', 'bad client_assertion_type');
    const assertion = form.get('client_assertion');
    if (!assertion) return oauthError(res, 'invalid_request', 'no client_assertion');
    let clientId: string;
    try {
      const [, payloadPart] = assertion.split('.');
      clientId = String((JSON.parse(Buffer.from(payloadPart ?? '', 'base64url').toString('utf8')) as { sub?: unknown }).sub ?? '');
    } catch {
      return oauthError(res, 'invalid_request', 'unreadable client_assertion');
    }
    const entry = tools.get(clientId);
    if (!entry) return oauthError(res, 'invalid_client', 'unknown client');
    try {
      const { payload, protectedHeader } = await jwtVerify(assertion, entry.keys, { algorithms: ['RS256'], audience: tokenUrl, issuer: clientId, subject: clientId, maxTokenAge: '10m', currentDate: now() });
      if (!protectedHeader.kid) return oauthError(res, 'invalid_client', 'no kid');
      if (!payload.jti || seenJti.has(payload.jti)) return oauthError(res, 'invalid_client', 'jti missing or reused');
      seenJti.add(payload.jti);
    } catch (err) {
      return oauthError(res, 'invalid_client', `assertion refused: ${(err as Error).message}`);
    }
    const allowed = new Set(entry.tool.scopes ?? Object.values(SERVICE_SCOPES));
    const granted = (form.get('scope') ?? '').split(/\s+/).filter((s) => allowed.has(s));
    if (!granted.length) return oauthError(res, 'invalid_scope');
    const accessToken = crypto.randomBytes(16).toString('hex');
    const lifetime = options.tokenLifetimeSeconds ?? 3600;
    tokens.set(accessToken, { clientId, scopes: new Set(granted), expiresAt: now().getTime() + lifetime * 1000 });
    res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, scope: granted.join(' ') });
  });

  const authorise = (scopes: string[]) => (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const token = m ? tokens.get(m[1]!) : undefined;
    if (!token || token.expiresAt < now().getTime()) return refuse(res, 401, 'Unauthorized');
    if (!scopes.some((s) => token.scopes.has(s))) return refuse(res, 401, 'Unauthorized: scope');
    const tool = tools.get(token.clientId)?.tool;
    if (!tool || tool.typeId !== typeIdOf(req)) return refuse(res, 403, 'Forbidden: wrong tool type');
    next();
  };
  const findCourse = (req: Request) => {
    const c = courses.get(String(req.params.contextId));
    return c && c.typeId === typeIdOf(req) ? c : undefined;
  };

  router.get('/mod/lti/services.php/:contextId/lineitems', authorise([SERVICE_SCOPES.lineitem, SERVICE_SCOPES.lineitemReadonly]), (req, res) => {
    const course = findCourse(req);
    if (!course) return refuse(res, 404, 'No such context');
    if (!accepts(req, [MEDIA.lineitems])) return refuse(res, 406, 'Not Acceptable');
    const q = req.query as Record<string, unknown>;
    const list = [...items.values()].filter(
      (i) =>
        i.contextId === course.contextId &&
        (!q.resource_link_id || i.resourceLinkId === q.resource_link_id) &&
        (!q.resource_id || i.resourceId === q.resource_id) &&
        (!q.tag || i.tag === q.tag),
    );
    res.type(MEDIA.lineitems).send(JSON.stringify(list.map((i) => present(i))));
  });

  router.post('/mod/lti/services.php/:contextId/lineitems', authorise([SERVICE_SCOPES.lineitem]), (req, res) => {
    const course = findCourse(req);
    if (!course) return refuse(res, 404, 'No such context');
    if (!String(req.get('content-type') ?? '').startsWith(MEDIA.lineitem)) return refuse(res, 415, 'Unsupported Media Type');
    const body = jsonBody(req);
    const max = Number(body?.scoreMaximum);
    if (!body || typeof body.label !== 'string' || !body.label || !Number.isFinite(max) || max <= 0) return refuse(res, 400, 'Incorrect lineitem');
    const item: Item = {
      id: String(nextItemId++),
      contextId: course.contextId,
      typeId: course.typeId,
      label: body.label,
      scoreMaximum: max,
      resourceLinkId: typeof body.resourceLinkId === 'string' ? body.resourceLinkId : undefined,
      resourceId: typeof body.resourceId === 'string' ? body.resourceId : undefined,
      tag: typeof body.tag === 'string' ? body.tag : undefined,
    };
    items.set(item.id, item);
    res.status(201).type(MEDIA.lineitem).send(JSON.stringify(present(item)));
  });

  const findItem = (req: Request) => {
    const course = findCourse(req);
    if (!course) return undefined;
    const id = String(req.params.itemId);
    let item = items.get(id);
    const recovered = item ? undefined : options.recoverLineItem?.(course.contextId, id);
    if (recovered) items.set(id, (item = { ...recovered, id, contextId: course.contextId, typeId: course.typeId }));
    return item && item.contextId === course.contextId ? item : undefined;
  };

  router.get('/mod/lti/services.php/:contextId/lineitems/:itemId/lineitem', authorise([SERVICE_SCOPES.lineitem, SERVICE_SCOPES.lineitemReadonly]), (req, res) => {
    const item = findItem(req);
    if (!item) return refuse(res, 404, 'No such line item');
    if (!accepts(req, [MEDIA.lineitem])) return refuse(res, 406, 'Not Acceptable');
    res.type(MEDIA.lineitem).send(JSON.stringify(present(item)));
  });

  // Scores: Moodle's gradebookservices rules.
  router.post('/mod/lti/services.php/:contextId/lineitems/:itemId/lineitem/scores', authorise([SERVICE_SCOPES.score]), (req, res) => {
    stats.scoreRequests += 1;
    const course = findCourse(req);
    const item = findItem(req);
    if (!course || !item) return refuse(res, 404, 'No such line item');
    if (!String(req.get('content-type') ?? '').startsWith(MEDIA.score)) return refuse(res, 415, 'Unsupported Media Type');
    const body = jsonBody(req);
    if (!body) return refuse(res, 400, 'Incorrect score received: not JSON');
    for (const field of ['userId', 'timestamp', 'activityProgress', 'gradingProgress']) {
      if (body[field] === undefined || body[field] === null || body[field] === '') return refuse(res, 400, `Incorrect score received: ${field} missing`);
    }
    if (!ACTIVITY.includes(String(body.activityProgress)) || !GRADING.includes(String(body.gradingProgress))) return refuse(res, 400, 'Incorrect score received: progress');
    const ts = Date.parse(String(body.timestamp));
    if (!Number.isFinite(ts)) return refuse(res, 400, 'Incorrect score received: timestamp');
    if (body.scoreGiven !== undefined) {
      const given = Number(body.scoreGiven);
      const max = Number(body.scoreMaximum);
      if (!Number.isFinite(given) || given < 0 || !Number.isFinite(max) || max <= 0) return refuse(res, 400, 'Incorrect score received: scoreGiven needs scoreMaximum');
    }
    const userId = String(body.userId);
    const member = course.members.find((m) => m.userId === userId && (m.status ?? 'Active') === 'Active');
    if (!member || !member.roles.some((r) => GRADABLE_ROLES.has(r))) return refuse(res, 400, 'Incorrect score received: user not gradable');
    const column = grades.get(item.id) ?? new Map<string, Grade>();
    grades.set(item.id, column);
    const seconds = Math.floor(ts / 1000);
    const previous = column.get(userId);
    if (previous && previous.timemodified >= seconds) return refuse(res, 409, `Refusing score with an earlier timestamp for item ${item.id} and user ${userId}`);
    const fully = body.gradingProgress === 'FullyGraded' && body.scoreGiven !== undefined;
    column.set(userId, {
      grade: fully ? (Number(body.scoreGiven) * item.scoreMaximum) / Number(body.scoreMaximum) : null,
      timemodified: seconds,
      activityProgress: String(body.activityProgress),
      gradingProgress: String(body.gradingProgress),
      comment: typeof body.comment === 'string' ? body.comment : undefined,
    });
    scorePosts.push({ lineItemId: item.id, userId, body });
    res.status(200).type('application/json').send('{}');
  });

  // Memberships: active enrolments only, short role names, paged by `limit`/`from` with a Link rel="next".
  router.get('/mod/lti/services.php/CourseSection/:contextId/bindings/:typeId/memberships', authorise([SERVICE_SCOPES.memberships]), (req, res) => {
    stats.membershipPages += 1;
    const course = findCourse(req);
    if (!course) return refuse(res, 404, 'No such context');
    if (!accepts(req, [MEDIA.memberships])) return refuse(res, 406, 'Not Acceptable');
    const active = course.members.filter((m) => (m.status ?? 'Active') === 'Active');
    const limit = Math.min(Number(req.query.limit) || active.length || 1, options.pageSizeMax ?? 1000);
    const from = Number(req.query.from) || 0;
    const page = active.slice(from, from + limit);
    const self = `${url}/mod/lti/services.php/CourseSection/${course.contextId}/bindings/${course.typeId}/memberships`;
    if (from + limit < active.length) res.set('Link', `<${self}?limit=${limit}&from=${from + limit}>; rel="next"`);
    res.type(MEDIA.memberships).send(
      JSON.stringify({
        id: self,
        context: { id: course.contextId, label: `C${course.contextId}`, title: `Cours ${course.contextId}` },
        members: page.map((m) => ({
          status: 'Active',
          roles: m.roles,
          user_id: m.userId,
          ...(m.name ? { name: m.name } : {}),
          ...(m.given_name ? { given_name: m.given_name } : {}),
          ...(m.family_name ? { family_name: m.family_name } : {}),
          ...(m.email ? { email: m.email } : {}),
        })),
      }),
    );
  });

  function present(i: Item) {
    return {
      id: lineItemUrl(i),
      label: i.label,
      scoreMaximum: i.scoreMaximum,
      ...(i.resourceLinkId ? { resourceLinkId: i.resourceLinkId } : {}),
      ...(i.resourceId ? { resourceId: i.resourceId } : {}),
      ...(i.tag ? { tag: i.tag } : {}),
    };
  }
  const itemId = (ref: string | number) => {
    const inUrl = /\/lineitems\/([^/?]+)\/lineitem/.exec(String(ref));
    return inUrl ? decodeURIComponent(inUrl[1]!) : String(ref);
  };

  return {
    router,
    tokenUrl,
    registerTool(tool) {
      const keys = tool.jwks ? createLocalJWKSet(tool.jwks as Parameters<typeof createLocalJWKSet>[0]) : createRemoteJWKSet(new URL(tool.jwksUrl!));
      tools.set(tool.clientId, { tool, keys });
    },
    addCourse(contextId, members, typeId = '1') {
      courses.set(contextId, { contextId, typeId, members });
      return {
        lineitems: `${url}/mod/lti/services.php/${contextId}/lineitems?type_id=${typeId}`,
        memberships: `${url}/mod/lti/services.php/CourseSection/${contextId}/bindings/${typeId}/memberships`,
      };
    },
    addLineItem(contextId, item, typeId = '1') {
      const existing = item.id === undefined ? undefined : items.get(item.id);
      if (existing) return lineItemUrl(existing);
      const full: Item = { ...item, id: item.id ?? String(nextItemId++), contextId, typeId };
      items.set(full.id, full);
      return lineItemUrl(full);
    },
    lineItems(contextId) {
      return [...items.values()].filter((i) => !contextId || i.contextId === contextId).map(({ typeId: _t, ...i }) => i);
    },
    gradebook(ref) {
      return grades.get(itemId(ref)) ?? new Map();
    },
    setGrade(ref, userId, grade) {
      const id = itemId(ref);
      const column = grades.get(id) ?? new Map<string, Grade>();
      grades.set(id, column);
      column.set(userId, grade);
    },
    scorePosts,
    stats,
    refuse,
  };
}

function typeIdOf(req: Request): string {
  const q = req.query.type_id;
  return typeof q === 'string' ? q : String(req.params.typeId ?? '');
}

function accepts(req: Request, types: string[]): boolean {
  const accept = req.get('accept');
  return !accept || accept.includes('*/*') || types.some((t) => accept.includes(t));
}

function jsonBody(req: Request): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(String(req.body ?? '')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function oauthError(res: Response, error: string, description?: string) {
  res.status(error === 'invalid_client' ? 401 : 400).json({ error, ...(description ? { error_description: description } : {}) });
}
