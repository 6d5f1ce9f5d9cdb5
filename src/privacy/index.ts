import type { Express } from 'express';
import { courseRoster } from '../grades';
import type { AppContext } from '../platform/context';
import { mountAdminRoutes } from './admin.routes';
import { checkDepartures } from './departures.service';
import { mountErasureRequestRoute } from './erasure-request.routes';
import { mountMeRoutes } from './me.routes';
import { runRetention } from './retention.service';
import type { PrivacyDeps } from './subject.service';

/** The privacy slice's public surface: the registry of personal data and what it drives (issue 20). */
export { REGISTRY, declaredTables, personalTables, isFindable } from './registry';
export { exportPerson, countRows, type PersonalExport } from './export.service';
export { erasePerson, eraseIdentifier, afterStatementsRemoved, type ErasureReport } from './erasure.service';
export { planRetention, runRetention, cutoffOf, type RetentionItem } from './retention.service';
export { checkDepartures, planDepartures, type DeparturesPlan, type DeparturesRun } from './departures.service';
export { findPeople, loadSubject, type PrivacyDeps } from './subject.service';
export { catalogTables, catalogColumns, userForeignKeys } from './tables.repo';

export const RETENTION_JOB = 'privacy-retention';
export const DEPARTURES_JOB = 'privacy-departures';
const DAY_MS = 24 * 3600_000;

/** The privacy services' dependencies in an app. */
export function privacyDepsOf(ctx: AppContext): PrivacyDeps {
  return { db: ctx.db, config: ctx.config, clock: ctx.clock, log: ctx.log, secrets: ctx.secrets, roster: (contextRef) => courseRoster(ctx, contextRef, true) };
}

/**
 * Mounts the privacy slice (before the LRS, whose router answers every other /xapi path): "Vos données",
 * the administrator's pages, the erasure requests of other Instants, and the daily retention and
 * departures jobs.
 */
export function mountPrivacy(app: Express, ctx: AppContext): void {
  const deps = () => privacyDepsOf(ctx);
  mountErasureRequestRoute(app, ctx, deps);
  mountMeRoutes(app, ctx, deps);
  mountAdminRoutes(app, ctx, deps);
  ctx.jobs.register(RETENTION_JOB, DAY_MS, async () => void (await runRetention(deps())));
  ctx.jobs.register(DEPARTURES_JOB, DAY_MS, async () => void (await checkDepartures(deps())));
}
export { registryProblems } from './registry-check';
