import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { EXIT, StartupError, type Opened } from '../platform/bootstrap';
import { AppError } from '../platform/errors';
import { parseCalendarDate, parseTimestamp } from '../platform/input-hygiene';

/**
 * What every command-line tool shares: a program built fresh for each run (so the same definition runs
 * from a shell or inside the running server, see cli-remote.ts), commander's usage errors turned into exit
 * code 64, failures into a clear message and the documented exit codes, output through `CliIo`.
 */

/** A progress indicator for long work. */
export interface Progress {
  tick(n?: number): void;
  stop(): void;
}

/** Where a command reads and writes: the terminal, or a client of the running server. */
export interface CliIo {
  /** Writes text to standard output as is. */
  write(text: string): void;
  /** Writes text to standard error as is. */
  err(text: string): void;
  /** The caller's working directory (relative paths in options are read against it). */
  cwd: string;
  /** A variable of the caller's environment (for secrets kept out of the command line). */
  env(name: string): string | undefined;
  /** The caller's standard input when something is piped into it, undefined for a terminal. */
  readStdin(): Promise<string | undefined>;
  progress(label: string, total: number): Progress;
}

/** A command's work, given the opened instance. Returns an exit code (default 0). */
export type CliBody = (opened: Opened, io: CliIo) => Promise<number | void>;
export interface RunOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
}

/** Runs bodies: against a database it opens, or against the running server's (cli-remote.ts). */
export interface CliHost {
  execute(body: CliBody, options: RunOptions, io: CliIo): Promise<number>;
}

/** What a definition's actions use: the io, and `run` for the work that needs the instance. */
export interface CliContext {
  io: CliIo;
  out(line: string): void;
  run(body: CliBody, options?: RunOptions): Promise<void>;
}

/** One command-line tool: `npm run <name> -- …`. `build` declares its commands on a fresh program. */
export interface CliDefinition {
  name: string;
  description: string;
  build(program: Command, cli: CliContext): void;
}

/** A mistake in the command's arguments found after parsing: printed without a stack trace, exit code 64. */
export class UsageError extends Error {}

const EXIT_CODES = `
Exit codes: 0 done, 1 unexpected error, 2 bad configuration, 3 database unreachable, 5 data directory not
writable, 64 wrong usage (unknown command or option, missing or bad value).`;

/** A definition's program, built fresh, with `result()` the exit code of the command it ran. */
export function buildProgram(definition: CliDefinition, io: CliIo, host: CliHost): { program: Command; result(): number } {
  const program = new Command(`npm run ${definition.name} --`)
    .description(definition.description)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.write(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help to see the usage)')
    .addHelpText('afterAll', EXIT_CODES);
  let code: number = EXIT.ok;
  const cli: CliContext = {
    io,
    out: (line) => io.write(`${line}\n`),
    run: async (body, options = {}) => {
      code = await host.execute(body, options, io);
    },
  };
  definition.build(program, cli);
  return { program, result: () => code };
}

/** Parses `argv` (the arguments after the script name) and runs the chosen command; returns its exit code. */
export async function runProgram(definition: CliDefinition, argv: string[], io: CliIo, host: CliHost): Promise<number> {
  const { program, result } = buildProgram(definition, io, host);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    // --help and `help` end with exit code 0; every other commander error is a usage error.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportFailure(err, io);
  }
  return result();
}

/** Prints a failure for a person and returns its exit code. */
export function reportFailure(err: unknown, io: CliIo): number {
  if (err instanceof StartupError) {
    io.err(`instants: ${err.message}\n`);
    return err.exitCode;
  }
  // A refused input (an exposed AppError from a service, e.g. a validation error) is the caller's mistake.
  if (err instanceof UsageError || (err instanceof AppError && err.expose)) {
    const details = err instanceof AppError ? (err.details?.map((d) => `\n  - ${d.path}: ${d.message}`).join('') ?? '') : '';
    io.err(`error: ${err.message}${details}\n`);
    return EXIT.usage;
  }
  io.err(`instants: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.unexpected;
}

/** Runs a body against an opened instance, closing nothing (the caller owns it), turning failures into codes. */
export async function executeBody(body: CliBody, opened: Opened, io: CliIo): Promise<number> {
  try {
    return (await body(opened, io)) ?? EXIT.ok;
  } catch (err) {
    return reportFailure(err, io);
  }
}

/** commander value parser: a whole number within bounds, e.g. `--batch <n>`. */
export function wholeNumber(min: number, max: number, example: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max} (e.g. ${example}).`);
    return n;
  };
}

/** commander value parser: a day (2026-11-01, midnight UTC) or an ISO 8601 date-time (UTC unless an offset is given). */
export function dateValue(value: string): Date {
  const date = parseCalendarDate(value) ?? parseTimestamp(value)?.date;
  if (!date) throw new InvalidArgumentError('expected a date such as 2026-11-01 or 2026-11-01T08:00:00Z.');
  return date;
}

/** commander value parser for a repeatable option whose values must be among `allowed`. */
export function oneOf<T extends string>(allowed: readonly T[]) {
  return (value: string, previous: T[] = []): T[] => {
    if (!(allowed as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${allowed.join(', ')}.`);
    return [...previous, value as T];
  };
}

/** commander value parser for a repeatable free option. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * A secret kept out of the command line (shell history, `ps`): from the environment variable `envName`,
 * or from the first line of standard input with `--secret-stdin`.
 */
export async function readSecret(io: CliIo, o: { envName: string; fromStdin?: boolean; flag: string }): Promise<string> {
  if (o.fromStdin) {
    const text = await io.readStdin();
    const secret = text?.split(/\r?\n/)[0] ?? '';
    if (!secret) throw new UsageError(`${o.flag}: nothing on standard input (e.g. printf '%s' "$SECRET" | npm run … ${o.flag})`);
    return secret;
  }
  const fromEnv = io.env(o.envName);
  if (fromEnv) return fromEnv;
  throw new UsageError(`the secret is missing: set ${o.envName}, or pipe it into standard input with ${o.flag} (it is never taken from the command line, where shell history and ps would show it)`);
}
