import type { Clock } from '../platform/clock';
import type { Db } from '../platform/db/client';
import type { Logger } from '../platform/logger';
import { summariseAnswer } from '../platform/remote-answer';
import { findOrCreateLineItem, postScore, type AgsScore } from './ags.client';
import { PlatformAnswerError } from './platform-http';
import { bumpTimestamp, findLineItem, findResourceLink, findScores, markAttempt, markManyDelivered, markRefused, saveLineItem, type ScoreRow } from './scores.repo';
import { dropServiceToken, getServiceToken, SCOPES, type CredentialsSource, type ServiceCredentials } from './service-token';

/** The outbox kind of gradebook scores. */
export const SCORE_KIND = 'ags-score';

/** Tag of the line items Instants creates when a link has no coupled one. */
export const LINE_ITEM_TAG = 'instants-completion';

export interface GradesDeps {
  db: Db;
  clock: Clock;
  log: Logger;
  credentials: CredentialsSource;
  /** The LTI key: cached service tokens are encrypted with a key derived from it. */
  tokenSecret: string;
  fetch?: typeof fetch;
}

/** Same shape as the outbox's outcome (kept structural so this slice does not import the outbox's inner file). */
export type ScoreOutcome =
  | { status: 'delivered' }
  | { status: 'dead'; error: string; remoteStatus?: number; remoteBody?: string }
  | { status: 'retry'; error: string; retryAfterMs?: number; remoteStatus?: number };

/** The outbox payload of a score: only the id, so delivery sends the latest value. */
export interface ScorePayload {
  scoreId: string;
}

const CONCURRENCY = 16;

/** What every score of one resource link needs, worked out once per batch. */
type Target = { ok: true; creds: ServiceCredentials; scopes: string[]; lineitem: string; token: string } | { ok: false; outcome: 'refuse'; status: number; body: string } | { ok: false; outcome: 'error'; error: unknown };

/**
 * The outbox handler of `ags-score`: sends each score's latest value to its line item. Network errors, 5xx
 * and 429 are retried by the outbox; a 409 (timestamp not newer) is re-posted once with a fresh timestamp;
 * other refusals (400 for a user Moodle does not grade…) are recorded and not retried.
 */
export function createScoreHandler(deps: GradesDeps) {
  return {
    batchSize: () => 100,
    async deliver(_destination: string, items: Array<{ payload: unknown }>): Promise<ScoreOutcome[]> {
      const ids = items.map((i) => (i.payload as ScorePayload).scoreId);
      const rows = new Map((await findScores(deps.db, ids)).map((r) => [r.id, r]));
      const outcomes: ScoreOutcome[] = new Array<ScoreOutcome>(items.length);
      const targets = new Map<string, Promise<Target>>();
      const delivered: Array<{ id: string; version: number; timestamp: Date }> = [];
      const sent = new Set<string>();
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const i = next++;
          const row = rows.get(ids[i]!);
          // Several outbox rows for one score (changes queued while the platform was down): send it once.
          if (!row || sent.has(row.id) || row.deliveredVersion >= row.version || row.status === 'refused') {
            outcomes[i] = { status: 'delivered' };
            continue;
          }
          sent.add(row.id);
          if (!targets.has(row.resourceLinkRef)) targets.set(row.resourceLinkRef, resolveTarget(deps, row));
          const result = await deliverOne(deps, row, await targets.get(row.resourceLinkRef)!);
          if ('timestamp' in result) {
            delivered.push({ id: row.id, version: row.version, timestamp: result.timestamp });
            outcomes[i] = { status: 'delivered' };
          } else outcomes[i] = result;
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
      await markManyDelivered(deps.db, delivered, deps.clock.now());
      return outcomes;
    },
  };
}

