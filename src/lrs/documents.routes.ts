import crypto from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { and, eq, gt, type SQL } from 'drizzle-orm';
import type { AppContext } from '../platform/context';
import { AppError, NotFoundError } from '../platform/errors';
import { describeProblem, scanValue } from '../platform/input-hygiene';
import { actorKey, type Json } from './ifi';
import { bad, checkParams, handle, lrsOf, parseJson, parseParamJson, requireScope } from './http';
import { lrsDocuments } from './lrs.tables';
import { agentParamSchema, iri, LIMITS, timestampInstant, withinBytes, type XapiVersion } from './statement.schema';

/** The document resources: State, Activity Profile, Agent Profile (xAPI-Communication §2.2–2.4). */

type Kind = 'state' | 'activity_profile' | 'agent_profile';
interface Resource {
  kind: Kind;
  path: string;
  idParam: 'stateId' | 'profileId';
  needsActivity: boolean;
  needsAgent: boolean;
}
const RESOURCES: Resource[] = [
  { kind: 'state', path: '/activities/state', idParam: 'stateId', needsActivity: true, needsAgent: true },
  { kind: 'activity_profile', path: '/activities/profile', idParam: 'profileId', needsActivity: true, needsAgent: false },
  { kind: 'agent_profile', path: '/agents/profile', idParam: 'profileId', needsActivity: false, needsAgent: true },
];
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

interface Key {
  kind: Kind;
  activityId: string;
  agentIfi: string;
  registration: string;
  docId?: string;
  since?: string;
}

function keyOf(r: Resource, req: Request, method: string): Key {
  const allowed = [r.idParam, ...(r.needsActivity ? ['activityId'] : []), ...(r.needsAgent ? ['agent'] : []), ...(r.kind === 'state' ? ['registration'] : [])];
  if (method === 'GET') allowed.push('since');
  const p = checkParams(req.query, allowed);
  const key: Key = { kind: r.kind, activityId: '', agentIfi: '', registration: '' };
  if (r.needsActivity) {
    if (p.activityId === undefined) throw bad('activityId is required');
    if (!iri.safeParse(p.activityId).success) throw bad('activityId must be an IRI');
    key.activityId = p.activityId;
  }
  if (r.needsAgent) {
    if (p.agent === undefined) throw bad('agent is required');
    const agent = parseParamJson(p.agent, 'agent');
    if (!agentParamSchema.safeParse(agent).success) throw bad('agent is not a valid Agent');
    key.agentIfi = actorKey(agent as Json);
  }
  if (p.registration !== undefined) {
    if (!UUID.test(p.registration)) throw bad('registration must be a UUID');
    key.registration = p.registration.toLowerCase();
  }
  if (p.since !== undefined) {
    const since = timestampInstant(p.since);
    if (!since) throw bad('since must be an ISO 8601 timestamp of a real calendar date (e.g. 2026-11-28T12:00:00Z)');
    if (p[r.idParam] !== undefined) throw bad(`since cannot be combined with ${r.idParam}`);
    key.since = since.toISOString();
  }
  key.docId = p[r.idParam];
  if (key.docId !== undefined && !withinBytes(LIMITS.documentId)(key.docId)) throw bad(`${r.idParam} must be at most ${LIMITS.documentId} bytes long`);
  if (key.docId === undefined && (method === 'PUT' || method === 'POST')) throw bad(`${r.idParam} is required`);
  if (key.docId === undefined && method === 'DELETE' && r.kind !== 'state') throw bad(`${r.idParam} is required`);
  return key;
}

function where(k: Key): SQL {
  const parts = [eq(lrsDocuments.kind, k.kind), eq(lrsDocuments.activityId, k.activityId), eq(lrsDocuments.agentIfi, k.agentIfi)];
  if (k.kind === 'state' && (k.docId !== undefined || k.registration)) parts.push(eq(lrsDocuments.registration, k.registration));
  if (k.docId !== undefined) parts.push(eq(lrsDocuments.docId, k.docId));
  if (k.since) parts.push(gt(lrsDocuments.updated, k.since));
  return and(...parts)!;
}

