import { Presets, SingleBar } from 'cli-progress';
import { configFromEnv, EXIT, openFromEnv, type Opened } from '../platform/bootstrap';
import { readEndpoint, type EndpointEvent, type RunRequest } from './cli-endpoint';
import { executeBody, reportFailure, runProgram, type CliDefinition, type CliHost, type CliIo, type Progress } from './cli-support';

/**
 * A command-line tool started from a shell. It opens the database itself, except when an Instants server
 * holds the embedded database (PGlite allows one process): then the same command runs inside that server,
 * through its local endpoint (cli-endpoint.ts), with this terminal's output, secrets and progress bar.
 */

const STDIN_LIMIT = 1024 * 1024;

/** The terminal's io; it remembers the secrets it read so that a forwarded run gets the same ones. */
export function terminalIo(): CliIo & { consumed: { env: Record<string, string>; stdin?: string } } {
  const consumed: { env: Record<string, string>; stdin?: string } = { env: {} };
  return {
    consumed,
    write: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    cwd: process.cwd(),
    env(name) {
      // A secret the caller exported for this command (never configuration: that is config.ts's).
      const value = process.env[name];
      if (value !== undefined) consumed.env[name] = value;
      return value;
    },
    async readStdin() {
      if (consumed.stdin !== undefined) return consumed.stdin;
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > STDIN_LIMIT) break;
        chunks.push(chunk);
      }
      consumed.stdin = Buffer.concat(chunks).toString('utf8');
      return consumed.stdin;
    },
    progress: terminalProgress,
  };
}

/** A bar on standard error when it is a terminal (or INSTANTS_PROGRESS is set), a line every tenth otherwise. */
export function terminalProgress(label: string, total: number): Progress {
  if (!process.stderr.isTTY && !process.env.INSTANTS_PROGRESS) {
    let done = 0;
    let shown = 0;
    return {
      tick(n = 1) {
        done += n;
        const tenth = Math.floor((Math.min(done, total) / Math.max(total, 1)) * 10);
        if (tenth > shown) {
          shown = tenth;
          process.stderr.write(`${label}: ${Math.min(done, total)}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new SingleBar({ format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`, stream: process.stderr, clearOnComplete: false, noTTYOutput: !process.stderr.isTTY }, Presets.shades_classic);
  bar.start(total, 0);
  let done = 0;
  return {
    tick(n = 1) {
      done += n;
      if (done > total) bar.setTotal(done);
      bar.increment(n);
    },
    stop: () => bar.stop(),
  };
}

/** Runs the body here, or in the running server when it holds the embedded database. */
function localHost(definition: CliDefinition, argv: string[], io: ReturnType<typeof terminalIo>): CliHost {
  return {
    async execute(body, options) {
      let opened: Opened;
      try {
        const config = configFromEnv();
        const server = config.db.url ? undefined : readEndpoint(config.dataDir);
        if (server) {
          const forwarded = await forward(server, { cli: definition.name, argv, cwd: io.cwd, env: io.consumed.env, stdin: io.consumed.stdin }, io);
          if (forwarded !== undefined) return forwarded;
        }
        opened = await openFromEnv({ migrate: options.migrate, logLevel: process.env.LOG_LEVEL ?? 'warn', logToStderr: true });
      } catch (err) {
        return reportFailure(err, io);
      }
      try {
        return await executeBody(body, opened, io);
      } finally {
        await opened.database.close().catch(() => undefined);
      }
    },
  };
}

/** Sends the command to the server and relays its output; undefined when the server does not answer (gone). */
async function forward(server: { pid: number; port: number; token: string; file: string }, request: RunRequest, io: CliIo): Promise<number | undefined> {
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${server.port}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify(request),
    });
  } catch {
    return undefined; // a stale endpoint file: open the database here (refused if a process still holds it)
  }
  if (res.status !== 200 || !res.body) {
    io.err(`instants: the running server (pid ${server.pid}) refused the command (HTTP ${res.status}); stop it to run commands directly\n`);
    return EXIT.unexpected;
  }
  io.err(`(run by the Instants server with pid ${server.pid}, which holds the embedded database)\n`);
  let progress: Progress | undefined;
  let code: number | undefined;
  let buffered = '';
  const decoder = new TextDecoder();
  const handle = (line: string) => {
    if (!line.trim()) return;
    const event = JSON.parse(line) as EndpointEvent;
    if ('o' in event) io.write(event.o);
    else if ('e' in event) io.err(event.e);
    else if ('p' in event) progress = io.progress(event.p.label, event.p.total);
    else if ('t' in event) progress?.tick(event.t);
    else if ('s' in event) progress?.stop();
    else if ('x' in event) code = event.x;
  };
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    lines.forEach(handle);
  }
  handle(buffered);
  if (code === undefined) {
    io.err('instants: the running server stopped answering before the command ended; see its log\n');
    return EXIT.unexpected;
  }
  return code;
}

/** The entry point of a CLI file: `if (require.main === module) void runStandalone(myCli);`. */
export async function runStandalone(definition: CliDefinition, argv = process.argv.slice(2)): Promise<never> {
  const io = terminalIo();
  const code = await runProgram(definition, argv, io, localHost(definition, argv, io));
  // Let the last writes reach a pipe before exiting.
  await new Promise<void>((resolve) => (process.stdout.writableNeedDrain ? process.stdout.once('drain', resolve) : resolve()));
  process.exit(code);
}

