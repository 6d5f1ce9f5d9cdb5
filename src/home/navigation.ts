import type { Express, Request, RequestHandler, Response } from 'express';
import { listRoutes, permits, sessionAccessOf, type Permission, type SessionAccess } from '../platform/access';
import type { Actor } from '../platform/actor';
import type { AppContext } from '../platform/context';
import type { Translate } from '../platform/i18n';

/**
 * The one navigation of Instants, built from the access policy: a page is listed for someone only when its
 * GET route's declared permission lets them in (AGENTS.md, "Access policy"), so the menu never offers a 403.
 * Main menu: one list for participants, one for organisers (and administrators); a session's organiser
 * pages also get tabs, filtered the same way by how the organiser stands towards that session.
 */

/** A page of a menu; `under`: the paths below which it is the current section (its own path by default). */
interface Entry {
  key: string;
  href: string;
  under?: string[];
  exact?: boolean;
}
/** A drop-down of pages. */
interface Group {
  key: string;
  entries: Entry[];
}
type Item = Entry | Group;

/** What the header draws: a link, or a drop-down with its own links. */
export interface NavLink {
  label: string;
  href: string;
  active: boolean;
  /** The very page shown (aria-current="page"). */
  current: boolean;
}
export interface NavItem extends NavLink {
  entries?: NavLink[];
}

/** Where a launched person lands: their sessions and what needs attention. */
export const HOME_PATH = '/home';

const PARTICIPANT_MENU: Item[] = [
  { key: 'home', href: HOME_PATH, under: [HOME_PATH, '/sessions/', '/me/sessions'] },
  { key: 'catalogue', href: '/catalogue' },
  { key: 'my_badges', href: '/badges/mine' },
  { key: 'offer', href: '/me/offers' },
  { key: 'fabrique', href: '/fabrique' },
  { key: 'profile', href: '/me/profile' },
  { key: 'my_data', href: '/me/data' },
];

const ORGANISER_MENU: Item[] = [
  { key: 'home', href: HOME_PATH, under: [HOME_PATH, '/me/sessions'] },
  {
    key: 'sessions',
    entries: [
      { key: 'course_sessions', href: '/organiser', exact: true, under: ['/organiser/sessions/', '/lti/bind'] },
      { key: 'series', href: '/organiser/series' },
      { key: 'catalogue', href: '/catalogue', under: ['/catalogue', '/sessions/'] },
      { key: 'frameworks', href: '/organiser/frameworks' },
    ],
  },
  { key: 'dashboard', href: '/organiser/dashboard' },
  {
    key: 'needs',
    entries: [
      { key: 'wishes', href: '/organiser/wishes' },
      { key: 'offers', href: '/organiser/offers' },
    ],
  },
  { key: 'badges', href: '/organiser/badges' },
  { key: 'fabrique', href: '/fabrique' },
  {
    key: 'admin',
    entries: [
      { key: 'admin_lti', href: '/admin/lti' },
      { key: 'admin_lrs', href: '/admin/lrs' },
      { key: 'admin_xapi', href: '/admin/xapi' },
      { key: 'admin_people', href: '/admin/people' },
      { key: 'admin_privacy', href: '/admin/privacy' },
    ],
  },
  {
    key: 'me',
    entries: [
      { key: 'profile', href: '/me/profile' },
      { key: 'my_badges', href: '/badges/mine' },
      { key: 'offer', href: '/me/offers' },
      { key: 'my_data', href: '/me/data' },
    ],
  },
];

/** The organiser pages of one session, in the order of a session's life. */
const SESSION_TABS: Entry[] = [
  { key: 'session', href: '/organiser/sessions/:id', exact: true },
  { key: 'resources', href: '/organiser/sessions/:id/resources' },
  { key: 'activities', href: '/organiser/sessions/:id/activities' },
  { key: 'checkin', href: '/organiser/sessions/:id/checkin' },
  { key: 'participants', href: '/organiser/sessions/:id/participants' },
  { key: 'grades', href: '/organiser/sessions/:id/grades' },
  { key: 'roster', href: '/organiser/sessions/:id/roster' },
  { key: 'results', href: '/organiser/dashboard/sessions/:id' },
];

const SESSION_PAGE = /^\/organiser\/(?:dashboard\/)?sessions\/([0-9a-f-]{36})(?:\/|$)/i;
const RESULTS_PAGE = /^\/organiser\/dashboard\/sessions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

