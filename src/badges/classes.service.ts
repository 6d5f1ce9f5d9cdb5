import { getSession, managesSession } from '../catalog';
import type { Actor } from '../lti';
import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db/client';
import { ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from '../platform/errors';
import type { BadgeForm } from './badges.schema';
import { findClass, findCompetences, findSeriesFacts, insertClass, updateClass, type BadgeClassRow } from './badges.repo';
import { checkImage, templateSvg, type ImageProblem } from './images';
import { ruleTargets, type Rule } from './rules';

/** Authoring badge classes: organisers for their course, administrators for académie-wide ones. */
export interface ClassDeps {
  db: Db;
  clock: Clock;
}

/**
 * Whether the actor may change a badge class, knowing which sessions they manage (see `managedSessionsOf`):
 * administrators always; organisers for their own course's; and a course badge of a session for whoever
 * manages that session (its owner and co-organiser courses), like the session's other content. A course that
 * only links the session does not (README, "Who authors what").
 */
export function canManageWith(actor: Actor, badge: Pick<BadgeClassRow, 'contextRef' | 'sessionId'>, managed: ReadonlySet<string>): boolean {
  if (actor.isAdmin) return true;
  if (actor.role !== 'organiser' || badge.contextRef === null) return false;
  return badge.contextRef === actor.contextRef || (badge.sessionId !== null && managed.has(badge.sessionId));
}

/** `canManageWith` for one badge, asking the catalogue about its session. */
export async function canManage(db: Db, actor: Actor, badge: Pick<BadgeClassRow, 'contextRef' | 'sessionId'>): Promise<boolean> {
  const managed = badge.sessionId !== null && actor.role === 'organiser' && (await managesSession(db, actor, badge.sessionId));
  return canManageWith(actor, badge, new Set(managed ? [badge.sessionId!] : []));
}

/** Loads a class the actor may manage: 404 when it does not exist, 403 when it belongs to another course. */
export async function loadManageable(deps: ClassDeps, actor: Actor, id: string): Promise<BadgeClassRow> {
  const badge = await findClass(deps.db, id);
  if (!badge) throw new NotFoundError(`No badge ${id}`, { messageKey: 'badges.errors.not_found' });
  if (!(await canManage(deps.db, actor, badge))) throw new ForbiddenError('Badge of another course', { messageKey: 'badges.errors.other_course' });
  return badge;
}

/** Whether the actor manages the badge through its session (not only through its course): they then see and award the session's participants. */
export async function managesBadgeSession(db: Db, actor: Actor, badge: Pick<BadgeClassRow, 'sessionId'>): Promise<boolean> {
  return badge.sessionId !== null && (actor.isAdmin || (actor.role === 'organiser' && (await managesSession(db, actor, badge.sessionId))));
}

const fail = (issues: FieldIssue[]) => new ValidationError('Invalid badge', issues, { messageKey: 'errors.validation_failed' });

/** The rule of a form, checked against the catalogue so that it can fire: the session, series or competence must exist and be the actor's. */
async function ruleOf(deps: ClassDeps, actor: Actor, form: BadgeForm, today: string): Promise<Rule> {
  const issues: FieldIssue[] = [];
  const own = (contextRef: string | null) => actor.isAdmin || (contextRef !== null && contextRef === actor.contextRef);
  let rule: Rule = { kind: 'manual' };
  if (form.rule_kind === 'session-completed') {
    // A session the actor manages: their course's, one their course co-organises (never one it only links).
    const session = await getSession(deps.db, form.session_id!);
    if (!session || !(await managesSession(deps.db, actor, session.id))) issues.push({ path: 'session_id', message: 'badges.errors.session_unknown' });
    else if (session.status === 'cancelled' || session.status === 'archived') issues.push({ path: 'session_id', message: 'badges.errors.session_closed' });
    rule = { kind: 'session-completed', sessionId: form.session_id! };
  } else if (form.rule_kind === 'sessions-count') {
    if (form.series_id) {
      const series = await findSeriesFacts(deps.db, form.series_id);
      if (!series || !own(series.ownerContextRef)) issues.push({ path: 'series_id', message: 'badges.errors.series_unknown' });
      // A series with fewer sessions than asked can never award the badge.
      else if (series.sessions < form.count!) issues.push({ path: 'count', message: 'badges.errors.count_above_series' });
    }
    if (form.to && form.to < today) issues.push({ path: 'to', message: 'badges.errors.period_over' });
    rule = { kind: 'sessions-count', count: form.count!, seriesId: form.series_id, from: form.from, to: form.to };
  } else if (form.rule_kind === 'positioning-gain') {
    const [framework, code] = form.competence!.split(':') as [string, string];
    if (!(await findCompetences(deps.db, [{ framework, code }])).length) issues.push({ path: 'competence', message: 'badges.errors.competence_unknown' });
    rule = { kind: 'positioning-gain', framework, code, gain: form.gain! };
  } else if (form.rule_kind === 'fabrique-joined') {
    rule = { kind: 'fabrique-joined', count: form.projects! };
  } else if (form.rule_kind === 'presented') {
    rule = { kind: 'presented', count: form.presented! };
  }
  if (form.scope === 'academie' && !actor.isAdmin) issues.push({ path: 'scope', message: 'badges.errors.academie_admin_only' });
  if (form.scope === 'course' && !actor.contextRef) issues.push({ path: 'scope', message: 'badges.errors.no_course' });
  if (issues.length) throw fail(issues);
  return rule;
}

/** The image of a form: the uploaded file checked by content, or the chosen template drawn with the name. */
function imageOf(form: BadgeForm, upload: Buffer | undefined): { imageType: 'image/png' | 'image/svg+xml'; image: Buffer; template: string | null } {
  if (form.image_source === 'upload') {
    if (!upload) throw fail([{ path: 'image', message: 'badges.errors.image_required' }]);
    const checked = checkImage(upload);
    if ('problem' in checked) throw fail([{ path: 'image', message: `badges.errors.image_${checked.problem satisfies ImageProblem}` }]);
    return { imageType: checked.type, image: upload, template: null };
  }
  return { imageType: 'image/svg+xml', image: Buffer.from(templateSvg(form.template, form.colour, form.name)), template: `${form.template}:${form.colour}` };
}

async function valuesOf(deps: ClassDeps, actor: Actor, form: BadgeForm, upload: Buffer | undefined) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(deps.clock.now());
  const rule = await ruleOf(deps, actor, form, today);
  const pairs = form.competences.map((c) => { const [framework, code] = c.split(':') as [string, string]; return { framework, code }; });
  const competences = await findCompetences(deps.db, pairs);
  if (competences.length !== new Set(form.competences).size) throw fail([{ path: 'competences', message: 'badges.errors.competence_unknown' }]);
  return { name: form.name, description: form.description, criteria: form.criteria, competences, rule, ...ruleTargets(rule), ...imageOf(form, upload) };
}

