import type { Request, Response, Router } from 'express';
import type { AppContext } from '../platform/context';
import { NotFoundError } from '../platform/errors';
import { actorKey, type Json } from './ifi';
import { bad, checkParams, handle, lrsOf, parseJson, requireScope } from './http';
import { boundaryOf, buildMultipart, parseMultipart, sha256 } from './multipart';
import { agentParamSchema, isTimestamp } from './statement.schema';
import { findAttachments, findStatement, queryStatements, saveAttachments, type StatementFilter } from './statements.query';
import { acceptedLanguages, present, type Format } from './statements.present';
import { checkSignatures } from './signature';
import { storeStatements } from './store.service';

/** The Statement resource, /xapi/statements (xAPI-Communication §2.1). */

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const GET_PARAMS = [
  'statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents',
  'since', 'until', 'limit', 'format', 'attachments', 'ascending', 'more',
] as const;
const MAX_LIMIT = 500;
const SIGNATURE = 'http://adlnet.gov/expapi/attachments/signature';

/** The statement(s) of a PUT/POST body and their attachment parts, checked against each other. */
function readStatements(req: Request, body: Buffer): { payload: unknown; parts: Array<{ sha2: string; contentType: string; content: Buffer }> } {
  const type = (req.get('content-type') ?? '').toLowerCase();
  if (type.startsWith('multipart/mixed')) {
    const boundary = boundaryOf(req.get('content-type')!);
    if (!boundary) throw bad('multipart/mixed without a boundary');
    const [first, ...rest] = parseMultipart(body, boundary);
    if (!first || !(first.headers['content-type'] ?? '').startsWith('application/json')) throw bad('The first part must be the statement(s) as application/json');
    const payload = parseJson(first.body.toString('utf8'), 'The statement part');
    const parts = rest.map((p, i) => {
      const hash = p.headers['x-experience-api-hash'];
      if (!hash) throw bad(`Attachment part ${i + 1} has no X-Experience-API-Hash header`);
      if (p.headers['content-transfer-encoding'] !== 'binary') throw bad(`Attachment part ${i + 1} needs Content-Transfer-Encoding: binary`);
      if (sha256(p.body) !== hash.toLowerCase()) throw bad(`Attachment part ${i + 1}: X-Experience-API-Hash does not match its content`);
      return { sha2: hash.toLowerCase(), contentType: p.headers['content-type'] ?? 'application/octet-stream', content: p.body };
    });
    const declared = new Set(
      (Array.isArray(payload) ? payload : [payload]).flatMap((s: Json) => (Array.isArray(s?.attachments) ? (s.attachments as Json[]) : []).map((a) => String(a.sha2).toLowerCase())),
    );
    for (const p of parts) if (!declared.has(p.sha2)) throw bad(`Attachment part with hash ${p.sha2} is not declared by any statement`);
    return { payload, parts };
  }
  if (!type.startsWith('application/json')) throw bad('Statements must be sent as application/json or multipart/mixed');
  return { payload: parseJson(body.toString('utf8'), 'The request body'), parts: [] };
}

/** Every attachment without fileUrl needs its part (xAPI-Communication §1.5.2). */
function checkAttachmentParts(statements: Json[], parts: Array<{ sha2: string }>): void {
  const sent = new Set(parts.map((p) => p.sha2));
  for (const s of statements) {
    for (const a of Array.isArray(s?.attachments) ? (s.attachments as Json[]) : []) {
      const sha = String(a.sha2).toLowerCase();
      if (a.usageType === SIGNATURE && !sent.has(sha)) throw bad('A signature attachment must be sent as a part');
      if (!a.fileUrl && !sent.has(sha)) throw bad(`Attachment ${sha} has no fileUrl and no part in the request`);
    }
  }
}

function authorityOf(ctx: AppContext, res: Response): Json {
  const { credential } = lrsOf(res);
  return { objectType: 'Agent', name: credential.name, account: { homePage: `${ctx.config.http.publicUrl}/xapi`, name: credential.key } };
}

