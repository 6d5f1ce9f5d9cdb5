/**
 * Badges benchmark on PostgreSQL. (1) A large series completes: every person records the completion of
 * every session of a series through recordEvents, with the awarding hook (one "N sessions of the series"
 * badge and one badge per session) and, in the same run, without it: completions per second and awards per
 * second, and the ratio. (2) Verification time per credential: Open Badges 3.0 with its Data Integrity proof
 * (our verifier, eddsa-rdfc-2022) and as VC-JWT, and the signing time of each.
 * Usage: npx tsx bench/badges.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--people 200] [--sessions 5] [--concurrency 4] [--credentials 50]
 * Figures depend on the machine: take them on an idle one (the load average is printed beside them).
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { sql } from 'drizzle-orm';
import { awardFromStatements, type AwardDeps } from '../src/badges/awards.service';
import { findAward, insertClass } from '../src/badges/badges.repo';
import { credentialJwt, signedCredential, type DocumentDeps } from '../src/badges/documents.service';
import { badgeUrls, type IssuerDeps } from '../src/badges/issuer';
import { templateSvg } from '../src/badges/images';
import { issuerKeys, newSeed } from '../src/badges/keys';
import { verifyBadge } from '../src/badges/verify.service';
import { systemClock } from '../src/platform/clock';
import { createLogger } from '../src/platform/logger';
import { recordEvents, type LearningEvent } from '../src/xapi';
import type { EventSession } from '../src/xapi/events';
import { TEST_SECRETS, testConfig } from '../test/support/app';
import { arg, percentile, runBench, withBenchDatabase } from './support';

const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const people = Number(arg('--people', '200'));
const sessionCount = Number(arg('--sessions', '5'));
const concurrency = Number(arg('--concurrency', '4'));
const credentials = Number(arg('--credentials', '50'));
const ISSUER = 'https://moodle.bench.ac-dijon.fr';
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main() {
  await withBenchDatabase(pgAdmin, 'badges', concurrency + 2, async (database) => {
    const config = testConfig({ PUBLIC_URL: 'https://instants.bench.test' });
    const issuer: IssuerDeps = { urls: badgeUrls(config.http.publicUrl), profile: config.badges, keys: await issuerKeys(config.http.publicUrl, [newSeed()]), baseIri: config.xapi.baseIri };
    const awardDeps: AwardDeps = { db: database.db, clock: systemClock, log: createLogger('silent'), issuer, pseudonymKey: TEST_SECRETS.pseudonymKey };
    const hook = (tx: Parameters<typeof awardFromStatements>[0], statements: Array<Record<string, unknown>>) => awardFromStatements(tx, awardDeps, statements);

    const run = async (label: string, withHook: boolean) => {
      const seriesId = crypto.randomUUID();
      const sessions: EventSession[] = Array.from({ length: sessionCount }, (_, i) => ({ id: crypto.randomUUID(), title: `Session ${i + 1}`, tool: null, seriesId, seriesTitle: 'Série', course: null, competences: [] }));
      const image = Buffer.from(templateSvg('medaille', 'bleu', 'Bench'));
      const common = { description: 'Bench', criteria: 'Bench', imageType: 'image/svg+xml' as const, image, competences: [], contextRef: null };
      if (withHook) {
        await insertClass(database.db, { ...common, name: 'Série complète', rule: { kind: 'sessions-count', count: sessionCount, seriesId, from: null, to: null } });
        for (const s of sessions) await insertClass(database.db, { ...common, name: s.title, rule: { kind: 'session-completed', sessionId: s.id } });
      }
      const subs = Array.from({ length: people }, () => crypto.randomUUID());
      await database.db.execute(sql`insert into lti_users (issuer, sub) select ${ISSUER}, unnest(${`{${subs.join(',')}}`}::text[])`);
      const deps = { config, secrets: TEST_SECRETS, afterEventsRecorded: withHook ? [hook] : [] };
      const work = subs.flatMap((sub) => sessions.map((session) => ({ sub, session })));
      const awardsBefore = Number(((await database.db.execute(sql`select count(*)::int as n from badge_awards`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);
      let next = 0;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < work.length) {
            const { sub, session } = work[next++]!;
            const event: LearningEvent = { kind: 'session-completed', score: null, actor: { issuer: ISSUER, sub }, session, at: new Date(), language: 'fr' };
            await database.db.transaction((tx) => recordEvents(tx, [event], deps));
          }
        }),
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const awards = Number(((await database.db.execute(sql`select count(*)::int as n from badge_awards`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n) - awardsBefore;
      console.log(`${label}: ${work.length} completions (${people} people x ${sessionCount} sessions, ${concurrency} concurrent) in ${seconds.toFixed(2)} s = ${Math.round(work.length / seconds)} completions/s, ${awards} awards = ${Math.round(awards / seconds)} awards/s [loadavg ${load()}]`);
      return work.length / seconds;
    };
    const without = await run('without badges', false);
    const withBadges = await run('with badges  ', true);
    console.log(`completions/s with badges / without: ${(withBadges / without).toFixed(2)}`);

    // Verification time per credential.
    const docs: DocumentDeps = { db: database.db, clock: systemClock, issuer };
    const awards = ((await database.db.execute(sql`select a.*, c.name from badge_awards a join badge_classes c on c.id = a.badge_class_id limit ${credentials}`)) as unknown as { rows: Array<Record<string, unknown>> }).rows;
    const signTimes: number[] = [];
    const jwtSignTimes: number[] = [];
    const signed: Array<{ json: string; jwt: string }> = [];
    for (const a of awards) {
      const found = (await findAward(database.db, String(a.id)))!;
      let t0 = process.hrtime.bigint();
      const credential = await signedCredential(docs, found.award, found.badge);
      signTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      const jwt = await credentialJwt(docs, found.award, found.badge);
      jwtSignTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
      signed.push({ json: JSON.stringify(credential), jwt });
    }
    const di: number[] = [];
    const jw: number[] = [];
    for (const s of signed) {
      let t0 = process.hrtime.bigint();
      const r1 = await verifyBadge(docs, { text: s.json });
      di.push(Number(process.hrtime.bigint() - t0) / 1e6);
      t0 = process.hrtime.bigint();
      const r2 = await verifyBadge(docs, { text: s.jwt });
      jw.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!r1.valid || !r2.valid) throw new Error(`a credential failed verification: ${r1.problems} ${r2.problems}`);
    }
    const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`;
    console.log(`sign 3.0 (eddsa-rdfc-2022), ${signTimes.length} credentials: ${fmt(signTimes)}; sign VC-JWT: ${fmt(jwtSignTimes)} [loadavg ${load()}]`);
    console.log(`verify 3.0 Data Integrity: ${fmt(di)}; verify VC-JWT: ${fmt(jw)}; ratio p50 DI / JWT: ${(percentile(di, 50) / percentile(jw, 50)).toFixed(1)} [loadavg ${load()}]`);
  });
}

runBench(main);
