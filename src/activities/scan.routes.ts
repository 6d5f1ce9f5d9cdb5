import type { Express, Request } from 'express';
import type { Actor } from '../lti';
import type { AppContext } from '../platform/context';
import { formatParisDateTime } from '../platform/dates';
import { NotFoundError } from '../platform/errors';
import { participantNav } from './participant.present';
import { clearPendingCheckin, keepPendingCheckin } from './pending-checkin';
import { parseScan, scanCheckin } from './scan.service';

/**
 * `GET /c/:ticket?c=<code>`: the address in the QR code, opened by a phone's camera. Anyone may open it
 * (the browser usually never launched Instants); it changes nothing itself: with a launch it shows the
 * check-in form, sent at once by a script (CSRF-checked like any form), else it keeps the check-in pending
 * and sends the person through the activity's login on the platform.
 */
export function mountScanRoutes(app: Express, ctx: AppContext): void {
  const deps = { db: ctx.db, clock: ctx.clock };

  app.get('/c/:ticket', ctx.allow.anonymous(), async (req: Request, res) => {
    const t = res.locals.t;
    const locale = String(res.locals.locale ?? 'fr');
    const scan = parseScan(String(req.params.ticket ?? ''), typeof req.query.c === 'string' ? req.query.c : '');
    const actor = res.locals.actor as Actor | undefined;
    const outcome = scan ? await scanCheckin(deps, actor, scan) : ({ kind: 'unknown' } as const);
    if (outcome.kind === 'unknown') throw new NotFoundError('Unknown check-in address', { messageKey: 'activities.scan.unknown' });
    res.set('Cache-Control', 'no-store');
    // The code is in this page's address: no Referer for the platform's login page.
    res.set('Referrer-Policy', 'same-origin');
    if (outcome.kind === 'sign_in') keepPendingCheckin(res, ctx.config, scan!, outcome.closesAt, ctx.clock.now());
    else clearPendingCheckin(req, res, ctx.config);
    if (outcome.kind === 'closed') res.status(410);
    const s = outcome.session;
    res.render('activities/scan', {
      title: t('activities.scan.title'),
      nav: actor ? participantNav(t, s.id, '') : [],
      session: { id: s.id, title: s.title },
      [outcome.kind]: true,
      code: outcome.kind === 'confirm' ? outcome.code : '',
      presentAt: outcome.kind === 'present' ? formatParisDateTime(outcome.at, locale) : '',
      closedText:
        outcome.kind === 'closed'
          ? outcome.closesAt
            ? t('activities.scan.closed', { date: formatParisDateTime(outcome.closesAt, locale) })
            : t('activities.scan.closed_status')
          : '',
      notYetText: outcome.kind === 'not_yet' ? t('activities.scan.not_yet', { date: formatParisDateTime(outcome.opensAt, locale) }) : '',
      activityUrl: outcome.kind === 'sign_in' ? outcome.activityUrl : null,
      courseTitle: outcome.kind === 'sign_in' ? outcome.courseTitle : null,
      scripts: outcome.kind === 'confirm' ? ['/assets/js/activities-scan.js'] : [],
    });
  });
}
