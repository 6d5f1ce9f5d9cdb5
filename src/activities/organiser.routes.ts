import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { ValidationError } from '../platform/errors';
import { toFieldIssues } from '../platform/http';
import { OfferSchema, TopicSchema } from './activities.schema';
import type { ActivityDeps } from './answers.service';
import { competenceTitles, loadSession, managedSessions } from './catalog.port';
import { releaseOffer, takeUpOffer } from './offers.service';
import { addTopic, offersFor, sessionParticipants, toggleTopic, wishesFor } from './organiser.service';
import { organiserNav } from './organiser.present';
import { DRAFT_SCRIPTS, participantNav, presentMyOffers, type FieldErrors } from './participant.present';
import { fieldErrors } from './participant.routes';
import { makeOffer, myOffers, mySessions, upcomingSessions } from './participant.service';

/** Organiser pages of the activities slice (the activities form: activities-form.routes.ts), and the participant's "my sessions" and "I can present a tool". */

const param = (req: Request, name: string) => String(req.params[name] ?? '');

async function renderOffers(res: Response, deps: ActivityDeps, errors: FieldErrors = {}, values: Record<string, unknown> = {}, saved = false) {
  const t = res.locals.t;
  const actor = actorOf(res);
  const competences = [...(await competenceTitles(deps.db))].map(([code, title]) => ({ code, title, selected: values.competence === code }));
  res.render('activities/my-offers', {
    title: t('activities.offers.title'),
    nav: participantNav(t, actor.sessionId, 'offers'),
    scripts: DRAFT_SCRIPTS,
    offers: presentMyOffers(t, await myOffers(deps, actor)),
    competences,
    values,
    errors,
    saved,
  });
}

