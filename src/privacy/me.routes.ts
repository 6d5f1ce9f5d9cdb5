import type { Express, Response } from 'express';
import { actorOf } from '../lti';
import type { AppContext } from '../platform/context';
import type { Translate } from '../platform/i18n';
import { copiesOf } from '../xapi';
import { countRows, exportPerson } from './export.service';
import { presentExportSummary, presentMe } from './privacy.present';
import { loadSubject, type PrivacyDeps } from './subject.service';

/** Downloads are the person's own, never cached by a proxy or the browser. */
function attachment(res: Response, filename: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  res.setHeader('Cache-Control', 'no-store');
}

/** "Vos données" (`/me/data`) and the person's own export, JSON and HTML: launched people, their own data only. */
export function mountMeRoutes(app: Express, ctx: AppContext, deps: () => PrivacyDeps): void {
  const subject = (res: Response) => loadSubject(ctx.db, ctx.secrets.pseudonymKey, actorOf(res).userId);

  app.get('/me/data', ctx.allow.launched(), async (_req, res) => {
    const t = res.locals.t as Translate;
    const who = await subject(res);
    const [counts, copies] = await Promise.all([countRows(ctx.db, who), copiesOf(ctx.db, [who.ifi])]);
    res.render('privacy/me', { title: t('privacy.me.title'), ...presentMe(counts, copies, ctx.config, t, res.locals.locale as string) });
  });

  app.get('/me/data/export.json', ctx.allow.launched(), async (_req, res) => {
    const who = await subject(res);
    const data = await exportPerson(deps(), who, who.userId);
    attachment(res, 'instants-mes-donnees.json');
    res.type('application/json').send(`${JSON.stringify(data, null, 2)}\n`);
  });

  app.get('/me/data/export.html', ctx.allow.launched(), async (_req, res) => {
    const t = res.locals.t as Translate;
    const who = await subject(res);
    const data = await exportPerson(deps(), who, who.userId);
    attachment(res, 'instants-mes-donnees.html');
    res.render('privacy/export', { layout: false, title: t('privacy.export.title'), ...presentExportSummary(data, t, res.locals.locale as string) });
  });
}
