import type { Express } from 'express';
import { z } from 'zod';
import type { AppContext } from '../platform/context';
import { input, validate } from '../platform/http';
import { parseCalendarDate, parseTimestamp } from '../platform/input-hygiene';
import { findDestination, XAPI_OUTBOX_KIND } from './forwarding/destinations';
import { ERASURE_OUTBOX_KIND, xapiErasureHandler } from './forwarding/erasure.handler';
import { xapiForwardHandler } from './forwarding/forward.handler';
import { forwardingTargetsFor } from './forwarding/targets';
import { destinationStatuses, listDeadLetters, replayDeadLetters, resendFrom } from './forwarding/operations';
import { outboxOf } from './outbox/registry';
import { forwardingInserts } from './record.service';
import { presentAdmin } from './xapi.present';

/** The background job that delivers the outbox (every kind). */
export const OUTBOX_JOB = 'outbox';

const ReplaySchema = z.object({ destination: z.uuid().optional().or(z.literal('').transform(() => undefined)), id: z.coerce.number().int().positive().optional() });
const ResendSchema = z.object({
  destination: z.uuid({ error: 'choose a destination' }),
  // A calendar date or a timestamp, checked field by field (2026-02-30 and year 0 are refused, not rolled over).
  from: z.string().transform((v, ctx) => {
    const at = parseCalendarDate(v) ?? parseTimestamp(v)?.date;
    if (!at) ctx.addIssue({ code: 'custom', message: 'expected a date (e.g. 2026-11-01)' });
    return at ?? z.NEVER;
  }),
});

/** Mounts the xapi slice: the outbox worker with the xAPI forwarding handler, and the operations page. */
export function mountXapi(app: Express, ctx: AppContext): void {
  const box = outboxOf(ctx);
  box.register(XAPI_OUTBOX_KIND, xapiForwardHandler({ db: ctx.db, ltiKey: ctx.secrets.ltiKey, now: () => ctx.clock.now() }));
  box.register(ERASURE_OUTBOX_KIND, xapiErasureHandler({ db: ctx.db, clock: ctx.clock, ltiKey: ctx.secrets.ltiKey }));
  ctx.jobs.register(OUTBOX_JOB, ctx.config.worker.intervalMs, () => box.runOnce());
  // Statements other tools write into our LRS are forwarded like our own; the enabled destinations are cached.
  const targets = forwardingTargetsFor(ctx.config);
  ctx.alongsideStatementsStored.push((tx, statements, versions) => forwardingInserts(tx, statements as Parameters<typeof forwardingInserts>[1], { targets, versions }));

  app.get('/admin/xapi', ctx.allow.admin(), async (req, res) => {
    const now = ctx.clock.now();
    const [statuses, dead] = await Promise.all([destinationStatuses(ctx.db, now), listDeadLetters(ctx.db, { limit: 50 })]);
    const done = typeof req.query.done === 'string' ? req.query.done : undefined;
    const count = typeof req.query.count === 'string' ? Number(req.query.count) : 0;
    res.render('xapi/admin', presentAdmin({ statuses, dead, done, count, t: res.locals.t, locale: res.locals.locale as string }));
  });

  app.post('/admin/xapi/replay', ctx.allow.admin(), validate(ReplaySchema), async (_req, res) => {
    const body = input(res, ReplaySchema);
    const n = await replayDeadLetters(ctx.db, ctx.clock.now(), { destinationId: body.destination, ids: body.id ? [body.id] : undefined });
    res.redirect(303, `/admin/xapi?done=replayed&count=${n}`);
  });

  app.post('/admin/xapi/resend', ctx.allow.admin(), validate(ResendSchema), async (_req, res) => {
    const body = input(res, ResendSchema);
    const d = await findDestination(ctx.db, body.destination);
    const n = await resendFrom(ctx.db, d.id, body.from, ctx.clock.now());
    res.redirect(303, `/admin/xapi?done=resent&count=${n}`);
  });
}
