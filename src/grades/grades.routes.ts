import type { Express, Response } from 'express';
import { getSession, sessionAccessFor } from '../catalog';
import { actorOf, type Actor } from '../lti';
import type { AppContext } from '../platform/context';
import { AppError, ForbiddenError, NotFoundError } from '../platform/errors';
import { input, validate } from '../platform/http';
import { presentGrades, presentRoster } from './grades.present';
import { RosterQuerySchema, ScoreModeSchema, SessionParamsSchema } from './grades.schema';
import { rosterWithStatuses, type RosterOptions } from './roster.service';
import type { GradesDeps } from './score.handler';
import { findScoreMode, saveScoreMode } from './scores.repo';
import { gradeSync, retryRefusedScores } from './scores.service';

/**
 * The session an organiser may look at, and whose scores: every score for who manages it (owner or
 * co-organiser course, administrator), only their own course's for a course that just links it
 * (`ownCourse`); `manage` refuses the latter. 404 when it does not exist, 403 otherwise.
 */
async function sessionFor(ctx: AppContext, actor: Actor, sessionId: string, manage = false) {
  const session = await getSession(ctx.db, sessionId);
  if (!session) throw new NotFoundError('No such session', { messageKey: 'errors.not_found' });
  const relation = (await sessionAccessFor(ctx.db, actor, session.id))?.relation;
  if (relation === 'manager') return { session, ownCourse: null };
  if (relation === 'linked' && !manage && actor.contextRef) return { session, ownCourse: actor.contextRef };
  throw new ForbiddenError('Not a session of this course', { messageKey: 'errors.other_course' });
}

const t = (res: Response) => res.locals.t as (key: string, vars?: Record<string, unknown>) => string;

/** Organiser pages of the grades slice: grade sync (with retry and score setting) and the course roster. */
export function mountGradesRoutes(app: Express, ctx: AppContext, deps: GradesDeps, roster: RosterOptions): void {
  // Grades and roster of a linking course are its own people's; the score setting is the session's (managers only).
  const guard = [ctx.allow.organiserOfSession('id', { linked: true }), validate(SessionParamsSchema, 'params')];
  const manageGuard = [ctx.allow.organiserOfSession('id'), validate(SessionParamsSchema, 'params')];

  app.get('/organiser/sessions/:id/grades', ...guard, async (req, res) => {
    const { id } = input(res, SessionParamsSchema, 'params');
    const { session, ownCourse } = await sessionFor(ctx, actorOf(res), id);
    const [sync, mode] = await Promise.all([gradeSync(ctx.db, id, ownCourse), findScoreMode(ctx.db, id)]);
    const retried = typeof req.query.retried === 'string' && /^\d+$/.test(req.query.retried) ? Number(req.query.retried) : undefined;
    res.render('grades/grades', { ...presentGrades({ sessionId: id, title: session.title, ...sync, mode, canSetMode: ownCourse === null, retried, saved: req.query.saved === '1', t: t(res) }) });
  });

  app.post('/organiser/sessions/:id/grades/retry', ...guard, async (_req, res) => {
    const { id } = input(res, SessionParamsSchema, 'params');
    const { ownCourse } = await sessionFor(ctx, actorOf(res), id);
    const n = await retryRefusedScores(ctx.db, ctx.clock, id, ownCourse);
    res.redirect(303, `/organiser/sessions/${id}/grades?retried=${n}`);
  });

  app.post('/organiser/sessions/:id/grades/settings', ...manageGuard, validate(ScoreModeSchema), async (_req, res) => {
    const { id } = input(res, SessionParamsSchema, 'params');
    await sessionFor(ctx, actorOf(res), id, true);
    await saveScoreMode(ctx.db, id, input(res, ScoreModeSchema).mode, ctx.clock.now());
    res.redirect(303, `/organiser/sessions/${id}/grades?saved=1`);
  });

  app.get('/organiser/sessions/:id/roster', ...guard, validate(RosterQuerySchema, 'query'), async (_req, res) => {
    const { id } = input(res, SessionParamsSchema, 'params');
    const actor = actorOf(res);
    const { session } = await sessionFor(ctx, actor, id);
    if (!actor.contextRef) throw new AppError('conflict', 'Launch from a course to see its members', { messageKey: 'grades.roster_no_course' });
    const r = await rosterWithStatuses(deps, roster, actor.contextRef, id);
    const { filter } = input(res, RosterQuerySchema, 'query');
    res.render('grades/roster', { ...presentRoster({ sessionId: id, title: session.title, ...r, filter, locale: res.locals.locale as string, t: t(res) }) });
  });

  app.post('/organiser/sessions/:id/roster/refresh', ...guard, async (_req, res) => {
    const { id } = input(res, SessionParamsSchema, 'params');
    const actor = actorOf(res);
    await sessionFor(ctx, actor, id);
    if (!actor.contextRef) throw new AppError('conflict', 'Launch from a course to see its members', { messageKey: 'grades.roster_no_course' });
    await rosterWithStatuses(deps, roster, actor.contextRef, id, true);
    res.redirect(303, `/organiser/sessions/${id}/roster`);
  });
}
