import express from 'express';
import type { MountSlice } from '../platform/context';
import { refuseUncleanInput } from '../platform/input-hygiene';
import { adminRoutes } from './admin.routes';
import { CredentialCache } from './credential.cache';
import { aboutRoutes } from './about.routes';
import { documentRoutes } from './documents.routes';
import { basicAuth, cors, parseVersion, readRequest, versionHeader } from './http';
import { consistentThroughOnErrors, statementRoutes } from './statements.routes';

/** Mounts the LRS: the xAPI API under /xapi and the credentials page /admin/lrs. */
export const mountLrs: MountSlice = (app, ctx) => {
  const router = express.Router({ caseSensitive: true, strict: false });
  const defaultVersion = ctx.config.xapi.defaultVersion;
  router.use(cors(ctx));
  // The version header goes on every response, errors of body reading included.
  router.use((req, res, next) => (res.setHeader('X-Experience-API-Version', parseVersion(req.get('x-experience-api-version')) ?? defaultVersion), next()));
  router.use(readRequest(ctx.config.uploads.maxBytes));
  // Path and parameters (form fields of the alternate syntax included): U+0000, lone surrogates → 400 naming the field.
  router.use(refuseUncleanInput());
  router.use(versionHeader(defaultVersion));
  // Communication §2.8.s5.b3: /about answers without credentials; every other resource needs them.
  router.use(ctx.allow.credential());
  const credentials = new CredentialCache();
  router.use(basicAuth(ctx, credentials));
  aboutRoutes(router, ctx);
  statementRoutes(router, ctx, credentials);
  documentRoutes(router, ctx);
  router.use(consistentThroughOnErrors(ctx));
  app.use('/xapi', router);
  adminRoutes(app, ctx);
};
