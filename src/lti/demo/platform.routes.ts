import express, { type Router } from 'express';
import { permit } from '../../platform/access';
import type { FormPost, PlatformCore } from './platform-core';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An HTML page with one form that a small script (served beside it, CSP-friendly) submits at once. */
export function autoSubmitPage(post: FormPost, scriptUrl: string): string {
  const inputs = Object.entries(post.fields)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join('');
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Connexion LTI</title></head><body>
<form id="lti-autosubmit" method="post" action="${escape(post.action)}">${inputs}<noscript><button type="submit">Continuer</button></noscript></form>
<script src="${escape(scriptUrl)}"></script></body></html>`;
}

const AUTOSUBMIT_JS = "document.getElementById('lti-autosubmit').submit();\n";

/**
 * The platform's HTTP endpoints, mounted under its base path: `/auth` (OIDC authorisation), `/jwks`,
 * `/token`, `/deep-linking/return`, `/autosubmit.js`. `publicBase` is the absolute URL of that base path.
 */
export function platformRouter(core: PlatformCore, publicBase: string): Router {
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
      res.type('html').send(autoSubmitPage(post, `${publicBase}/autosubmit.js`));
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
    const list = result.items.map((i) => `<li>${escape(String(i.title ?? ''))}</li>`).join('');
    res
      .status(result.ok ? 200 : 400)
      .type('html')
      .send(
        `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Retour du lien profond</title></head><body><main>` +
          (result.ok
            ? `<h1>Contenu ajouté au cours</h1><p>${result.items.length} élément(s) reçu(s) et vérifié(s) :</p><ul>${list}</ul>`
            : `<h1>Réponse refusée</h1><p>${escape(result.error ?? '')}</p>`) +
          `</main></body></html>`,
      );
  });
  return router;
}
