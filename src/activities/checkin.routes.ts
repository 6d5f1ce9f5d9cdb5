import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { ValidationError } from '../platform/errors';
import { toFieldIssues } from '../platform/http';
import { CheckinSchema, MarkPresentSchema } from './activities.schema';
import type { ActivityDeps } from './answers.service';
import { CHECKIN_MARGIN_MS, checkIn, checkinCount, checkinScreen, markPresent } from './checkin.service';
import { organiserNav } from './organiser.present';
import { ANNOUNCE_SCRIPTS, participantNav } from './participant.present';
import { clearPendingCheckin } from './pending-checkin';
import { fieldErrors, who } from './participant.routes';
import { participantView } from './participant.service';

/** Check-in pages: the organiser's code and QR screen, the participant's code form, marking presence by hand. */

const param = (req: Request, name: string) => String(req.params[name] ?? '');

async function renderCheckin(res: Response, deps: ActivityDeps, id: string, extra: { error?: string; code?: string; method?: string }) {
  const t = res.locals.t;
  const v = await participantView(deps, actorOf(res), id);
  const past = v.now.getTime() > v.session.endsAt.getTime() + CHECKIN_MARGIN_MS;
  res.render('activities/checkin', {
    title: `${t('activities.checkin.title')} · ${v.session.title}`,
    nav: participantNav(t, v.session.id, ''),
    session: { id: v.session.id, title: v.session.title, startsAt: v.session.startsAt, endsAt: v.session.endsAt },
    attendance: v.attendance,
    canAct: v.session.status === 'published' && !past,
    past: v.session.status === 'published' && past,
    code: extra.code ?? '',
    method: extra.method ?? 'code',
    error: extra.error,
    scripts: ANNOUNCE_SCRIPTS,
  });
}

export function mountCheckinRoutes(app: Express, ctx: AppContext): void {
  const deps: ActivityDeps = { db: ctx.db, clock: ctx.clock, config: ctx.config, secrets: ctx.secrets, afterEventsRecorded: ctx.afterEventsRecorded };

  app.get('/sessions/:id/checkin', ctx.allow.participantOfSession('id'), async (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code.slice(0, 10) : '';
    await renderCheckin(res, deps, param(req, 'id'), { code, method: code ? 'qr' : 'code' });
  });

  app.post('/sessions/:id/checkin', ctx.allow.participantOfSession('id'), async (req, res) => {
    const id = param(req, 'id');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = CheckinSchema.safeParse(body);
    if (!parsed.success) {
      res.status(400);
      await renderCheckin(res, deps, id, { error: fieldErrors(res, [{ path: 'code', message: 'code' }]).code, code: String(body.code ?? '').slice(0, 10) });
      return;
    }
    const outcome = await checkIn(deps, who(res), id, parsed.data);
    // A check-in scanned before the launch was pending until now: tried, it is settled either way.
    clearPendingCheckin(req, res, ctx.config);
    if (!outcome.ok) {
      res.status(400);
      await renderCheckin(res, deps, id, { error: res.locals.t(`activities.checkin.${outcome.reason}`), code: '' });
      return;
    }
    res.redirect(303, `/sessions/${id}/checkin`);
  });

  app.get('/organiser/sessions/:id/checkin', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const t = res.locals.t;
    const screen = await checkinScreen(deps, actorOf(res), param(req, 'id'));
    res.render('activities/organiser-checkin', {
      title: `${t('activities.checkin.screen_title')} · ${screen.session.title}`,
      nav: organiserNav(t, screen.session.id, 'checkin'),
      session: { id: screen.session.id, title: screen.session.title },
      code: screen.code,
      codeSpaced: screen.code.split('').join(' '),
      qr: screen.qr,
      url: screen.url,
      opensAt: screen.opensAt,
      closesAt: screen.closesAt,
      open: screen.open,
      present: screen.present,
      scripts: ['/assets/js/activities-checkin.js'],
    });
  });

  app.get('/organiser/sessions/:id/checkin/count', ctx.allow.organiserOfSession('id'), async (req, res) => {
    res.json({ present: await checkinCount(deps, actorOf(res), param(req, 'id')) });
  });

  app.post('/organiser/sessions/:id/participants/present', ctx.allow.organiserOfSession('id'), async (req, res) => {
    const id = param(req, 'id');
    const parsed = MarkPresentSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw new ValidationError('Invalid participant', toFieldIssues(parsed.error), { messageKey: 'activities.errors.participant' });
    await markPresent(deps, who(res), id, parsed.data.user);
    res.redirect(303, `/organiser/sessions/${id}/participants?marked=1`);
  });
}
