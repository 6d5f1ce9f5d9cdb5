import type { ErrorRequestHandler, Request, Response, Router } from 'express';
import type { AppContext } from '../platform/context';
import type { ChangeVersions } from '../platform/db/changes';
import { CONSISTENT_THROUGH_UNKNOWN, readConsistentThrough } from './consistency';
import type { CredentialCache } from './credential.cache';
import type { Json } from './ifi';
import { bad, checkParams, handle, lrsOf, parseJson, requireScope } from './http';
import { boundaryOf, parseMultipart, sha256 } from './multipart';
import { saveAttachments } from './statements.query';
import { CONSISTENT_THROUGH, getStatements, UUID } from './statements.get';
import { checkSignatures } from './signature';
import { validateStatements, writeStatements } from './store.service';

/** The Statement resource, /xapi/statements (xAPI-Communication §2.1): PUT and POST here, GET in statements.get.ts. */

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

async function write(ctx: AppContext, credentials: CredentialCache, res: Response, statements: unknown[], parts: Array<{ sha2: string; contentType: string; content: Buffer }>) {
  const lrs = lrsOf(res);
  // Grammar and input hygiene first: signatures compare statements recursively, so never on unchecked input.
  const valid = validateStatements(statements, lrs.version);
  checkAttachmentParts(valid, parts);
  if (parts.length) {
    const byHash = new Map(parts.map((p) => [p.sha2, p.content]));
    for (const s of valid) await checkSignatures(s, byHash);
  }
  const written = await ctx.db.transaction(async (tx) => {
    const withIds = (ids: string[]) => (statements as Json[]).map((s, i) => ({ ...s, id: ids[i] }));
    // The forwarding outbox rows are written by the statement that inserts the statements.
    const alongside = async (versions: ChangeVersions, ids: string[]) => {
      const out = [];
      for (const ask of ctx.alongsideStatementsStored) out.push(...(await ask(tx, withIds(ids), versions)));
      return out;
    };
    const result = await writeStatements(tx, valid, { authority: authorityOf(ctx, res), version: lrs.version, now: () => ctx.clock.now(), credentialId: lrs.credential.id, validated: true, alongside });
    // A credential from the cache revoked meanwhile: 401, and the transaction (with what it wrote) rolls back.
    await credentials.confirm(tx, lrs.authenticated, result.versions);
    if (parts.length) await saveAttachments(tx, parts);
    const stored = withIds(result.ids);
    for (const hook of ctx.afterStatementsStored) await hook(tx, stored, result.versions);
    return result;
  });
  res.setHeader(CONSISTENT_THROUGH, written.consistentThrough.toISOString());
  return written.ids;
}

const putStatement = (ctx: AppContext, credentials: CredentialCache) =>
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
    await write(ctx, credentials, res, [{ ...s, id: statementId }], parts);
    res.status(204).end();
  });

const postStatements = (ctx: AppContext, credentials: CredentialCache) =>
  handle(async (req, res) => {
    const lrs = lrsOf(res);
    requireScope(lrs.credential, 'statements/write');
    checkParams(req.query, []);
    const { payload, parts } = readStatements(req, lrs.body);
    const list = Array.isArray(payload) ? payload : [payload];
    if (!list.length) throw bad('No statement to store');
    const ids = await write(ctx, credentials, res, list, parts);
    res.status(200).json(ids);
  });

/** Adds the statement routes to the /xapi router; they confirm a credential taken from `credentials` in their first query. */
export function statementRoutes(router: Router, ctx: AppContext, credentials: CredentialCache): void {
  router.put('/statements', putStatement(ctx, credentials));
  router.post('/statements', postStatements(ctx, credentials));
  router.get('/statements', getStatements(ctx, credentials));
}

/**
 * Communication §2.1.3: X-Experience-API-Consistent-Through goes on every response to a Statement Resource
 * request, errors included (a 400 for bad parameters, a 404 for a voided statementId, a 401…). Mounted as
 * the LRS router's error handler, so errors raised before the statement routes get it too.
 */
export function consistentThroughOnErrors(ctx: AppContext): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (req.path !== '/statements' || res.headersSent || res.getHeader(CONSISTENT_THROUGH)) return next(err);
    readConsistentThrough(ctx.db, ctx.clock)
      .catch(() => CONSISTENT_THROUGH_UNKNOWN)
      .then((at) => res.setHeader(CONSISTENT_THROUGH, at.toISOString()))
      .finally(() => next(err));
  };
}