type RouteMap = ReadonlyMap<string, Permission | undefined>;

const isActive = (e: Entry, path: string) =>
  (e.exact ? path === e.href : path === e.href || path.startsWith(`${e.href}/`)) || (e.under ?? []).some((u) => (u.endsWith('/') ? path.startsWith(u) : path === u || path.startsWith(`${u}/`)));

function link(e: Entry, label: string, path: string, href = e.href): NavLink {
  return { label, href, active: isActive({ ...e, href }, path), current: path === href };
}

/** The main menu for `actor` on `path`: the entries whose page they may open; empty without a launch. */
export function mainNavigation(routes: RouteMap, actor: Actor | undefined, path: string, t: Translate): NavItem[] {
  if (!actor) return [];
  const may = (e: Entry) => routes.has(e.href) && permits(routes.get(e.href), actor) === true;
  const menu = actor.role === 'organiser' || actor.isAdmin ? ORGANISER_MENU : PARTICIPANT_MENU;
  const items: NavItem[] = [];
  for (const item of menu) {
    if ('href' in item) {
      if (may(item)) items.push(link(item, t(`home.nav.${item.key}`), path));
      continue;
    }
    const entries = item.entries.filter(may).map((e) => link(e, t(`home.nav.${e.key}`), path));
    // The first active entry wins, so that a page is the current one under one drop-down only.
    if (entries.length) items.push({ label: t(`home.nav.${item.key}`), href: entries[0]!.href, active: entries.some((e) => e.active), current: false, entries });
  }
  // A page matched by several entries (a session page under Home and Catalogue): only the first stays active.
  let seen = false;
  for (const item of items) {
    if (item.active && seen) {
      item.active = false;
      for (const e of item.entries ?? []) e.active = false;
    }
    seen ||= item.active;
  }
  return items;
}

/** The tabs of a session's organiser pages the actor may open (a linking course sees its own people's pages only). */
export function sessionTabs(routes: RouteMap, access: SessionAccess | undefined, path: string, t: Translate): NavLink[] {
  const id = SESSION_PAGE.exec(path)?.[1];
  if (!id || !access || access.sessionId !== id || access.relation === 'none') return [];
  return SESSION_TABS.filter((e) => {
    const p = routes.get(e.href);
    if (p?.kind === 'organiser-of-session') return access.relation === 'manager' || p.linked;
    // A course-level page of one session (its results): the handler shows it to the session's managers only.
    return p?.kind === 'organiser-of-course' && access.relation === 'manager';
  }).map((e) => link(e, t(`home.tabs.${e.key}`), path, e.href.replace(':id', id)));
}

/**
 * Gives every page `navigation` (main menu), `sessionTabs` and `homeUrl`. Menus are computed when a page is
 * rendered (getters read by `res.render`), after the route's permission handler has run.
 */
export function navigationLocals(app: Express, ctx: Pick<AppContext, 'sessionAccess'>): RequestHandler {
  let routes: Map<string, Permission | undefined> | undefined;
  // Read once, on the first request, when every slice has mounted its routes.
  const routeMap = () => (routes ??= new Map(listRoutes(app).filter((r) => r.method === 'GET').map((r) => [r.path, r.permission])));
  return async (req: Request, res: Response, next) => {
    const t = () => res.locals.t as Translate | undefined;
    const actor = () => res.locals.actor as Actor | undefined;
    // A session's results are declared for the course's organisers (their key may name no catalogue session):
    // how the organiser stands towards that session is asked here, for its tabs.
    const results = RESULTS_PAGE.exec(req.path)?.[1];
    const resultsAccess = results && req.method === 'GET' && actor() && ctx.sessionAccess ? await ctx.sessionAccess(actor()!, results) : undefined;
    const access = () => sessionAccessOf(res) ?? resultsAccess;
    Object.defineProperty(res.locals, 'navigation', { enumerable: true, configurable: true, get: () => (t() ? mainNavigation(routeMap(), actor(), req.path, t()!) : []) });
    Object.defineProperty(res.locals, 'sessionTabs', { enumerable: true, configurable: true, get: () => (t() && actor() ? sessionTabs(routeMap(), access(), req.path, t()!) : []) });
    Object.defineProperty(res.locals, 'homeUrl', { enumerable: true, configurable: true, get: () => (actor() ? HOME_PATH : '/') });
    next();
  };
}
