import type { Express, Request, Response } from 'express';
import type { z } from 'zod';
import { countSessionBadges } from '../badges';
import { actorOf } from '../lti';
import type { Allow } from '../platform/access';
import type { AppContext } from '../platform/context';
import { NotFoundError, ValidationError } from '../platform/errors';
import { FollowUpAnswerSchema, NeedsAnswerSchema, PositionAnswerSchema, QuizAnswerSchema, SatisfactionAnswerSchema } from './activities.schema';
import type { ActivityKind } from './activities.tables';
import { answerFollowUp, answerNeeds, answerPosition, answerQuiz, answerSatisfaction, type ActivityDeps, type Participant, type SaveResult } from './answers.service';
import { canManageSession } from './access';
import { noteLaunch } from './launch.service';
import { pendingCheckinPath } from './pending-checkin';
import { organiserNav } from './organiser.present';
import { needsChoices, openFollowUps, openResource, participantView, type ParticipantView } from './participant.service';
import {
  ACTIVITY_PATHS,
  presentFollowUp,
  presentNeeds,
  presentPositioning,
  presentQuiz,
  presentSatisfaction,
  presentSessionPage,
  type FieldErrors,
} from './participant.present';

/** Participant pages: the session page, resource opening and the activity pages (each answer saved at once). */

export const who = (res: Response): Participant => ({ actor: actorOf(res), language: String(res.locals.locale ?? 'fr') });
const param = (req: Request, name: string) => String(req.params[name] ?? '');

/** Field issues as messages of `activities.errors.*`. */
export function fieldErrors(res: Response, issues: Array<{ path: string; message: string }>): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const field = i.path.split('.')[0] || 'form';
    const key = `activities.errors.${i.message}`;
    const message = res.locals.t(key);
    // A zod message with no catalogue entry (a rule without its own key) gets the generic French message.
    out[field] ??= message === key ? res.locals.t('activities.errors.invalid') : message;
  }
  return out;
}

/** `sent`: the answer just saved (its error key), whose message the page focuses and announces. */
type PageRender = (res: Response, deps: ActivityDeps, v: ParticipantView, errors: Record<string, FieldErrors>, values: Record<string, unknown>, sent?: string) => Promise<void> | void;

interface ActivityPage<S extends z.ZodType> {
  kind: ActivityKind;
  schema: S;
  save: (deps: ActivityDeps, who: Participant, sessionId: string, input: z.infer<S>) => Promise<SaveResult>;
  /** Which answer a form's errors belong to (pages with several small forms). */
  errorKey: (body: Record<string, unknown>) => string;
  render: PageRender;
  /** Where to go after a save (an anchor of the page, or the session page once done). */
  anchor?: (body: Record<string, unknown>) => string;
}

const view =
  (template: string, present: (res: Response, v: ParticipantView, errors: Record<string, FieldErrors>, values: Record<string, unknown>, sent?: string) => object): PageRender =>
  (res, _deps, v, errors, values, sent) => {
    res.render(`activities/${template}`, present(res, v, errors, values, sent));
  };

/** The `sent` marker of the page that follows a save (short, from our own redirect; anything else is ignored). */
const sentOf = (req: Request) => (typeof req.query.sent === 'string' && /^[\w:.-]{1,60}$/.test(req.query.sent) ? req.query.sent : undefined);

function mountActivityPage<S extends z.ZodType>(app: Express, allow: Allow, deps: ActivityDeps, page: ActivityPage<S>): void {
  const path = `/sessions/:id/${ACTIVITY_PATHS[page.kind]}`;
  const load = async (res: Response, id: string) => {
    const v = await participantView(deps, actorOf(res), id);
    if (!v.activities.kinds.includes(page.kind)) throw new NotFoundError(`No ${page.kind} in session ${id}`);
    return v;
  };
  app.get(path, allow.participantOfSession('id'), async (req, res) => {
    await page.render(res, deps, await load(res, param(req, 'id')), {}, {}, sentOf(req));
  });
  app.post(path, allow.participantOfSession('id'), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const id = param(req, 'id');
    const parsed = page.schema.safeParse(body);
    let issues: Array<{ path: string; message: string }> | undefined;
    if (parsed.success) {
      try {
        await page.save(deps, who(res), id, parsed.data);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        issues = e.details ?? [];
      }
    } else {
      issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    }
    if (!issues) {
      res.redirect(303, `${path.replace(':id', id)}?sent=${encodeURIComponent(page.errorKey(body).slice(0, 60))}${page.anchor ? page.anchor(body) : ''}`);
      return;
    }
    const v = await load(res, id);
    res.status(400);
    await page.render(res, deps, v, { [page.errorKey(body)]: fieldErrors(res, issues) }, body);
  });
}

