import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from './actor';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from './errors';
import type { Logger } from './logger';

/**
 * The access policy: every route declares who may use it, where it is mounted, with one of the handlers of
 * `ctx.allow` (which enforces it); services still check the row they load. The ownership rules behind the
 * session kinds belong to the catalog slice, which answers `ctx.sessionAccess`.
 */

/** How an actor stands towards one session: manages it (owner course, co-organiser course, admin), only links it, or neither. */
export type SessionRelation = 'manager' | 'linked' | 'none';

/** A session as the policy sees it: its status and the actor's relation to it. */
export interface SessionAccess {
  sessionId: string;
  status: string;
  relation: SessionRelation;
}

/** Answers, for an actor and a session id, the session's access facts, or undefined when there is no such session. */
export type SessionAccessResolver = (actor: Actor, sessionId: string) => Promise<SessionAccess | undefined>;

/** The permission kinds; the session kinds name the route parameter that holds the session id. */
export type Permission =
  | { kind: 'anonymous' }
  /** No launch needed: the slice authenticates the caller itself (the LRS's Basic credentials). */
  | { kind: 'credential' }
  | { kind: 'launched' }
  | { kind: 'participant-of-session'; param: string }
  /** `linked`: organisers of a course that only links the session pass too (the handler scopes to their course). */
  | { kind: 'organiser-of-session'; param: string; linked: boolean }
  | { kind: 'organiser-of-course' }
  | { kind: 'admin' }
  /** Members of a group that a slice defines with `allow.defineGroup` (e.g. la Fabrique's steering committee). */
  | { kind: 'member-of'; group: string };

/** Who belongs to a group, as the slice that defines it answers, and the 403 message for the others. */
export interface GroupMembership {
  isMember(actor: Actor): Promise<boolean>;
  messageKey: string;
}

const PERMISSION = Symbol.for('instants.permission');

/** The permission a handler enforces, when it is one of the policy's handlers. */
export function permissionOf(handler: unknown): Permission | undefined {
  return (handler as { [PERMISSION]?: Permission } | null)?.[PERMISSION];
}

/** A short name for a permission, as AGENTS.md and the matrix test write it, e.g. `organiser-of(session :id, linked)`. */
export function describePermission(p: Permission): string {
  if (p.kind === 'participant-of-session') return `participant-of(session :${p.param})`;
  if (p.kind === 'organiser-of-session') return `organiser-of(session :${p.param}${p.linked ? ', linked' : ''})`;
  if (p.kind === 'organiser-of-course') return 'organiser-of(course)';
  if (p.kind === 'member-of') return `member-of(${p.group})`;
  return p.kind;
}

/** What a session route's handler may read after the policy let it through (its relation scopes what it shows). */
export function sessionAccessOf(res: Response): SessionAccess | undefined {
  return res.locals.sessionAccess as SessionAccess | undefined;
}

function actorIn(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new UnauthenticatedError();
  return actor;
}

/**
 * Whether `actor` passes `p` without looking anything up: true or false for the kinds the launch alone decides
 * (anonymous, launched, organiser of the course, administrator), undefined for those that need the database (a
 * session, a group). Menus use it to list only what someone may open; `check` below is the enforcement.
 */
export function permits(p: Permission | undefined, actor: Actor | undefined): boolean | undefined {
  if (!p || p.kind === 'credential') return false;
  if (p.kind === 'anonymous') return true;
  if (!actor) return false;
  if (p.kind === 'launched') return true;
  if (p.kind === 'admin') return actor.isAdmin;
  if (p.kind === 'organiser-of-course') return actor.role === 'organiser' || actor.isAdmin;
  return undefined;
}

async function check(p: Permission, resolver: () => SessionAccessResolver | undefined, req: Request, res: Response, groups?: Map<string, GroupMembership>): Promise<void> {
  if (p.kind === 'anonymous' || p.kind === 'credential') return;
  const actor = actorIn(res);
  if (p.kind === 'launched') return;
  if (p.kind === 'member-of') {
    const group = groups?.get(p.group);
    if (!group) throw new Error(`No group ${p.group}: its slice defines it with allow.defineGroup`);
    if (!(await group.isMember(actor))) throw new ForbiddenError(`Member of ${p.group} required`, { messageKey: group.messageKey });
    return;
  }
  if (p.kind === 'admin') {
    if (!actor.isAdmin) throw new ForbiddenError('Administrator role required', { messageKey: 'errors.admin_only' });
    return;
  }
  if (p.kind === 'organiser-of-course' || p.kind === 'organiser-of-session') {
    if (actor.role !== 'organiser' && !actor.isAdmin) throw new ForbiddenError('Organiser role required', { messageKey: 'errors.organiser_only' });
    if (p.kind === 'organiser-of-course') return;
  }
  const resolve = resolver();
  if (!resolve) throw new Error('No session access resolver: the catalog slice sets ctx.sessionAccess');
  const id = String(req.params[p.param] ?? '');
  const found = await resolve(actor, id);
  if (!found) throw new NotFoundError(`No session ${id}`);
  if (p.kind === 'participant-of-session') {
    // A draft is known only to its organisers: for everyone else it does not exist.
    if (found.status === 'draft' && found.relation !== 'manager') throw new NotFoundError(`No session ${id}`);
  } else if (found.relation === 'none' || (found.relation === 'linked' && !p.linked)) {
    throw new ForbiddenError('Session of another course', { messageKey: 'errors.other_course' });
  }
  res.locals.sessionAccess = found;
}

