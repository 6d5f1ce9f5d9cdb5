import type { Request, Response } from 'express';
import type { AppContext } from '../platform/context';
import { NotFoundError } from '../platform/errors';
import { readQueryContext } from './consistency';
import type { CredentialCache } from './credential.cache';
import { indexKeyOf, type Json } from './ifi';
import { bad, checkParams, handle, lrsOf, parseParamJson, requireScope } from './http';
import { signMore, verifyMore } from './more-token';
import { buildMultipart } from './multipart';
import { agentParamSchema, timestampInstant } from './statement.schema';
import { findAttachments, findStatement, queryStatements, type StatementFilter } from './statements.query';
import { STATEMENT_REFS_FLAG } from './statements.repo';
import { acceptedLanguages, present, type Format } from './statements.present';

/** GET /xapi/statements (Communication §2.1.3): one statement, or a filtered, keyset-paged StatementResult. */

export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const CONSISTENT_THROUGH = 'X-Experience-API-Consistent-Through';
const GET_PARAMS = [
  'statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents',
  'since', 'until', 'limit', 'format', 'attachments', 'ascending', 'more',
] as const;
const MAX_LIMIT = 500;

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
    const agent = parseParamJson(p.agent, 'agent') as Json;
    const r = agentParamSchema.safeParse(agent);
    if (!r.success) throw bad(`agent is not a valid Agent or Group: ${r.error.issues[0]?.message ?? ''}`);
    // Communication §2.1.3: the agent parameter is an Agent or an identified Group, told apart by objectType.
    const key = indexKeyOf(agent);
    if (!key) throw bad('agent must be an Agent or an identified Group (an anonymous Group cannot be a filter)');
    f.agent = key;
  }
  if (p.verb !== undefined) f.verb = p.verb;
  if (p.activity !== undefined) f.activity = p.activity;
  if (p.registration !== undefined) {
    if (!UUID.test(p.registration)) throw bad('registration must be a UUID');
    f.registration = p.registration.toLowerCase();
  }
  for (const k of ['since', 'until'] as const) {
    if (p[k] === undefined) continue;
    // Data §4.5: checked field by field (2026-02-30 is not rolled over into March), sent to SQL as an instant.
    const at = timestampInstant(p[k]);
    if (!at) throw bad(`${k} must be an ISO 8601 timestamp of a real calendar date (e.g. 2026-11-28T12:00:00Z)`);
    f[k] = at.toISOString();
  }
  if (p.limit !== undefined) {
    if (!/^\d+$/.test(p.limit)) throw bad('limit must be a non-negative integer');
    const n = Number(p.limit);
    f.limit = n === 0 ? MAX_LIMIT : Math.min(n, MAX_LIMIT);
  }
  return f;
}

async function sendStatements(ctx: AppContext, res: Response, result: Json | string, statements: Json[], attachments: boolean) {
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

/** The parameters that apply: the request's, or those a `more` token carries (with its position). */
function effectiveParams(ctx: AppContext, req: Request): { p: Record<string, string>; after?: StatementFilter['after'] } {
  const p = checkParams(req.query, GET_PARAMS);
  if (p.more === undefined) return { p };
  if (Object.keys(p).length !== 1) throw bad('more is used alone: the other parameters of the query travel in it');
  const token = verifyMore(ctx.secrets.cookieSecret, p.more);
  // Data §2.5: a more IRL continues the same query, so format and attachments come from the token too.
  return { p: checkParams(token.p, GET_PARAMS.filter((k) => k !== 'more')), after: { stored: token.s, seq: token.q } };
}

/** The GET handler. */
export const getStatements = (ctx: AppContext, credentials: CredentialCache) =>
  handle(async (req, res) => {
    const { credential, authenticated } = lrsOf(res);
    requireScope(credential, 'statements/read', 'statements/read/mine', 'all/read');
    const mine = credential.scopes.some((s) => ['all', 'all/read', 'statements/read'].includes(s)) ? undefined : credential.id;
    const { p, after } = effectiveParams(ctx, req);
    const format = (p.format ?? 'exact') as Format;
    if (!['exact', 'ids', 'canonical'].includes(format)) throw bad('format must be exact, ids or canonical');
    const attachments = bool(p.attachments, 'attachments');
    const languages = acceptedLanguages(req.get('accept-language'));
    const single = p.statementId ?? p.voidedStatementId;
    if (single !== undefined) {
      const extra = Object.keys(p).filter((k) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(k));
      if (extra.length || (p.statementId && p.voidedStatementId)) throw bad('statementId and voidedStatementId only combine with format and attachments');
      if (!UUID.test(single)) throw bad('The statement id must be a UUID');
    }
    const filter = single === undefined ? { ...filterOf(p, mine), after } : undefined;
    // Read before the statements, so that every statement stored before it is in what follows.
    const context = await readQueryContext(ctx.db, ctx.clock, STATEMENT_REFS_FLAG);
    res.setHeader(CONSISTENT_THROUGH, context.consistentThrough.toISOString());
    await credentials.confirm(ctx.db, authenticated, context.versions);
    if (!filter) {
      const found = await findStatement(ctx.db, single!.toLowerCase(), p.voidedStatementId !== undefined, mine);
      if (!found) throw new NotFoundError(`No statement ${single}`);
      res.setHeader('Last-Modified', new Date(found.stored).toUTCString());
      await sendStatements(ctx, res, present(found.statement, format, languages), [found.statement], attachments);
      return;
    }
    const page = await queryStatements(ctx.db, filter, { refs: context.refs });
    const more = page.next ? `${req.baseUrl}/statements?more=${signMore(ctx.secrets.cookieSecret, { p, s: page.next.stored, q: page.next.seq })}` : '';
    if (page.lastStored) res.setHeader('Last-Modified', new Date(page.lastStored).toUTCString());
    // format=exact sends the stored JSON text as is: no parse and re-serialisation of each statement.
    if (format === 'exact' && !attachments) {
      await sendStatements(ctx, res, `{"statements":[${page.texts.join(',')}],"more":${JSON.stringify(more)}}`, [], false);
      return;
    }
    const statements = page.texts.map((x) => JSON.parse(x) as Json);
    await sendStatements(ctx, res, { statements: statements.map((s) => present(s, format, languages)), more }, statements, attachments);
  });
