import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted LRS on loopback: accepts POST /xapi/statements and fails on command. Used for the forwarding
 * fault tests (down, 5xx, 429, 400 on given statements, 409, 401).
 */
export interface ScriptedLrs {
  url: string;
  /** Statement ids accepted, in order of arrival (duplicates included). */
  received: string[];
  /** Requests seen (one per POST). */
  requests: Array<{ count: number; version: string | undefined; authorization: string | undefined; contentType: string | undefined }>;
  /** Attachment parts received (multipart/mixed requests), in order of arrival. */
  attachments: Array<{ hash: string | undefined; contentType: string | undefined; transferEncoding: string | undefined; content: Buffer }>;
  /** Answers the next `times` requests with this status (and headers/body); undefined `times` = until cleared. */
  failNext(status: number, options?: { times?: number; headers?: Record<string, string>; body?: string }): void;
  /** Answers 400 to any batch holding one of these ids (what an LRS does with one bad statement). */
  rejectIds: Set<string>;
  /** Answers 409 to any batch holding one of these ids. */
  conflictIds: Set<string>;
  /** Called before answering each statements request (after it was read): may wait, or kill a client. */
  beforeAnswer: ((requestNumber: number) => Promise<void> | void) | undefined;
  /** Stops listening and drops connections (the LRS is down: connection refused). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A multipart/mixed body split as RFC 2046 says, strictly: the body opens with the delimiter, every later
 * delimiter follows a CRLF, the close delimiter ends it. Null when it is not well formed (what a real LRS
 * answers 400 to).
 */
function splitStrict(body: Buffer, contentType: string): Array<{ headers: Record<string, string>; content: Buffer }> | null {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return null;
  const text = body.toString('latin1');
  if (!text.startsWith(`--${boundary}\r\n`)) return null;
  const close = text.indexOf(`\r\n--${boundary}--`);
  if (close < 0) return null;
  const chunks = text.slice(boundary.length + 4, close).split(`\r\n--${boundary}\r\n`);
  const parts = [];
  for (const chunk of chunks) {
    const split = chunk.indexOf('\r\n\r\n');
    if (split < 0 || chunk.includes(`--${boundary}`)) return null;
    const headers = Object.fromEntries(chunk.slice(0, split).split('\r\n').map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    parts.push({ headers, content: Buffer.from(chunk.slice(split + 4), 'latin1') });
  }
  return parts;
}

export async function startScriptedLrs(): Promise<ScriptedLrs> {
  let failure: { status: number; times: number | undefined; headers: Record<string, string>; body: string } | undefined;
  const state = {
    received: [] as string[],
    requests: [] as ScriptedLrs['requests'],
    attachments: [] as ScriptedLrs['attachments'],
    rejectIds: new Set<string>(),
    conflictIds: new Set<string>(),
    beforeAnswer: undefined as ScriptedLrs['beforeAnswer'],
  };
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (state.beforeAnswer) await state.beforeAnswer(state.requests.length + 1);
      if (res.destroyed) return;
      if (req.method !== 'POST' || !req.url?.startsWith('/xapi/statements')) {
        res.writeHead(404).end();
        return;
      }
      const contentType = req.headers['content-type'];
      let text = Buffer.concat(chunks).toString('utf8');
      let parts: ReturnType<typeof splitStrict> = [];
      if (contentType?.startsWith('multipart/mixed')) {
        parts = splitStrict(Buffer.concat(chunks), contentType);
        if (!parts || !parts[0]?.headers['content-type']?.startsWith('application/json')) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: true, message: 'malformed multipart/mixed body' }));
          return;
        }
        text = parts[0].content.toString('utf8');
      }
      const body = JSON.parse(text) as unknown;
      const statements = (Array.isArray(body) ? body : [body]) as Array<{ id: string }>;
      state.requests.push({ count: statements.length, version: req.headers['x-experience-api-version'] as string | undefined, authorization: req.headers.authorization, contentType });
      if (failure) {
        const f = failure;
        if (f.times !== undefined && --f.times <= 0) failure = undefined;
        res.writeHead(f.status, { 'content-type': 'application/json', ...f.headers }).end(f.body);
        return;
      }
      const bad = statements.find((s) => state.rejectIds.has(s.id));
      if (bad) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: true, message: `Statement ${bad.id}: result.score.scaled out of range` }));
        return;
      }
      if (statements.some((s) => state.conflictIds.has(s.id))) {
        res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ error: true, message: 'conflict' }));
        return;
      }
      for (const s of statements) state.received.push(s.id);
      for (const p of (parts ?? []).slice(1)) {
        state.attachments.push({ hash: p.headers['x-experience-api-hash'], contentType: p.headers['content-type'], transferEncoding: p.headers['content-transfer-encoding'], content: p.content });
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-experience-api-version': '1.0.3' }).end(JSON.stringify(statements.map((s) => s.id)));
    });
  };
  let server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stop = async () => {
    if (!server.listening) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/xapi/`,
    failNext(status: number, o: { times?: number; headers?: Record<string, string>; body?: string } = {}) {
      failure = { status, times: o.times, headers: o.headers ?? {}, body: o.body ?? JSON.stringify({ error: true, status }) };
    },
    down: stop,
    async up() {
      server = http.createServer(handler);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    close: stop,
  });
}