/** The enforcing handler of one permission, tagged so that the start-up check and the matrix test can read it. */
export function permit(p: Permission, resolver: () => SessionAccessResolver | undefined = () => undefined, groups?: Map<string, GroupMembership>): RequestHandler {
  const handler = (req: Request, res: Response, next: NextFunction) => {
    check(p, resolver, req, res, groups).then(() => next(), next);
  };
  Object.defineProperty(handler, PERMISSION, { value: p });
  Object.defineProperty(handler, 'name', { value: `allow ${describePermission(p)}` });
  return handler;
}

/** The declarations a route can carry, one per permission kind (`ctx.allow`). */
export interface Allow {
  /** Anyone, without a launch (public pages, the LTI protocol endpoints, scripts). */
  anonymous(): RequestHandler;
  /** Clients with the slice's own credentials (the xAPI API): no launch needed, the slice checks them. */
  credential(): RequestHandler;
  /** Anyone launched from Moodle, whatever their role or course. */
  launched(): RequestHandler;
  /** Anyone launched who may take part in the session named by `param`: it exists, and is not a draft unless they manage it (404). */
  participantOfSession(param?: string): RequestHandler;
  /** An organiser who manages the session named by `param` (403 otherwise, 404 when it does not exist). */
  organiserOfSession(param?: string, options?: { linked?: boolean }): RequestHandler;
  /** An organiser (or an administrator) of the launch's course: the handler shows only that course's data. */
  organiserOfCourse(): RequestHandler;
  /** A platform administrator (LTI institution or system Administrator role). */
  admin(): RequestHandler;
  /** A member of a group defined by a slice (403 with the group's message otherwise). */
  memberOf(group: string): RequestHandler;
  /** Defines a group for `memberOf` (once per name, by the slice whose rule it is). */
  defineGroup(group: string, membership: GroupMembership): void;
}

/** Builds the declarations of an app; session kinds ask `resolver()` at request time. */
export function createAllow(resolver: () => SessionAccessResolver | undefined): Allow {
  const groups = new Map<string, GroupMembership>();
  return {
    anonymous: () => permit({ kind: 'anonymous' }),
    credential: () => permit({ kind: 'credential' }),
    launched: () => permit({ kind: 'launched' }),
    participantOfSession: (param = 'id') => permit({ kind: 'participant-of-session', param }, resolver),
    organiserOfSession: (param = 'id', options = {}) => permit({ kind: 'organiser-of-session', param, linked: options.linked ?? false }, resolver),
    organiserOfCourse: () => permit({ kind: 'organiser-of-course' }),
    admin: () => permit({ kind: 'admin' }),
    memberOf: (group) => permit({ kind: 'member-of', group }, resolver, groups),
    defineGroup: (group, membership) => {
      if (groups.has(group)) throw new Error(`Group ${group} is already defined`);
      groups.set(group, membership);
    },
  };
}

/** One route of an app, with the permission it declares (undefined: none). */
export interface RouteDeclaration {
  method: string;
  path: string;
  permission: Permission | undefined;
}

interface LayerLike {
  handle: unknown;
  rawPath?: unknown;
  slash?: boolean;
  route?: { path: unknown; methods: Record<string, boolean>; stack: LayerLike[] };
}

const pathText = (p: unknown): string => (Array.isArray(p) ? p.map(pathText).join('|') : p instanceof RegExp ? String(p) : String(p ?? ''));
const join = (prefix: string, path: string) => (prefix + (path === '/' && prefix ? '' : path)).replace(/\/{2,}/g, '/') || '/';

function walk(stack: LayerLike[], prefix: string, inherited: Permission | undefined, out: RouteDeclaration[]): void {
  let current = inherited;
  for (const layer of stack) {
    if (layer.route) {
      const own = layer.route.stack.map((l) => permissionOf(l.handle)).find(Boolean) ?? current;
      const methods = Object.keys(layer.route.methods).filter((m) => layer.route!.methods[m]);
      for (const m of methods) out.push({ method: m === '_all' ? 'ALL' : m.toUpperCase(), path: join(prefix, pathText(layer.route.path)), permission: own });
      continue;
    }
    const tagged = permissionOf(layer.handle);
    // A policy handler used on a whole router (router.use(allow.x())) declares every route after it.
    if (tagged && (layer.slash || layer.rawPath === '/')) current = tagged;
    const nested = (layer.handle as { stack?: LayerLike[] } | null)?.stack;
    if (Array.isArray(nested)) walk(nested, join(prefix, layer.slash ? '' : pathText(layer.rawPath)), current, out);
  }
}

/**
 * Every route of an express app (routes of routers mounted with `app.use` included), each with its declared
 * permission. Mounted sub-applications (ltijs) and plain middleware (static files) are not routes.
 */
export function listRoutes(app: Express): RouteDeclaration[] {
  const out: RouteDeclaration[] = [];
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '', undefined, out);
  return out;
}

/** Routes mounted without a declared permission: an error in development and tests when `strict`, else a warning. */
export function checkRouteDeclarations(app: Express, options: { strict: boolean; log: Logger }): void {
  const missing = listRoutes(app).filter((r) => !r.permission);
  if (missing.length === 0) return;
  const list = missing.map((r) => `${r.method} ${r.path}`);
  if (options.strict) throw new Error(`Routes mounted without a declared permission (see AGENTS.md, "Access policy"): ${list.join(', ')}`);
  options.log.warn({ routes: list }, 'routes mounted without a declared permission (see AGENTS.md, "Access policy")');
}
