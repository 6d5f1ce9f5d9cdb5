import type { Express } from 'express';
import type { AppContext } from '../platform/context';
import { awardFromStatements, type AwardDeps } from './awards.service';
import { StatusListCache, type DocumentDeps } from './documents.service';
import { badgeUrls, type IssuerDeps } from './issuer';
import { issuerKeys, loadSeeds } from './keys';
import { mountEarnRoutes } from './earn.routes';
import { mountMineRoutes } from './mine.routes';
import { mountOrganiserRoutes } from './organiser.routes';
import { mountPublicRoutes } from './public.routes';
import { mountStatsRoutes } from './stats.routes';

/** The badges slice's public surface: Open Badges 2.0 and 3.0 awarded from the learning records. */
export { awardFromStatements } from './awards.service';
export { issuerDid, newSeed } from './keys';
export { awardsOverTime, type AwardsOverTime } from './stats.service';
export { countSessionBadges } from './earn.service';

/**
 * Mounts the badges slice: loads (or creates) the issuer's keys, hooks awarding into every transaction that
 * stores statements, and adds the public, participant and organiser routes.
 */
export async function mountBadges(app: Express, ctx: AppContext): Promise<void> {
  const issuer: IssuerDeps = {
    urls: badgeUrls(ctx.config.http.publicUrl),
    profile: ctx.config.badges,
    keys: await issuerKeys(ctx.config.http.publicUrl, loadSeeds(ctx.config)),
    baseIri: ctx.config.xapi.baseIri,
  };
  const awardDeps: AwardDeps = { db: ctx.db, clock: ctx.clock, log: ctx.log, issuer, pseudonymKey: ctx.secrets.pseudonymKey };
  const hook = (tx: Parameters<AppContext['afterStatementsStored'][number]>[0], statements: Array<Record<string, unknown>>) => awardFromStatements(tx, awardDeps, statements);
  ctx.afterStatementsStored.push(hook);
  ctx.afterEventsRecorded?.push(hook);
  const docs: DocumentDeps = { db: ctx.db, clock: ctx.clock, issuer };
  const manage = { ...awardDeps, db: ctx.db };
  mountPublicRoutes(app, ctx, docs, new StatusListCache());
  mountMineRoutes(app, ctx, manage, issuer.urls);
  mountEarnRoutes(app, ctx, manage);
  // Before the organiser routes, whose /organiser/badges/:id would take `awards` for an id.
  mountStatsRoutes(app, ctx);
  mountOrganiserRoutes(app, ctx, manage);
}
export { badgesPersonalData } from './personal-data';