/** Credentials, scopes, token and line item for the scores of one resource link. */
async function resolveTarget(deps: GradesDeps, row: ScoreRow): Promise<Target> {
  try {
    const creds = await deps.credentials(row.issuer, row.clientId);
    if (!creds) return { ok: false, outcome: 'refuse', status: 0, body: 'no key registered for this platform' };
    const link = await findResourceLink(deps.db, row.resourceLinkRef);
    if (!link || (!link.agsLineitem && !link.agsLineitems)) return { ok: false, outcome: 'refuse', status: 0, body: 'the resource link has no gradebook service' };
    const scopes = [SCOPES.score, ...(link.agsLineitem ? [] : [SCOPES.lineitem])].filter((s) => !link.agsScopes.length || link.agsScopes.includes(s));
    if (!scopes.includes(SCOPES.score)) return { ok: false, outcome: 'refuse', status: 0, body: 'the platform did not grant the score scope' };
    const token = await getServiceToken(deps, creds, row.deploymentId, scopes);
    let lineitem = link.agsLineitem ?? (await findLineItem(deps.db, link.id));
    if (!lineitem) {
      lineitem = await findOrCreateLineItem(deps.fetch ?? fetch, token, link.agsLineitems!, {
        resourceLinkId: link.resourceLinkId,
        resourceId: row.sessionId ?? link.id,
        tag: LINE_ITEM_TAG,
        label: link.title ?? 'Instants',
        scoreMaximum: 100,
      });
      await saveLineItem(deps.db, link.id, lineitem);
    }
    return { ok: true, creds, scopes, lineitem, token };
  } catch (err) {
    if (err instanceof PlatformAnswerError && !err.transient && err.status !== 401) return { ok: false, outcome: 'refuse', status: err.status, body: err.body || err.message };
    return { ok: false, outcome: 'error', error: err };
  }
}

async function deliverOne(deps: GradesDeps, row: ScoreRow & { sub: string }, target: Target): Promise<ScoreOutcome | { timestamp: Date }> {
  const f = deps.fetch ?? fetch;
  const now = () => deps.clock.now();
  if (!target.ok) return target.outcome === 'refuse' ? refuse(deps, row, target.status, target.body) : retry(deps, row, target.error);
  const body = (ts: Date): AgsScore => ({
    userId: row.sub,
    ...(row.scoreGiven === null ? {} : { scoreGiven: row.scoreGiven, scoreMaximum: row.scoreMaximum }),
    activityProgress: row.activityProgress,
    gradingProgress: row.gradingProgress,
    timestamp: ts.toISOString(),
    ...(row.comment ? { comment: row.comment } : {}),
  });
  let ts = row.scoreTimestamp;
  let token = target.token;
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await postScore(f, token, target.lineitem, body(ts));
        return { timestamp: ts };
      } catch (err) {
        if (!(err instanceof PlatformAnswerError) || attempt > 0) throw err;
        if (err.status === 409) ts = await bumpTimestamp(deps.db, row.id, now());
        else if (err.status === 401) {
          await dropServiceToken(deps.db, target.creds, target.scopes);
          token = await getServiceToken(deps, target.creds, row.deploymentId, target.scopes);
        } else throw err;
      }
    }
  } catch (err) {
    if (err instanceof PlatformAnswerError && !err.transient && err.status !== 401) return refuse(deps, row, err.status, err.body || err.message);
    return retry(deps, row, err);
  }
}

async function retry(deps: GradesDeps, row: ScoreRow, err: unknown): Promise<ScoreOutcome> {
  const status = err instanceof PlatformAnswerError ? err.status : undefined;
  await markAttempt(deps.db, row.id, status ?? null, summariseAnswer(err instanceof PlatformAnswerError ? err.body : (err as Error).message), deps.clock.now());
  return { status: 'retry', error: (err as Error).message, retryAfterMs: err instanceof PlatformAnswerError ? err.retryAfterMs : undefined, remoteStatus: status };
}

async function refuse(deps: GradesDeps, row: ScoreRow, status: number, answer: string): Promise<ScoreOutcome> {
  // The platform's answer may be a whole HTML page: kept and shown as one short line.
  const body = summariseAnswer(answer);
  await markRefused(deps.db, row.id, row.version, status, body, deps.clock.now());
  deps.log.warn({ scoreId: row.id, remoteStatus: status }, 'score refused by the platform');
  return { status: 'dead', error: `platform refused the score (${status})`, remoteStatus: status || undefined, remoteBody: body };
}
