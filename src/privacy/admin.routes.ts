import type { Express, Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { formatParisDay } from '../platform/dates';
import { NotFoundError } from '../platform/errors';
import type { Translate } from '../platform/i18n';
import { copiesOf, erasureRequestsOf, listDestinations } from '../xapi';
import { erasePerson } from './erasure.service';
import { countRows } from './export.service';
import { presentPerson, presentPersonRow, presentRegister, presentReport, presentRetention } from './privacy.present';
import { planRetention } from './retention.service';
import { coursesOf, findAudit, findPerson, listFlagged } from './subject.repo';
import { findPeople, isUuid, loadSubject, type PrivacyDeps } from './subject.service';

const SearchSchema = z.object({ q: z.string().max(200).optional() });
const EraseSchema = z.object({ confirm: z.literal('yes') });

/** The administrator's pages: find a person, see what Instants holds, erase them; the register; the retention dry run. */
export function mountAdminRoutes(app: Express, ctx: AppContext, deps: () => PrivacyDeps): void {
  const locale = (res: Response) => res.locals.locale as string;
  const tr = (res: Response) => res.locals.t as Translate;

  app.get('/admin/privacy', ctx.allow.admin(), async (req, res) => {
    const t = tr(res);
    const parsed = SearchSchema.safeParse(req.query);
    const q = parsed.success ? (parsed.data.q ?? '').trim() : '';
    const [found, flagged] = await Promise.all([q ? findPeople(ctx, q) : Promise.resolve([]), listFlagged(ctx.db)]);
    res.status(parsed.success ? 200 : 400).render('privacy/admin', {
      title: t('privacy.admin.title'),
      q,
      searched: q !== '',
      tooShort: q !== '' && q.length < 2,
      found: found.map((p) => presentPersonRow(p, t, locale(res))),
      flagged: flagged.map((p) => ({ ...presentPersonRow(p, t, locale(res)), since: formatParisDay(new Date(p.absent_since), locale(res)) })),
      departureDuration: t('privacy.unit.days', { count: ctx.config.departures.days }),
      autoErase: ctx.config.departures.erase,
    });
  });

  app.get('/admin/privacy/register', ctx.allow.admin(), async (_req, res) => {
    const destinations = await listDestinations(ctx.db);
    res.render('privacy/register', { title: tr(res)('privacy.register.title'), ...presentRegister(destinations, ctx.config, tr(res)) });
  });

  app.get('/admin/privacy/retention', ctx.allow.admin(), async (_req, res) => {
    const items = await planRetention(deps());
    res.render('privacy/retention', { title: tr(res)('privacy.retention.title'), items: presentRetention(items, tr(res), locale(res)), any: items.some((i) => i.rows > 0) });
  });

  const personPage = async (res: Response, id: string, status: number, error?: string) => {
    if (!isUuid(id)) throw new NotFoundError(`No person ${id}`, { messageKey: 'privacy.errors.no_person' });
    const who = await loadSubject(ctx.db, ctx.secrets.pseudonymKey, id);
    const [row, courses, counts, copies] = await Promise.all([findPerson(ctx.db, id), coursesOf(ctx.db, id), countRows(ctx.db, who), copiesOf(ctx.db, [who.ifi])]);
    res.status(status).render('privacy/person', { title: tr(res)('privacy.person.title'), pseudonym: who.pseudonym, error, ...presentPerson(row!, courses, counts, copies, tr(res), locale(res)) });
  };

  app.get('/admin/privacy/people/:id', ctx.allow.admin(), async (req, res) => personPage(res, String(req.params.id), 200));

  app.post('/admin/privacy/people/:id/erase', ctx.allow.admin(), async (req, res) => {
    const id = String(req.params.id);
    if (!EraseSchema.safeParse(req.body).success) return personPage(res, id, 400, tr(res)('privacy.person.confirm_required'));
    if (!isUuid(id)) throw new NotFoundError(`No person ${id}`, { messageKey: 'privacy.errors.no_person' });
    const report = await erasePerson(deps(), id, actorOf(res).userId, 'request');
    ctx.log.info({ erasure: report.erasureId, statements: report.statements }, 'person erased');
    res.redirect(303, `/admin/privacy/erasures/${report.erasureId}`);
  });

  app.get('/admin/privacy/erasures/:id', ctx.allow.admin(), async (req, res) => {
    const id = String(req.params.id);
    const entry = isUuid(id) ? await findAudit(ctx.db, id) : undefined;
    if (!entry || entry.action !== 'person.erased') throw new NotFoundError(`No erasure ${id}`, { messageKey: 'privacy.errors.no_erasure' });
    const requests = await erasureRequestsOf(ctx.db, id);
    res.render('privacy/erasure', { title: tr(res)('privacy.report.title'), ...presentReport(entry.at, entry.detail as Record<string, never>, requests, tr(res), locale(res)) });
  });
}
