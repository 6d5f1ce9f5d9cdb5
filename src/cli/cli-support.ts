import { SingleBar, Presets } from 'cli-progress';
import { EXIT, exitWith, openFromEnv, StartupError, type Opened } from '../platform/bootstrap';
import { AppError } from '../platform/errors';

/**
 * Runs a CLI command body with the database opened (migrated unless told otherwise), closes it afterwards,
 * and turns failures into a clear message and an exit code scripts can trust (64 for refused input).
 */
export async function runCli(body: (opened: Opened) => Promise<number | void>, options: { migrate?: boolean } = {}): Promise<never> {
  let opened: Opened | undefined;
  try {
    opened = await openFromEnv({ migrate: options.migrate, logLevel: process.env.LOG_LEVEL ?? 'warn' });
    const code = (await body(opened)) ?? EXIT.ok;
    await opened.database.close();
    process.exit(code);
  } catch (err) {
    await opened?.database.close().catch(() => undefined);
    if (err instanceof StartupError) exitWith(err);
    // A refused input (an exposed AppError from a service, e.g. a validation error) is the caller's mistake.
    const usage = err instanceof UsageError ? err.message : err instanceof AppError && err.expose ? `${err.message}${err.details?.map((d) => `\n  - ${d.path}: ${d.message}`).join('') ?? ''}` : undefined;
    if (usage !== undefined) {
      process.stderr.write(`error: ${usage}\n`);
      process.exit(EXIT.usage);
    }
    exitWith(err);
  }
}

/** A mistake in the command's arguments: printed without a stack trace, exit code 64. */
export class UsageError extends Error {}

/** A progress bar on stderr for long work (hidden when stderr is not a terminal, unless forced). */
export function progressBar(label: string, total: number): { tick(n?: number): void; stop(): void } {
  if (!process.stderr.isTTY && !process.env.INSTANTS_PROGRESS) {
    let done = 0;
    let lastShown = 0;
    return {
      tick(n = 1) {
        done += n;
        const pct = Math.floor((done / Math.max(total, 1)) * 10);
        if (pct > lastShown) {
          lastShown = pct;
          process.stderr.write(`${label}: ${done}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: process.stderr }, Presets.shades_classic);
  bar.start(total, 0);
  return { tick: (n = 1) => bar.increment(n), stop: () => bar.stop() };
}
