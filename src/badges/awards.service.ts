import crypto from 'node:crypto';
import { actorKey } from '../lrs';
import type { Clock } from '../platform/clock';
import type { DbOrTx, Tx } from '../platform/db/client';
import type { Logger } from '../platform/logger';
import { activityIris, extensions, pseudonymOf } from '../xapi';
import { findClass, findUser, hasAward, insertAwardOnce, listActiveClassesByKind, type AwardRow, type BadgeClassRow } from './badges.repo';
import type { IssuerDeps } from './issuer';
import { findEarners, findPositioningGain, findSessionCompletion, insertEarners, listProjectsJoined, listSessionCompletions, listSessionsPresented, listUnmappedUsers, lockEarner } from './records.repo';
import { RuleSchema, type Rule } from './rules';
import { buildEarnedStatement, recordEarned } from './statement';

/** What awarding needs: the database, the clock, the issuer, and the pseudonym key of statements. */
export interface AwardDeps {
  db: DbOrTx;
  clock: Clock;
  log: Logger;
  issuer: IssuerDeps;
  pseudonymKey: string;
}

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const RATED = 'http://id.tincanapi.com/verb/rated';
const JOINED = 'http://activitystrea.ms/schema/1.0/join';
const HOSTED = 'http://activitystrea.ms/schema/1.0/host';

type Json = Record<string, unknown>;

/** The recipient as Open Badges hashes it: the e-mail when known, otherwise the Moodle profile address. */
export function recipientOf(user: { issuer: string; sub: string; email: string | null }): { type: 'email' | 'url'; salt: string; hash: string } {
  const salt = crypto.randomBytes(12).toString('hex');
  const [type, identity] = user.email ? (['email', user.email.trim().toLowerCase()] as const) : (['url', `${user.issuer.replace(/\/+$/, '')}/user/profile.php?id=${encodeURIComponent(user.sub)}`] as const);
  return { type, salt, hash: `sha256$${crypto.createHash('sha256').update(identity + salt, 'utf8').digest('hex')}` };
}

/**
 * Awards a badge to a person once: inserts the award (nothing when they already have it) and, when it was
 * inserted, records its `earned` statement in the same transaction. Returns the new award, if any.
 */
export async function awardBadge(
  tx: Tx,
  deps: AwardDeps,
  input: { badge: Pick<BadgeClassRow, 'id' | 'name'>; userRef: string; method: 'automatic' | 'manual'; reason: string | null; by: string | null; evidence: string[]; language: string },
): Promise<AwardRow | undefined> {
  const user = await findUser(tx, input.userRef);
  if (!user) return undefined;
  const at = deps.clock.now();
  const recipient = recipientOf(user);
  const statementId = crypto.randomUUID();
  const award = await insertAwardOnce(tx, {
    badgeClassId: input.badge.id,
    userRef: user.id,
    recipientType: recipient.type,
    recipientSalt: recipient.salt,
    recipientHash: recipient.hash,
    issuedOn: at,
    method: input.method,
    reason: input.reason,
    awardedBy: input.by,
    evidence: input.evidence,
    statementId,
  });
  if (!award) return undefined;
  const statement = buildEarnedStatement(
    { id: statementId, awardId: award.id, badge: input.badge, earner: { issuer: user.issuer, sub: user.sub }, at, language: input.language },
    { baseIri: deps.issuer.baseIri, pseudonymKey: deps.pseudonymKey, urls: deps.issuer.urls },
  );
  await recordEarned(tx, statement);
  return award;
}

/** Maps statement actors to known users, computing the pseudonyms of a platform's users not met yet. */
async function earnersOf(tx: Tx, deps: AwardDeps, actors: Json[]): Promise<Map<string, string>> {
  const ifis = [...new Set(actors.map((a) => actorKey(a)))];
  const known = await findEarners(tx, ifis);
  const missing = actors.filter((a) => !known.has(actorKey(a)) && (a.account as Json | undefined)?.homePage);
  for (const issuer of new Set(missing.map((a) => String((a.account as Json).homePage)))) {
    const pairs = (await listUnmappedUsers(tx, issuer)).map((u) => ({ actorIfi: `account:${issuer} ${pseudonymOf(deps.pseudonymKey, issuer, u.sub)}`, userRef: u.id }));
    await insertEarners(tx, pairs);
    for (const p of pairs) if (ifis.includes(p.actorIfi)) known.set(p.actorIfi, p.userRef);
  }
  return known;
}

/**
 * The awarding hook: called in the transaction that stores statements (Instants' own events and other
 * tools' statements alike). For each person whose new statements may meet a rule, evaluates the rules of
 * the active badge classes on their learning records and awards what is met, once.
 */