async function write(ctx: AppContext, req: Request, res: Response, statements: unknown[], parts: Array<{ sha2: string; contentType: string; content: Buffer }>) {
  checkAttachmentParts(statements as Json[], parts);
  if (parts.length) {
    const byHash = new Map(parts.map((p) => [p.sha2, p.content]));
    for (const s of statements as Json[]) if (s && typeof s === 'object') await checkSignatures(s, byHash);
  }
  const lrs = lrsOf(res);
  return ctx.db.transaction(async (tx) => {
    const ids = await storeStatements(tx, statements, { authority: authorityOf(ctx, res), version: lrs.version, stored: ctx.clock.now(), credentialId: lrs.credential.id });
    if (parts.length) await saveAttachments(tx, parts);
    const stored = (statements as Json[]).map((s, i) => ({ ...s, id: ids[i] }));
    for (const hook of ctx.afterStatementsStored) await hook(tx, stored);
    return ids;
  });
}

const putStatement = (ctx: AppContext) =>
  handle(async (req, res) => {
    const lrs = lrsOf(res);
    requireScope(lrs.credential, 'statements/write');
    const { statementId } = checkParams(req.query, ['statementId']);
    if (!statementId) throw bad('PUT needs the statementId parameter');
    if (!UUID.test(statementId)) throw bad('statementId must be a UUID');
    const { payload, parts } = readStatements(req, lrs.body);
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw bad('PUT takes one statement object');
    const s = payload as Json;
    if (s.id !== undefined && String(s.id).toLowerCase() !== statementId.toLowerCase()) throw bad('The statement id differs from the statementId parameter');
    await write(ctx, req, res, [{ ...s, id: statementId }], parts);
    res.setHeader('X-Experience-API-Consistent-Through', ctx.clock.now().toISOString());
    res.status(204).end();
  });

const postStatements = (ctx: AppContext) =>
  handle(async (req, res) => {
    const lrs = lrsOf(res);
    requireScope(lrs.credential, 'statements/write');
    checkParams(req.query, []);
    const { payload, parts } = readStatements(req, lrs.body);
    const list = Array.isArray(payload) ? payload : [payload];
    if (!list.length) throw bad('No statement to store');
    const ids = await write(ctx, req, res, list, parts);
    res.setHeader('X-Experience-API-Consistent-Through', ctx.clock.now().toISOString());
    res.status(200).json(ids);
  });

const bool = (v: string | undefined, name: string) => {
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') throw bad(`${name} must be true or false`);
  return v === 'true';
};

/** Builds the filter of a GET from its parameters (or from a `more` token). */
function filterOf(p: Record<string, string>, credentialId: string | undefined): StatementFilter {
  const f: StatementFilter = {
    relatedAgents: bool(p.related_agents, 'related_agents'),
    relatedActivities: bool(p.related_activities, 'related_activities'),
    ascending: bool(p.ascending, 'ascending'),
    limit: MAX_LIMIT,
    credentialId,
  };
  if (p.agent !== undefined) {
    const agent = parseJson(p.agent, 'agent');
    const r = agentParamSchema.safeParse(agent);
    if (!r.success) throw bad(`agent is not a valid Agent or Group: ${r.error.issues[0]?.message ?? ''}`);
    f.agent = actorKey(agent as Json);
  }
  if (p.verb !== undefined) f.verb = p.verb;
  if (p.activity !== undefined) f.activity = p.activity;
  if (p.registration !== undefined) {
    if (!UUID.test(p.registration)) throw bad('registration must be a UUID');
    f.registration = p.registration.toLowerCase();
  }
  for (const k of ['since', 'until'] as const) {
    if (p[k] !== undefined) {
      if (!isTimestamp(p[k])) throw bad(`${k} must be an ISO 8601 timestamp`);
      f[k] = p[k];
    }
  }
  if (p.limit !== undefined) {
    if (!/^\d+$/.test(p.limit)) throw bad('limit must be a non-negative integer');
    const n = Number(p.limit);
    f.limit = n === 0 ? MAX_LIMIT : Math.min(n, MAX_LIMIT);
  }
  return f;
}

