import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import type { Opened } from '../platform/bootstrap';
import { isAlive } from '../platform/pid';
import { executeBody, runProgram, type CliDefinition, type CliIo } from './cli-support';

/**
 * The running server's local endpoint for command-line tools, on the embedded database (PGlite lets one
 * process open it): a loopback port, separate from the public app, and a random token, both written to
 * DATA_DIR/cli-endpoint.json (mode 0600, so only the server's own user can use it). A CLI finding the
 * database held sends its arguments; the server runs the same command and streams back its output.
 */

const FILE = 'cli-endpoint.json';
const BODY_LIMIT = 2 * 1024 * 1024;

/** What a CLI sends: which tool, its arguments, its working directory, and the secrets it read. */
export const RunRequestSchema = z.object({
  cli: z.string().regex(/^[a-z:-]{1,40}$/),
  argv: z.array(z.string().max(100_000)).max(500),
  cwd: z.string().min(1).max(4096),
  env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/), z.string().max(100_000)),
  stdin: z.string().max(BODY_LIMIT).optional(),
});
export type RunRequest = z.infer<typeof RunRequestSchema>;

/** One line of the answer (NDJSON): standard output, standard error, progress start/tick/stop, exit code. */
export type EndpointEvent = { o: string } | { e: string } | { p: { label: string; total: number } } | { t: number } | { s: true } | { x: number };

const EndpointFileSchema = z.object({ pid: z.number().int().positive(), port: z.number().int().positive(), token: z.string().length(64) });

/** The endpoint file of a data directory. */
export const endpointFile = (dataDir: string) => path.join(dataDir, FILE);

/** The running server's endpoint, when its file is there, readable and its process alive. */
export function readEndpoint(dataDir: string): { pid: number; port: number; token: string; file: string } | undefined {
  const file = endpointFile(dataDir);
  let parsed;
  try {
    parsed = EndpointFileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
  if (!parsed.success || !isAlive(parsed.data.pid) || parsed.data.pid === process.pid) return undefined;
  return { ...parsed.data, file };
}


/** Finds a tool by its name (lazily: a tool's modules load only when it is asked for). */
export type CliLookup = (name: string) => CliDefinition | undefined;

/** Starts the endpoint for the opened instance; `close` stops it and removes its file. */
export async function startCliEndpoint(opened: Opened, lookup: CliLookup): Promise<{ port: number; close(): Promise<void> }> {
  const token = crypto.randomBytes(32).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const server = http.createServer((req, res) => {
    const answer = (status: number, error: string) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    if (req.method !== 'POST' || req.url !== '/run') return answer(404, 'POST /run only');
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return answer(401, 'bad token');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) req.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => {
      let request: RunRequest;
      try {
        request = RunRequestSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        return answer(400, 'expected { cli, argv, cwd, env, stdin? }');
      }
      const definition = lookup(request.cli);
      if (!definition) return answer(404, `no tool ${request.cli}`);
      run(definition, request, res).catch((err: unknown) => {
        opened.log.error({ err, cli: definition.name }, 'command for a local client failed');
        if (!res.writableEnded) res.end(`${JSON.stringify({ x: 1 })}\n`);
      });
    });
  });

  const run = async (definition: CliDefinition, request: RunRequest, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    const send = (event: EndpointEvent) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(event)}\n`);
    };
    const io: CliIo = {
      write: (o) => send({ o }),
      err: (e) => send({ e }),
      cwd: request.cwd,
      env: (name) => request.env[name],
      readStdin: async () => request.stdin,
      progress(label, total) {
        send({ p: { label, total } });
        return { tick: (n = 1) => send({ t: n }), stop: () => send({ s: true }) };
      },
    };
    // Ids and codes only: the arguments may carry names or addresses.
    opened.log.info({ cli: definition.name }, 'running a command for a local command-line client');
    const code = await runProgram(definition, request.argv, io, { execute: (body, _options, bodyIo) => executeBody(body, opened, bodyIo) });
    opened.log.info({ cli: definition.name, exitCode: code }, 'command for a local client finished');
    send({ x: code });
    res.end();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const file = endpointFile(opened.config.dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ pid: process.pid, port, token }) + '\n', { mode: 0o600 });
  fs.renameSync(temporary, file);
  return {
    port,
    async close() {
      try {
        const current = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: number };
        if (current.pid === process.pid) fs.rmSync(file, { force: true });
      } catch {
        // already gone
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