/** Adds the participant routes. */
export function mountParticipantRoutes(app: Express, ctx: AppContext): void {
  const deps: ActivityDeps = { db: ctx.db, clock: ctx.clock, config: ctx.config, secrets: ctx.secrets, afterEventsRecorded: ctx.afterEventsRecorded };
  const allow = ctx.allow;

  app.get('/sessions/:id', allow.participantOfSession('id'), async (req, res) => {
    // A QR code scanned before this launch: back to it, and it completes by itself.
    const pending = await pendingCheckinPath(req, deps.db, ctx.config, param(req, 'id'));
    if (pending) return res.redirect(303, pending);
    const actor = actorOf(res);
    const view = await participantView(deps, actor, param(req, 'id'));
    const [followUps, , badges] = await Promise.all([openFollowUps(deps, actor), noteLaunch(deps, actor, view.session.id, who(res).language, view.session.status === 'published'), countSessionBadges(deps.db, view.session)]);
    const manage = actor.role === 'organiser' && (await canManageSession(deps.db, actor, view.session));
    res.render('activities/session', {
      ...presentSessionPage(res.locals.t, view),
      ...(manage ? { nav: organiserNav(res.locals.t, view.session.id, '') } : {}),
      otherFollowUps: followUps.filter((f) => f.sessionId !== view.session.id),
      badgesLink: badges ? { href: `/sessions/${view.session.id}/badges`, label: res.locals.t('badges.earn.session_link', { count: badges }) } : null,
    });
  });

  app.get('/sessions/:id/resources/:resourceId', allow.participantOfSession('id'), async (req, res) => {
    res.redirect(303, await openResource(deps, who(res), param(req, 'id'), param(req, 'resourceId')));
  });

  mountActivityPage(app, ctx.allow, deps, {
    kind: 'self-positioning',
    schema: PositionAnswerSchema,
    save: answerPosition,
    errorKey: (b) => `${String(b.moment)}:${String(b.competence)}`,
    anchor: () => '#positioning',
    render: view('positioning', (res, v, errors, values, sent) => presentPositioning(res.locals.t, v, errors, values, sent)),
  });
  mountActivityPage(app, ctx.allow, deps, {
    kind: 'quiz',
    schema: QuizAnswerSchema,
    save: answerQuiz,
    errorKey: (b) => `q:${String(b.question)}`,
    anchor: (b) => `#question-${String(b.question).replace(/\W/g, '')}`,
    render: view('quiz', (res, v, errors, values, sent) => presentQuiz(res.locals.t, v, errors, values, sent)),
  });
  mountActivityPage(app, ctx.allow, deps, {
    kind: 'needs',
    schema: NeedsAnswerSchema,
    save: answerNeeds,
    errorKey: () => 'form',
    render: async (res, d, v, errors, values, sent) => {
      res.render('activities/needs', presentNeeds(res.locals.t, v, await needsChoices(d), errors.form, values, sent));
    },
  });
  mountActivityPage(app, ctx.allow, deps, {
    kind: 'satisfaction',
    schema: SatisfactionAnswerSchema,
    save: answerSatisfaction,
    errorKey: () => 'form',
    render: view('satisfaction', (res, v, errors, values, sent) => presentSatisfaction(res.locals.t, v, errors.form, values, sent)),
  });
  mountActivityPage(app, ctx.allow, deps, {
    kind: 'follow-up',
    schema: FollowUpAnswerSchema,
    save: answerFollowUp,
    errorKey: () => 'form',
    render: view('follow-up', (res, v, errors, values, sent) => presentFollowUp(res.locals.t, v, errors.form, values, sent)),
  });
}