async function sendStatements(ctx: AppContext, req: Request, res: Response, result: Json | string, statements: Json[], attachments: boolean) {
  res.setHeader('X-Experience-API-Consistent-Through', ctx.clock.now().toISOString());
  if (!attachments) {
    if (typeof result === 'string') res.type('application/json').send(result);
    else res.json(result);
    return;
  }
  const hashes = [...new Set(statements.flatMap((s) => (Array.isArray(s.attachments) ? (s.attachments as Json[]) : []).map((a) => String(a.sha2).toLowerCase())))];
  const found = await findAttachments(ctx.db, hashes);
  const { body, contentType } = buildMultipart([
    { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result)) },
    ...found.map((a) => ({
      headers: { 'Content-Type': a.contentType, 'Content-Transfer-Encoding': 'binary', 'X-Experience-API-Hash': a.sha2 },
      body: a.content,
    })),
  ]);
  res.setHeader('Content-Type', contentType);
  res.send(body);
}

const getStatements = (ctx: AppContext) =>
  handle(async (req, res) => {
    const { credential } = lrsOf(res);
    requireScope(credential, 'statements/read', 'statements/read/mine', 'all/read');
    const mine = credential.scopes.some((s) => ['all', 'all/read', 'statements/read'].includes(s)) ? undefined : credential.id;
    let p = checkParams(req.query, GET_PARAMS);
    const format = (p.format ?? 'exact') as Format;
    if (!['exact', 'ids', 'canonical'].includes(format)) throw bad('format must be exact, ids or canonical');
    const attachments = bool(p.attachments, 'attachments');
    const languages = acceptedLanguages(req.get('accept-language'));
    const single = p.statementId ?? p.voidedStatementId;
    if (single !== undefined) {
      const extra = Object.keys(p).filter((k) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(k));
      if (extra.length || (p.statementId && p.voidedStatementId)) throw bad('statementId and voidedStatementId only combine with format and attachments');
      if (!UUID.test(single)) throw bad('The statement id must be a UUID');
      const found = await findStatement(ctx.db, single.toLowerCase(), p.voidedStatementId !== undefined, mine);
      if (!found) throw new NotFoundError(`No statement ${single}`);
      res.setHeader('Last-Modified', new Date(found.stored).toUTCString());
      await sendStatements(ctx, req, res, present(found.statement, format, languages), [found.statement], attachments);
      return;
    }
    let after: StatementFilter['after'];
    if (p.more !== undefined) {
      const token = parseJson(Buffer.from(p.more, 'base64url').toString('utf8'), 'more') as { p?: Record<string, string>; s?: string; q?: number };
      if (!token || typeof token !== 'object' || !token.p || typeof token.s !== 'string' || typeof token.q !== 'number') throw bad('Invalid more token');
      p = { ...checkParams(token.p, GET_PARAMS.filter((k) => k !== 'more')) };
      after = { stored: token.s, seq: token.q };
    }
    const filter = { ...filterOf(p, mine), after };
    const page = await queryStatements(ctx.db, filter);
    const more = page.next
      ? `${req.baseUrl}/statements?more=${Buffer.from(JSON.stringify({ p, s: page.next.stored, q: page.next.seq })).toString('base64url')}`
      : '';
    if (page.lastStored) res.setHeader('Last-Modified', new Date(page.lastStored).toUTCString());
    // format=exact sends the stored JSON text as is: no parse and re-serialisation of each statement.
    if (format === 'exact' && !attachments) {
      await sendStatements(ctx, req, res, `{"statements":[${page.texts.join(',')}],"more":${JSON.stringify(more)}}`, [], false);
      return;
    }
    const statements = page.texts.map((x) => JSON.parse(x) as Json);
    await sendStatements(ctx, req, res, { statements: statements.map((s) => present(s, format, languages)), more }, statements, attachments);
  });

/** Adds the statement routes to the /xapi router. */
export function statementRoutes(router: Router, ctx: AppContext): void {
  router.put('/statements', putStatement(ctx));
  router.post('/statements', postStatements(ctx));
  router.get('/statements', getStatements(ctx));
}
