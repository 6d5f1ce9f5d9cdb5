import type { AppContext } from '../../platform/context';
import { Outbox } from './outbox';

// One outbox per application (keyed by its context, not a process-wide singleton): slices that mount later
// (grades) register their handlers on the same instance.
const outboxes = new WeakMap<object, Outbox>();

/** The outbox of an application: register handlers on it (`outboxOf(ctx).register(kind, handler)`). */
export function outboxOf(ctx: Pick<AppContext, 'db' | 'clock' | 'log'>): Outbox {
  let box = outboxes.get(ctx);
  if (!box) {
    box = new Outbox({ db: ctx.db, clock: ctx.clock, log: ctx.log });
    outboxes.set(ctx, box);
  }
  return box;
}