const etagOf = (content: Buffer) => `"${crypto.createHash('sha1').update(content).digest('hex')}"`;
const tags = (h: string) => h.split(',').map((t) => t.trim().replace(/^W\//, ''));
const matches = (header: string, etag: string) => tags(header).some((t) => t === '*' || t === etag || `"${t}"` === etag);

/** If-Match / If-None-Match (xAPI-Communication §3.1): 412 when they fail, 409 or 400 when absent where required. */
function checkPreconditions(req: Request, existing: { etag: string } | undefined, rule: { kind: Kind; version: XapiVersion; put: boolean }): void {
  const ifMatch = req.get('if-match');
  const ifNoneMatch = req.get('if-none-match');
  if (ifMatch !== undefined && (!existing || !matches(ifMatch, existing.etag))) throw new AppError('precondition_failed', 'If-Match does not match the current document');
  if (ifNoneMatch !== undefined && existing && matches(ifNoneMatch, existing.etag)) throw new AppError('precondition_failed', 'If-None-Match: the document already exists');
  if (!rule.put || ifMatch !== undefined || ifNoneMatch !== undefined) return;
  // 1.0.3 Communication §3.1.s3 exempts State; IEEE 9274.1.1 §4.1.4 dropped the exemption: 409 for all three under 2.0.
  const guarded = rule.kind !== 'state' || rule.version === '2.0.0';
  if (guarded && existing) throw new AppError('conflict', 'This document exists: GET it, then send If-Match with its ETag (or If-None-Match) to change it');
  // The 1.0.3 conformance requirements (ADL LRS test suite, Communication §3.1.s3.b1: a Client MUST send
  // If-Match or If-None-Match on a profile PUT) expect 400 even for a new profile document; 2.0's do not.
  if (rule.kind !== 'state' && rule.version === '1.0.3') throw bad('A PUT to a profile resource needs If-Match or If-None-Match (If-None-Match: * to create it)');
}

/** A JSON document about to be merged: nothing nested deeper or wider than the input limits (checked without recursion). */
function checkMergeable(value: unknown, what: string): void {
  const issue = scanValue(value, { forbidPrototypeKeys: false });
  if (issue) throw bad(`${what}${issue.path ? ` at ${issue.path}` : ''} ${describeProblem(issue.problem)}`);
}

const isJsonType = (t: string) => t.toLowerCase().startsWith('application/json');

async function write(ctx: AppContext, r: Resource, req: Request, res: Response, merge: boolean) {
  const key = keyOf(r, req, req.method);
  const body = lrsOf(res).body;
  const contentType = req.get('content-type') ?? 'application/octet-stream';
  const version = lrsOf(res).version;
  await ctx.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(lrsDocuments).where(where(key)).for('update');
    checkPreconditions(req, existing, { kind: r.kind, version, put: !merge });
    let content = body;
    let type = contentType;
    if (merge) {
      const incoming = isJsonType(contentType) ? parseJson(body.toString('utf8'), 'The document') : undefined;
      checkMergeable(incoming, 'The document');
      const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
      if (existing) {
        const old = isJsonType(existing.contentType) ? parseJson(Buffer.from(existing.content).toString('utf8'), 'The stored document') : undefined;
        checkMergeable(old, 'The stored document');
        if (!isObject(incoming) || !isObject(old)) throw bad('POST merges JSON objects only: the stored and the sent documents must both be JSON objects');
        content = Buffer.from(JSON.stringify({ ...(old as Json), ...(incoming as Json) }));
        type = 'application/json';
      } else if (isJsonType(contentType) && !isObject(incoming)) {
        throw bad('A JSON document sent by POST must be an object');
      }
    }
    const values = { content, contentType: type, etag: etagOf(content), updated: ctx.clock.now().toISOString() };
    if (existing) await tx.update(lrsDocuments).set(values).where(eq(lrsDocuments.id, existing.id));
    else await tx.insert(lrsDocuments).values({ kind: key.kind, activityId: key.activityId, agentIfi: key.agentIfi, registration: key.registration, docId: key.docId!, ...values });
  });
  res.status(204).end();
}

/** Adds the three document resources to the /xapi router. */
export function documentRoutes(router: Router, ctx: AppContext): void {
  for (const r of RESOURCES) {
    const scope = r.kind === 'state' ? 'state' : 'profile';
    router.put(r.path, handle(async (req, res) => (requireScope(lrsOf(res).credential, scope), write(ctx, r, req, res, false))));
    router.post(r.path, handle(async (req, res) => (requireScope(lrsOf(res).credential, scope), write(ctx, r, req, res, true))));
    router.get(
      r.path,
      handle(async (req, res) => {
        requireScope(lrsOf(res).credential, scope, 'all/read');
        const key = keyOf(r, req, 'GET');
        if (key.docId === undefined) {
          const rows = await ctx.db.select({ docId: lrsDocuments.docId, updated: lrsDocuments.updated }).from(lrsDocuments).where(where(key));
          const last = rows.reduce((m, x) => (new Date(x.updated) > m ? new Date(x.updated) : m), new Date(0));
          if (rows.length) res.setHeader('Last-Modified', last.toUTCString());
          res.json(rows.map((x) => x.docId));
          return;
        }
        const [doc] = await ctx.db.select().from(lrsDocuments).where(where(key));
        if (!doc) throw new NotFoundError(`No document ${key.docId}`);
        res.setHeader('Content-Type', doc.contentType);
        res.setHeader('ETag', doc.etag);
        res.setHeader('Last-Modified', new Date(doc.updated).toUTCString());
        res.send(Buffer.from(doc.content));
      }),
    );
    router.delete(
      r.path,
      handle(async (req, res) => {
        requireScope(lrsOf(res).credential, scope);
        const key = keyOf(r, req, 'DELETE');
        await ctx.db.transaction(async (tx) => {
          if (key.docId !== undefined) {
            const [existing] = await tx.select().from(lrsDocuments).where(where(key)).for('update');
            if (req.get('if-match') !== undefined) checkPreconditions(req, existing, { kind: r.kind, version: lrsOf(res).version, put: false });
          }
          await tx.delete(lrsDocuments).where(where(key));
        });
        res.status(204).end();
      }),
    );
  }
}
