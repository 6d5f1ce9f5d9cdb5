import type { Express } from 'express';
import { ltiOf } from '../lti';
import type { AppContext } from '../platform/context';
import { outboxOf } from '../xapi';
import { mountGradesRoutes } from './grades.routes';
import { DEFAULT_ROSTER_OPTIONS, loadRoster, type Roster, type RosterOptions } from './roster.service';
import { createScoreHandler, SCORE_KIND, type GradesDeps } from './score.handler';
import type { CredentialsSource } from './service-token';

/** Our key for a platform and its token endpoint, from the lti slice's registrations (ltijs's key store). */
export function ltiCredentials(ctx: AppContext): CredentialsSource {
  return async (issuer, clientId) => {
    const { provider } = ltiOf(ctx);
    const [platform, key] = await Promise.all([provider.findPlatform(issuer, clientId), provider.signingKey(issuer, clientId)]);
    if (!platform || !key) return undefined;
    return { issuer, clientId, tokenUrl: platform.tokenEndpoint, kid: key.kid, privateKey: key.pem };
  };
}

/** The grades slice's dependencies in an app. */
export function gradesDepsOf(ctx: AppContext): GradesDeps {
  return { db: ctx.db, clock: ctx.clock, log: ctx.log, credentials: ltiCredentials(ctx), tokenSecret: ctx.secrets.ltiKey };
}

/** Mounts the grades slice: the `ags-score` outbox handler and the organiser pages (grade sync, roster). */
export function mountGrades(app: Express, ctx: AppContext): void {
  const deps = gradesDepsOf(ctx);
  outboxOf(ctx).register(SCORE_KIND, createScoreHandler(deps));
  mountGradesRoutes(app, ctx, deps, rosterOptionsOf(ctx));
}

/** A course's members (NRPS, cached) for other slices' organiser pages and dashboards; never for participants. */
export function courseRoster(ctx: AppContext, contextRef: string, refresh = false): Promise<Roster> {
  return loadRoster(gradesDepsOf(ctx), rosterOptionsOf(ctx), contextRef, refresh);
}

function rosterOptionsOf(ctx: AppContext): RosterOptions {
  return { ...DEFAULT_ROSTER_OPTIONS, cacheSeconds: ctx.config.grades.rosterCacheSeconds };
}
