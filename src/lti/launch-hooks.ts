import type { AppContext } from '../platform/context';
import type { LaunchContext } from './launch.schema';

/** What a slice learns after a verified launch was recorded: the launch, its person's id and where it was going. */
export interface LaunchRecorded {
  launch: LaunchContext;
  launchId: string;
  userId: string;
  destination: string;
}

/** A slice's reaction to a recorded launch; it may send the browser elsewhere first (e.g. the profile screen). */
export type LaunchHook = (recorded: LaunchRecorded) => Promise<string | undefined>;

const hooks = new WeakMap<AppContext, LaunchHook[]>();

/** Registers a hook run after each recorded launch of this app (people: service and job family). */
export function addLaunchHook(ctx: AppContext, hook: LaunchHook): void {
  hooks.set(ctx, [...(hooks.get(ctx) ?? []), hook]);
}

/** Runs the hooks in order; each may change the destination. */
export async function runLaunchHooks(ctx: AppContext, recorded: LaunchRecorded): Promise<string> {
  let destination = recorded.destination;
  for (const hook of hooks.get(ctx) ?? []) destination = (await hook({ ...recorded, destination })) ?? destination;
  return destination;
}
