import type { Express } from 'express';
import { z } from 'zod';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import { input, validate } from '../platform/http';
import { searchSessionRows } from './catalog.repo';
import { presentSessionCard } from './catalog.present';
import { readFile } from './resources.service';
import { contentDisposition, isInline } from './uploads';

const CatalogueQuerySchema = z.object({ q: z.string().max(200).optional().catch(undefined) });

/** The participants' catalogue of upcoming sessions, and uploaded resource files served back safely. */
export function mountCatalogueRoutes(app: Express, ctx: AppContext): void {
  app.get('/catalogue', ctx.allow.launched(), validate(CatalogueQuerySchema, 'query'), async (_req, res) => {
    const { q } = input(res, CatalogueQuerySchema, 'query');
    const t = res.locals.t;
    // Published and cancelled sessions not yet over: a cancellation stays visible so nobody comes for nothing.
    const sessions = await searchSessionRows(ctx.db, { q, status: ['published', 'cancelled'], endsAfter: ctx.clock.now(), upcomingFirst: true, limit: 100 });
    res.render('catalog/catalogue', {
      title: t('catalog.catalogue.title'),
      sessions: sessions.map((s) => presentSessionCard(s, t, res.locals.locale as string)),
      q: q ?? '',
    });
  });

  app.get('/files/:id', ctx.allow.launched(), async (req, res) => {
    const file = await readFile({ db: ctx.db }, actorOf(res), String(req.params.id));
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.sizeBytes));
    res.setHeader('Content-Disposition', contentDisposition(file.filename, isInline(file.contentType)));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The file is a document, never a page of ours: no script, no plugins, even if a browser sniffed it.
    res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('ETag', `"${file.sha256}"`);
    res.setHeader('Accept-Ranges', 'bytes');
    if (req.get('if-none-match') === `"${file.sha256}"`) {
      res.status(304).end();
      return;
    }
    // Videos seek with Range requests; one range is enough for every browser.
    const range = req.get('range');
    if (range) {
      const r = parseRange(range, file.data.length);
      if (!r) {
        res.setHeader('Content-Range', `bytes */${file.data.length}`);
        res.setHeader('Content-Length', '0');
        res.status(416).end();
        return;
      }
      res.status(206);
      res.setHeader('Content-Range', `bytes ${r.start}-${r.end}/${file.data.length}`);
      res.setHeader('Content-Length', String(r.end - r.start + 1));
      res.end(file.data.subarray(r.start, r.end + 1));
      return;
    }
    res.end(file.data);
  });
}

/** One `bytes=` range (RFC 9110 §14.1.2) within a body of `size` bytes, or undefined when unsatisfiable. */
export function parseRange(header: string, size: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '') || size === 0) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix > 0 ? { start: Math.max(0, size - suffix), end: size - 1 } : undefined;
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start < size && start <= end ? { start, end } : undefined;
}