export function mountOrganiserRoutes(app: Express, ctx: AppContext): void {
  const deps: ActivityDeps = { db: ctx.db, clock: ctx.clock, config: ctx.config, secrets: ctx.secrets, afterEventsRecorded: ctx.afterEventsRecorded };

  // Organisers of a course that only links the session see their own course's people, and mark nobody present.
  app.get('/organiser/sessions/:id/participants', ctx.allow.organiserOfSession('id', { linked: true }), async (req, res) => {
    const t = res.locals.t;
    const { session, people, ownCourseOnly } = await sessionParticipants(deps, actorOf(res), param(req, 'id'));
    res.render('activities/organiser-participants', {
      title: `${t('activities.participants.title')} · ${session.title}`,
      nav: organiserNav(t, session.id, 'participants', ownCourseOnly),
      session: { id: session.id, title: session.title },
      ownCourseOnly,
      marked: req.query.marked === '1',
      people: people.map((p) => ({
        id: p.user_ref,
        name: p.name ?? p.email ?? t('activities.participants.anonymous'),
        email: p.name ? p.email : null,
        lastLaunch: p.last_launch,
        attendedAt: p.attended_at,
        method: p.method ? t(`activities.participants.method_${p.method}`) : null,
        completedAt: p.completed_at,
        done: p.done_kinds.map((k) => t(`activities.kind.${k}`)).join(', '),
        canMark: !ownCourseOnly && !p.attended_at && p.last_launch !== null,
      })),
      counts: { total: people.length, present: people.filter((p) => p.attended_at).length, completed: people.filter((p) => p.completed_at).length },
    });
  });

  app.get('/organiser/offers', ctx.allow.organiserOfCourse(), async (req, res) => {
    const t = res.locals.t;
    const actor = actorOf(res);
    const [rows, sessions] = await Promise.all([offersFor(deps, actor), managedSessions(deps.db, actor)]);
    const titles = new Map(sessions.map((s) => [s.id, s.title]));
    for (const id of new Set(rows.map((r) => r.offer.takenUpSessionId).filter((x): x is string => x !== null && !titles.has(x)))) titles.set(id, (await loadSession(deps.db, id))?.title ?? '');
    const choices = sessions.filter((s) => s.status !== 'cancelled').map((s) => ({ id: s.id, label: `${s.title} (${new Intl.DateTimeFormat(String(res.locals.locale) === 'en' ? 'en-GB' : 'fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }).format(s.startsAt)})` }));
    const done = req.query.done === 'taken_up' || req.query.done === 'released' ? t(`activities.offers.done_${req.query.done}`) : null;
    res.render('activities/organiser-offers', {
      title: t('activities.offers.organiser_title'),
      nav: organiserNav(t, null, 'offers'),
      done,
      offers: rows.map((r) => ({
        ...r.offer,
        name: r.name ?? t('activities.participants.anonymous'),
        email: r.email,
        course: r.course,
        takenUp: r.offer.takenUpStatementId !== null || r.offer.takenUpSessionId !== null ? { title: r.offer.takenUpSessionId ? (titles.get(r.offer.takenUpSessionId) ?? '') : t('activities.offers.session_deleted'), at: r.offer.takenUpAt } : null,
        sessions: choices,
      })),
      hasSessions: choices.length > 0,
    });
  });

  // "Retenir cette proposition": the offer (of the organiser's course) becomes the session it is linked to.
  app.post('/organiser/offers/:id/take-up', ctx.allow.organiserOfCourse(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const sessionId = typeof body.session_id === 'string' ? body.session_id : '';
    await takeUpOffer(deps, actorOf(res), param(req, 'id'), sessionId, String(res.locals.locale ?? 'fr'));
    res.redirect(303, '/organiser/offers?done=taken_up');
  });

  app.post('/organiser/offers/:id/release', ctx.allow.organiserOfCourse(), async (req, res) => {
    await releaseOffer(deps, actorOf(res), param(req, 'id'), String(res.locals.locale ?? 'fr'));
    res.redirect(303, '/organiser/offers?done=released');
  });

  app.get('/organiser/wishes', ctx.allow.organiserOfCourse(), async (req, res) => {
    const t = res.locals.t;
    const actor = actorOf(res);
    const { wishes, topics, tooFew, min } = await wishesFor(deps, actor);
    res.render('activities/organiser-wishes', {
      title: t('activities.wishes.title'),
      nav: organiserNav(t, null, 'wishes'),
      wishes: wishes.map((w) => ({ ...w, session: w.session ?? t('activities.wishes.session_hidden') })),
      tooFew: tooFew ? t('activities.wishes.too_few', { n: min }) : null,
      intro: t('activities.wishes.intro_private', { n: min }),
      topics: topics.map((x) => ({ ...x, kindLabel: t(`activities.wishes.kind_${x.kind}`) })),
      errors: req.query.error ? { label: t(`activities.errors.${req.query.error === 'duplicate' ? 'duplicate_topic' : 'label'}`) } : {},
      added: req.query.added === '1',
      // The topic list is académie-wide: administrators change it.
      canEditTopics: actor.isAdmin,
    });
  });

  app.post('/organiser/wishes/topics', ctx.allow.admin(), async (req, res) => {
    const parsed = TopicSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError('Invalid topic', toFieldIssues(parsed.error), { messageKey: 'activities.errors.topic_invalid' });
    const added = await addTopic(deps, actorOf(res), parsed.data);
    res.redirect(303, added ? '/organiser/wishes?added=1' : '/organiser/wishes?error=duplicate');
  });

  app.post('/organiser/wishes/topics/:topicId', ctx.allow.admin(), async (req, res) => {
    const active = (req.body as Record<string, unknown> | undefined)?.active;
    if (active !== 'true' && active !== 'false') throw new ValidationError('Invalid topic state', [{ path: 'active', message: 'expected true or false' }]);
    const id = param(req, 'topicId');
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await toggleTopic(deps, actorOf(res), id, active === 'true'))) throw new ValidationError('Unknown topic', [{ path: 'topic', message: 'unknown' }]);
    res.redirect(303, '/organiser/wishes');
  });

  app.get('/me/sessions', ctx.allow.launched(), async (_req, res) => {
    const t = res.locals.t;
    const actor = actorOf(res);
    const mine = await mySessions(deps, actor);
    res.render('activities/my-sessions', {
      title: t('activities.my_sessions.title'),
      nav: participantNav(t, actor.sessionId, 'my-sessions'),
      upcoming: mine.upcoming,
      past: mine.past,
      catalogue: mine.upcoming.length ? [] : (await upcomingSessions(deps)).map((s) => ({ id: s.id, title: s.title, startsAt: s.startsAt, place: s.place })),
    });
  });

  app.get('/me/offers', ctx.allow.launched(), async (req, res) => {
    await renderOffers(res, deps, {}, {}, req.query.saved === '1');
  });

  app.post('/me/offers', ctx.allow.launched(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = OfferSchema.safeParse(body);
    if (parsed.success) {
      const made = await makeOffer(deps, actorOf(res), parsed.data);
      if (made.ok) {
        res.redirect(303, '/me/offers?saved=1');
        return;
      }
      res.status(400);
      await renderOffers(res, deps, fieldErrors(res, [{ path: made.field, message: made.key }]), body);
      return;
    }
    res.status(400);
    await renderOffers(res, deps, fieldErrors(res, toFieldIssues(parsed.error)), body);
  });
}
