import express from 'express';
import type { MountSlice } from '../platform/context';
import { adminRoutes } from './admin.routes';
import { aboutRoutes } from './about.routes';
import { documentRoutes } from './documents.routes';
import { basicAuth, cors, parseVersion, readRequest, versionHeader } from './http';
import { statementRoutes } from './statements.routes';

/** Mounts the LRS: the xAPI API under /xapi and the credentials page /admin/lrs. */
export const mountLrs: MountSlice = (app, ctx) => {
  const router = express.Router({ caseSensitive: true, strict: false });
  router.use(cors(ctx));
  // The version header goes on every response, errors of body reading included.
  router.use((req, res, next) => (res.setHeader('X-Experience-API-Version', parseVersion(req.get('x-experience-api-version')) ?? '2.0.0'), next()));
  router.use(readRequest(ctx.config.uploads.maxBytes));
  router.use(versionHeader);
  router.use(basicAuth(ctx));
  aboutRoutes(router, ctx);
  statementRoutes(router, ctx);
  documentRoutes(router, ctx);
  app.use('/xapi', router);
  adminRoutes(app, ctx);
};
