import type { Express, Request, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { ValidationError } from '../platform/errors';
import { SeriesFormSchema } from './catalog.schema';
import { doneMessage } from './catalog.present';
import { field, fieldErrors, parseForm, raw } from './forms';
import type { SeriesRow } from './series.repo';
import { createSeries, editSeries, listVisibleSeries, loadEditableSeries, removeSeries } from './series.service';
import type { CatalogDeps } from './sessions.service';

/** Organiser pages for series: list with a create form, edit, delete. */
export function mountSeriesRoutes(app: Express, ctx: AppContext): void {
  const deps: CatalogDeps = { db: ctx.db, clock: ctx.clock };

  const fields = (res: Response, series: SeriesRow | undefined, body: unknown, errors: Record<string, string>) => {
    const t = res.locals.t;
    const value = (name: 'title' | 'description') => (body !== undefined ? raw(body, name) : series ? (series[name] ?? '') : '');
    return [
      field({ kind: 'text', id: 'title', name: 'title', label: t('catalog.series.fields.title'), required: true, value: value('title') }, errors),
      field({ kind: 'textarea', id: 'description', name: 'description', label: t('catalog.series.fields.description'), rows: 3, value: value('description') }, errors),
    ];
  };

  const renderList = async (res: Response, status: number, body?: unknown, errors: Record<string, string> = {}) => {
    const actor = actorOf(res);
    const t = res.locals.t;
    const series = await listVisibleSeries(deps, actor);
    res.status(status).render('catalog/series', {
      title: t('catalog.series.title'),
      series: series.map((s) => ({ id: s.id, title: s.title, description: s.description, sessions: t('catalog.series.sessions', { count: s.sessionCount }) })),
      fields: fields(res, undefined, body, errors),
      hasErrors: Object.keys(errors).length > 0,
      errorList: Object.entries(errors).map(([id, message]) => ({ id, message })),
      canCreate: actor.isAdmin || Boolean(actor.contextRef),
      done: doneMessage(t, res.req.query.done),
    });
  };

  const renderEdit = async (res: Response, status: number, id: string, body?: unknown, errors: Record<string, string> = {}) => {
    const series = await loadEditableSeries(deps, actorOf(res), id);
    const t = res.locals.t;
    res.status(status).render('catalog/series-edit', {
      title: t('catalog.series.edit_title'),
      series: { id: series.id, title: series.title },
      fields: fields(res, series, body, errors),
      hasErrors: Object.keys(errors).length > 0,
      errorList: Object.entries(errors).map(([fid, message]) => ({ id: fid, message })),
    });
  };

  const onInvalid = async (err: unknown, show: (errors: Record<string, string>) => Promise<void>, res: Response) => {
    if (!(err instanceof ValidationError)) throw err;
    await show(fieldErrors(err.details, res.locals.t));
  };

  app.get('/organiser/series', ctx.allow.organiserOfCourse(), (_req, res) => renderList(res, 200));
  app.post('/organiser/series', ctx.allow.organiserOfCourse(), async (req: Request, res: Response) => {
    try {
      await createSeries(deps, actorOf(res), parseForm(SeriesFormSchema, req.body));
      res.redirect(303, '/organiser/series?done=series_created');
    } catch (err) {
      await onInvalid(err, (errors) => renderList(res, 400, req.body, errors), res);
    }
  });

  app.get('/organiser/series/:id', ctx.allow.organiserOfCourse(), (req, res) => renderEdit(res, 200, String(req.params.id)));
  app.post('/organiser/series/:id', ctx.allow.organiserOfCourse(), async (req: Request, res: Response) => {
    const id = String(req.params.id);
    await loadEditableSeries(deps, actorOf(res), id);
    try {
      await editSeries(deps, actorOf(res), id, parseForm(SeriesFormSchema, req.body));
      res.redirect(303, '/organiser/series?done=series_saved');
    } catch (err) {
      await onInvalid(err, (errors) => renderEdit(res, 400, id, req.body, errors), res);
    }
  });

  app.post('/organiser/series/:id/delete', ctx.allow.organiserOfCourse(), async (req, res) => {
    await removeSeries(deps, actorOf(res), String(req.params.id));
    res.redirect(303, '/organiser/series?done=series_deleted');
  });
}
