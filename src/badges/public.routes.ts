import type { Express, Request, Response } from 'express';
import multer from 'multer';
import type { Actor } from '../lti';
import type { AppContext } from '../platform/context';
import { AppError, NotFoundError, ValidationError } from '../platform/errors';
import { assertCleanInput } from '../platform/input-hygiene';
import { presentVerification } from './badges.present';
import { VerifyFormSchema } from './badges.schema';
import { assertionDocument, awardOf, badgeClassDocument, bakedImage, credentialJwt, issuerProfile, revocationList, signedCredential, type DocumentDeps, type StatusListCache } from './documents.service';
import { didDocument, jwks } from './issuer';
import { canDownload, isPublic } from './manage.service';
import { MAX_UPLOAD_BYTES, verifyBadge } from './verify.service';

const LD = 'application/ld+json; charset=utf-8';
// Uploaded SVGs are served back: as images only, never as a document that could run anything.
const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/**
 * The issuer's public documents (Open Badges 2.0 hosted verification, 3.0 keys and status list), the
 * downloads of an award, and the verification page. No launch needed; an award is shown only to its earner
 * or, once they made it public with their consent, to anyone.
 */
export function mountPublicRoutes(app: Express, ctx: AppContext, deps: DocumentDeps, statusList: StatusListCache): void {
  const allow = ctx.allow.anonymous;
  const json = (res: Response, body: unknown, status = 200) => res.status(status).type(LD).setHeader('Cache-Control', 'no-cache').send(JSON.stringify(body, null, 2));

  app.get('/badges/issuer', allow(), (_req, res) => json(res, issuerProfile(deps)));
  app.get('/badges/did.json', allow(), (_req, res) => res.type('application/did+json').setHeader('Access-Control-Allow-Origin', '*').send(JSON.stringify(didDocument(deps.issuer), null, 2)));
  app.get('/badges/jwks.json', allow(), (_req, res) => res.type('application/jwk-set+json').setHeader('Access-Control-Allow-Origin', '*').send(JSON.stringify(jwks(deps.issuer))));
  app.get('/badges/revocations', allow(), async (_req, res) => json(res, await revocationList(deps)));
  app.get('/badges/status/1', allow(), async (_req, res) => res.type('application/vc+ld+json').setHeader('Access-Control-Allow-Origin', '*').send(JSON.stringify(await statusList.get(deps))));
  app.get('/badges/issuer/image', allow(), (_req, res) => {
    res.type('image/svg+xml').setHeader('Content-Security-Policy', IMAGE_CSP);
    res.send('<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128" role="img" aria-label="DANE"><rect width="128" height="128" rx="16" fill="#000091"/><text x="64" y="76" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="30" font-weight="bold" fill="#fff">DANE</text></svg>');
  });

  app.get('/badges/classes/:id', allow(), async (req, res) => {
    const found = await badgeClassDocument(deps, String(req.params.id));
    if (!found) throw new NotFoundError('No such badge', { messageKey: 'badges.errors.not_found' });
    json(res, found.doc);
  });
  app.get('/badges/classes/:id/image', allow(), async (req, res) => {
    const found = await badgeClassDocument(deps, String(req.params.id));
    if (!found) throw new NotFoundError('No such badge', { messageKey: 'badges.errors.not_found' });
    res.type(found.badge.imageType).setHeader('Content-Security-Policy', IMAGE_CSP).setHeader('Cache-Control', 'public, max-age=300').send(found.badge.image);
  });

  /** An award shown to this request, or a 404 that does not tell a private award from a missing one. */
  const visibleAward = async (req: Request, res: Response) => {
    const found = await awardOf(deps, String(req.params.id));
    if (!found || !(await canDownload(deps, res.locals.actor as Actor | undefined, found.award))) throw new NotFoundError('No such assertion', { messageKey: 'badges.errors.assertion_not_found' });
    return found;
  };

  // Hosted verification: a revoked assertion answers 410 with its reason (Open Badges 2.0, "Revocation").
  app.get('/badges/assertions/:id', allow(), async (req, res) => {
    const found = await awardOf(deps, String(req.params.id));
    if (found?.award.revokedAt) return json(res, assertionDocument(deps, found.award), 410);
    const earner = (res.locals.actor as Actor | undefined)?.userId === found?.award.userRef;
    if (!found || (!earner && !(await isPublic(deps, found.award)))) {
      throw new NotFoundError('No such assertion', { messageKey: 'badges.errors.assertion_not_found' });
    }
    json(res, assertionDocument(deps, found.award));
  });

  const download = (res: Response, file: { type: string; body: Buffer | string; filename: string }) =>
    res.type(file.type).setHeader('Content-Disposition', `attachment; filename="${file.filename}"`).setHeader('Content-Security-Policy', IMAGE_CSP).setHeader('Cache-Control', 'private, no-store').send(file.body);
  for (const [suffix, form] of [['badge.png', 'png'], ['badge.svg', 'svg'], ['credential.png', 'credential-png']] as const) {
    app.get(`/badges/assertions/:id/${suffix}`, allow(), async (req, res) => {
      const { award, badge } = await visibleAward(req, res);
      download(res, await bakedImage(deps, award, badge, form));
    });
  }
  app.get('/badges/assertions/:id/credential.json', allow(), async (req, res) => {
    const { award, badge } = await visibleAward(req, res);
    download(res, { type: 'application/vc+ld+json', body: JSON.stringify(await signedCredential(deps, award, badge), null, 2), filename: `badge-${award.id}.json` });
  });
  app.get('/badges/assertions/:id/credential.jwt', allow(), async (req, res) => {
    const { award, badge } = await visibleAward(req, res);
    download(res, { type: 'application/vc+jwt', body: await credentialJwt(deps, award, badge), filename: `badge-${award.id}.jwt` });
  });

  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 256 * 1024, parts: 8 } }).single('file');
  const readForm = (req: Request, res: Response) =>
    new Promise<Buffer | undefined>((resolve, reject) => {
      if (!req.is('multipart/form-data')) return resolve(undefined);
      upload(req, res, (err: unknown) => {
        if ((err as { code?: string } | undefined)?.code === 'LIMIT_FILE_SIZE') reject(new ValidationError('File too large', [{ path: 'file', message: 'badges.errors.upload_too_large' }], { messageKey: 'badges.errors.upload_too_large' }));
        else if (err) reject(new AppError('bad_request', 'Malformed upload', { messageKey: 'errors.bad_request', cause: err }));
        else {
          try {
            assertCleanInput(req.body);
            resolve(req.file?.buffer);
          } catch (e) {
            reject(e);
          }
        }
      });
    });

  const page = (res: Response, status: number, extra: Record<string, unknown>) =>
    res.status(status).render('badges/verify', {
      title: res.locals.t('badges.verify.title'),
      action: `/badges/verify?_csrf=${encodeURIComponent(String(res.locals.csrfToken ?? ''))}`,
      maxSize: res.locals.t('badges.verify.max_size', { count: MAX_UPLOAD_BYTES / 1024 }),
      ...extra,
    });
  app.get('/badges/verify', allow(), (req, res) => page(res, 200, { url: typeof req.query.url === 'string' ? req.query.url.slice(0, 2000) : '' }));
  app.post('/badges/verify', allow(), async (req, res) => {
    let file: Buffer | undefined;
    try {
      file = await readForm(req, res);
    } catch (err) {
      if (err instanceof ValidationError) return page(res, 413, { error: res.locals.t('badges.errors.upload_too_large') });
      throw err;
    }
    const form = VerifyFormSchema.safeParse(req.body ?? {});
    const email = typeof (req.body as Record<string, unknown> | undefined)?.email === 'string' ? String((req.body as Record<string, string>).email).slice(0, 320) : '';
    if (!form.success) return page(res, 400, { error: res.locals.t('badges.errors.verify_input') });
    if (!file?.length && !form.data.text.trim() && !form.data.url.trim()) return page(res, 400, { error: res.locals.t('badges.errors.verify_empty') });
    const outcome = await verifyBadge(deps, { url: form.data.url, text: form.data.text, file, email: email || undefined });
    page(res, 200, { url: form.data.url, email, result: presentVerification(res.locals.t, outcome, String(res.locals.locale)) });
  });
}
