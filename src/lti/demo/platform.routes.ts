import express, { type Request, type Response, type Router } from 'express';
import { permit } from '../../platform/access';
import type { DeepLinkingResult, FormPost, PlatformCore } from './platform-core';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The words of an auto-submitted page (the demo takes them from Instants' catalogues). */
export interface AutoSubmitTexts {
  lang: string;
  title: string;
  /** Shown beside the button, for a browser whose script did not run. */
  hint: string;
  button: string;
}

const DEFAULT_TEXTS: AutoSubmitTexts = { lang: 'fr', title: 'Connexion LTI', hint: 'Connexion en cours…', button: 'Continuer' };

/**
 * An HTML page with one form that a small script (served beside it, same origin: CSP `script-src 'self'`)
 * submits at once; its button stays visible, so a browser whose script does not run can still go on.
 */
export function autoSubmitPage(post: FormPost, scriptUrl: string, texts: AutoSubmitTexts = DEFAULT_TEXTS): string {
  const inputs = Object.entries(post.fields)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('');
  return `<!doctype html><html lang="${escape(texts.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(texts.title)}</title></head><body>
<form id="lti-autosubmit" method="post" action="${escape(post.action)}">${inputs}<p>${escape(texts.hint)}</p><button type="submit">${escape(texts.button)}</button></form>
<script src="${escape(scriptUrl)}"></script></body></html>`;
}

/** The path of `/autosubmit.js` under a base URL: same origin as the page whatever host the browser used. */
export function autoSubmitScriptPath(publicBase: string): string {
  return `${new URL(publicBase).pathname.replace(/\/+$/, '')}/autosubmit.js`;
}

/** What a platform mounting the router may change: the words of its pages, its deep-linking return page. */
export interface PlatformRouterOptions {
  texts?: (res: Response) => AutoSubmitTexts;
  deepLinkingPage?: (result: DeepLinkingResult, req: Request, res: Response) => void;
}

const AUTOSUBMIT_JS = "document.getElementById('lti-autosubmit').submit();\n";

/**
 * The platform's HTTP endpoints, mounted under its base path: `/auth` (OIDC authorisation), `/jwks`,
 * `/token`, `/deep-linking/return`, `/autosubmit.js`. `publicBase` is the absolute URL of that base path.
 */
export function platformRouter(core: PlatformCore, publicBase: string, options: PlatformRouterOptions = {}): Router {
  const router = express.Router();
  // A platform's own endpoints: no launch of ours behind them (the access policy's anonymous kind).
  router.use(permit({ kind: 'anonymous' }));
  router.use(express.urlencoded({ extended: false }));
  router.get('/autosubmit.js', (_req, res) => {
    res.type('application/javascript').send(AUTOSUBMIT_JS);
  });
  router.get('/jwks', (_req, res) => {
    res.set('cache-control', `public, max-age=${core.options.keySetMaxAge ?? 300}`).json(core.jwks());
  });
  const auth: express.RequestHandler = async (req, res) => {
    const params = { ...(req.query as Record<string, string>), ...((req.body as Record<string, string> | undefined) ?? {}) };
    try {
      const post = await core.authorize(params);
      res.type('html').send(autoSubmitPage(post, autoSubmitScriptPath(publicBase), options.texts?.(res)));
    } catch (err) {
      res.status(400).type('text/plain').send(`Authorisation refused: ${(err as Error).message}`);
    }
  };
  router.get('/auth', auth);
  router.post('/auth', auth);
  router.post('/token', async (req, res) => {
    try {
      res.json(await core.issueAccessToken(req.body as Record<string, string>, `${publicBase}/token`));
    } catch (err) {
      res.status(400).json({ error: 'invalid_client', error_description: (err as Error).message });
    }
  });
  router.post('/deep-linking/return', async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    const result = await core.receiveDeepLinkingResponse(body.JWT);
    if (options.deepLinkingPage) return options.deepLinkingPage(result, req, res);
    const list = result.items.map((i) => `<li>${escape(String(i.title ?? ''))}</li>`).join('');
    res
      .status(result.ok ? 200 : 400)
      .type('html')
      .send(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Retour du lien profond</title></head><body><main>` +
          (result.ok
            ? `<h1>Contenu ajouté au cours</h1><p>Éléments reçus et vérifiés : ${result.items.length}</p><ul>${list}</ul>`
            : `<h1>Réponse refusée</h1><p>${escape(result.error ?? '')}</p>`) +
          `</main></body></html>`,
      );
  });
  return router;
}
