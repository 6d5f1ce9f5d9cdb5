import type { Request, Response } from 'express';
import type { Clock } from '../platform/clock';
import type { Config } from '../platform/config';
import type { Db } from '../platform/db/client';
import { PlatformKeySets } from './keyset.cache';
import type { LaunchContext } from './launch.schema';
import { deleteDeployments, listDeployments, recordDeployment } from './launch.repo';
import { createLtiProvider, type LtiProvider } from './ltijs.adapter';
import { LtijsDatabasePlugin } from './ltijs.plugin';
import type { PlatformInfo, PlatformInput } from './platform.types';

/** Everything the lti slice builds once per app (or per CLI run). */
export interface LtiServices {
  provider: LtiProvider;
  keySets: PlatformKeySets;
  db: Db;
  config: Config;
  clock: Clock;
}

/** A registered platform with its deployments. */
export interface PlatformRecord extends PlatformInfo {
  deployments: string[];
}

/**
 * Builds the ltijs provider with our database plugin and key-set cache. `onLaunch` handles verified
 * launches (the CLI and test setup leave it out: they only manage platforms).
 */
export async function openLti(
  deps: { db: Db; clock: Clock; config: Config; ltiKey: string },
  onLaunch: (launch: LaunchContext, req: Request, res: Response) => Promise<void> = async () => {
    throw new Error('launches are not handled here');
  },
): Promise<LtiServices> {
  const keySets = new PlatformKeySets();
  const plugin = new LtijsDatabasePlugin(
    { db: deps.db, clock: deps.clock },
    {
      GetPlatformJwk: (url, kid) => keySets.get(url, kid),
      ClockToleranceSeconds: deps.config.lti.clockLeewaySeconds,
    },
  );
  const secure = deps.config.http.publicUrl.startsWith('https://');
  const provider = await createLtiProvider({
    plugin,
    ltiKey: deps.ltiKey,
    cookies: { secure, sameSite: secure ? 'None' : 'Lax' },
    onLaunch,
  });
  return { provider, keySets, db: deps.db, config: deps.config, clock: deps.clock };
}

/** Registers (or updates) a platform and declares its deployments. */
export async function addPlatform(lti: LtiServices, input: PlatformInput, deployments: string[] = [], active = true): Promise<PlatformRecord> {
  await lti.provider.registerPlatform(input);
  await lti.provider.setActive(input.issuer, input.clientId, active);
  for (const deploymentId of deployments) await recordDeployment(lti.db, { issuer: input.issuer, clientId: input.clientId, deploymentId, source: 'declared' });
  return (await findPlatformRecord(lti, input.issuer, input.clientId))!;
}

export async function findPlatformRecord(lti: LtiServices, issuer: string, clientId: string): Promise<PlatformRecord | undefined> {
  const p = await lti.provider.findPlatform(issuer, clientId);
  return p ? { ...p, deployments: await listDeployments(lti.db, issuer, clientId) } : undefined;
}

export async function listPlatformRecords(lti: LtiServices): Promise<PlatformRecord[]> {
  const all = await lti.provider.listPlatforms();
  return Promise.all(all.map(async (p) => ({ ...p, deployments: await listDeployments(lti.db, p.issuer, p.clientId) })));
}

/** Removes a platform, its keys and its deployments; false when unknown. */
export async function removePlatform(lti: LtiServices, issuer: string, clientId: string): Promise<boolean> {
  const removed = await lti.provider.removePlatform(issuer, clientId);
  if (removed) await deleteDeployments(lti.db, issuer, clientId);
  return removed;
}