/** Creates a badge class; refuses, listing every field, a rule that cannot fire or an unsafe image. */
export async function createBadgeClass(deps: ClassDeps, actor: Actor, form: BadgeForm, upload: Buffer | undefined): Promise<BadgeClassRow> {
  if (actor.role !== 'organiser' && !actor.isAdmin) throw new ForbiddenError('Organiser role required', { messageKey: 'errors.organiser_only' });
  const values = await valuesOf(deps, actor, form, upload);
  return insertClass(deps.db, { ...values, contextRef: form.scope === 'academie' ? null : actor.contextRef, createdBy: actor.userId });
}

/**
 * Edits a badge class. Awards already given keep what they were given for (their assertion points at the
 * class, which shows its current text); a new image replaces the old one only when one is given.
 */
export async function editBadgeClass(deps: ClassDeps, actor: Actor, id: string, form: BadgeForm, upload: Buffer | undefined): Promise<void> {
  const badge = await loadManageable(deps, actor, id);
  const keepImage = form.image_source === 'upload' && !upload && badge.template === null;
  const values = await valuesOf(deps, actor, keepImage ? { ...form, image_source: 'template' } : form, upload);
  const scope = form.scope === 'academie' ? null : (badge.contextRef ?? actor.contextRef);
  await updateClass(deps.db, id, { ...values, ...(keepImage ? { image: badge.image, imageType: badge.imageType, template: null } : {}), contextRef: actor.isAdmin ? scope : badge.contextRef });
}

/** Archives (or restores) a class: an archived class awards nothing more; its awards stay valid. */
export async function setArchived(deps: ClassDeps, actor: Actor, id: string, archived: boolean): Promise<void> {
  await loadManageable(deps, actor, id);
  await updateClass(deps.db, id, { archived });
}