export async function awardFromStatements(tx: Tx, deps: AwardDeps, statements: Json[]): Promise<number> {
  const base = deps.issuer.baseIri;
  const sessionPrefix = activityIris(base).session('');
  const competencePrefix = `${base}/competences/`;
  const projectPrefix = `${base}/fabrique/projects/`;
  const relevant = statements.filter((s) => {
    const verb = (s.verb as Json | undefined)?.id;
    const object = String((s.object as Json | undefined)?.id ?? '');
    const directly = (prefix: string) => object.startsWith(prefix) && !object.slice(prefix.length).includes('/');
    return ((verb === COMPLETED || verb === HOSTED) && directly(sessionPrefix)) || (verb === RATED && object.startsWith(competencePrefix)) || (verb === JOINED && directly(projectPrefix));
  });
  if (!relevant.length) return 0;
  const classes = (await listActiveClassesByKind(tx, ['session-completed', 'sessions-count', 'positioning-gain', 'fabrique-joined', 'presented']))
    .map((c) => ({ id: c.id, rule: RuleSchema.safeParse(c.rule) }))
    .filter((c): c is { id: string; rule: { success: true; data: Rule } } => c.rule.success);
  if (!classes.length) return 0;
  const earners = await earnersOf(tx, deps, relevant.map((s) => s.actor as Json));
  let awarded = 0;
  const byActor = new Map<string, Json[]>();
  for (const s of relevant) {
    const ifi = actorKey(s.actor as Json);
    if (earners.has(ifi)) byActor.set(ifi, [...(byActor.get(ifi) ?? []), s]);
  }
  for (const [ifi, own] of byActor) {
    const userRef = earners.get(ifi)!;
    await lockEarner(tx, userRef);
    const objects = new Set(own.map((s) => String((s.object as Json).id)));
    const verbs = new Set(own.map((s) => String((s.verb as Json).id)));
    const language = String((own[0]!.context as Json | undefined)?.language ?? 'fr');
    for (const c of classes) {
      const evidence = await evaluate(tx, c.rule.data, { ifi, objects, verbs, base, sessionPrefix });
      if (!evidence || (await hasAward(tx, c.id, userRef))) continue;
      const badge = await findClass(tx, c.id);
      if (!badge) continue;
      if (await awardBadge(tx, deps, { badge, userRef, method: 'automatic', reason: null, by: null, evidence, language })) awarded += 1;
    }
  }
  return awarded;
}

/** The statement ids that meet a rule for one actor, when the new statements concern it; undefined otherwise. */
async function evaluate(tx: Tx, rule: Rule, q: { ifi: string; objects: Set<string>; verbs: Set<string>; base: string; sessionPrefix: string }): Promise<string[] | undefined> {
  const iris = activityIris(q.base);
  if (rule.kind === 'session-completed') {
    const iri = iris.session(rule.sessionId);
    if (!q.objects.has(iri)) return undefined;
    const id = await findSessionCompletion(tx, q.ifi, iri);
    return id ? [id] : undefined;
  }
  if (rule.kind === 'sessions-count') {
    if (![...q.objects].some((o) => o.startsWith(q.sessionPrefix))) return undefined;
    const ids = await listSessionCompletions(tx, { actorIfi: q.ifi, sessionPrefix: q.sessionPrefix, seriesIri: rule.seriesId ? iris.series(rule.seriesId) : null, from: rule.from, to: rule.to });
    return ids.length >= rule.count ? ids : undefined;
  }
  if (rule.kind === 'positioning-gain') {
    const iri = iris.competence(rule.framework, rule.code);
    if (!q.objects.has(iri)) return undefined;
    return findPositioningGain(tx, { actorIfi: q.ifi, competenceIri: iri, momentIri: extensions(q.base).moment.id, gain: rule.gain });
  }
  if (rule.kind === 'fabrique-joined') {
    const prefix = `${q.base}/fabrique/projects/`;
    if (![...q.objects].some((o) => o.startsWith(prefix))) return undefined;
    const ids = await listProjectsJoined(tx, q.ifi, prefix);
    return ids.length >= rule.count ? ids : undefined;
  }
  if (rule.kind === 'presented') {
    if (!q.verbs.has(HOSTED) || ![...q.objects].some((o) => o.startsWith(q.sessionPrefix))) return undefined;
    const ids = await listSessionsPresented(tx, q.ifi, q.sessionPrefix);
    return ids.length >= rule.count ? ids : undefined;
  }
  return undefined;
}
