/**
 * How much information the disclosure layer costs on the demo data: seeds the demo year (`seed --demo`'s
 * data) into a throw-away embedded database, requests every dashboard view the demo organiser may see
 * (every period, each alone or with one series, service or job family; every session page) and counts the
 * cells the layer released and hid, by reason. The counts do not depend on the machine's load.
 *
 *   npx tsx bench/dashboard-disclosure-cells.ts [--people 450] [--sessions 36]
 */
import os from 'node:os';
import { catchUp, seedDemo } from '../src/dashboard';
import { competences, emergingNeeds } from '../src/dashboard/answers.service';
import { CRCN } from '../src/dashboard/crcn';
import { courseKeysFor } from '../src/dashboard/dashboard.repo';
import { createMemo, overview } from '../src/dashboard/dashboard.service';
import type { Released } from '../src/dashboard/disclosure';
import { sessionInfos } from '../src/dashboard/facts.repo';
import { parsePeriod } from '../src/dashboard/periods';
import { sessionDashboard } from '../src/dashboard/session.service';
import { createTestApp, TEST_SECRETS, TestClock } from '../test/support/app';
import { signIn } from '../test/support/factories';
import { arg, runBench } from './support';

const PEOPLE = Number(arg('--people', '450'));
const SESSIONS = Number(arg('--sessions', '36'));

runBench(async () => {
  const t = await createTestApp({ clock: new TestClock(new Date('2026-07-01T08:00:00Z')) });
  try {
    const issuer = `${t.url}/demo`;
    await seedDemo(t.database.db, { baseIri: t.config.xapi.baseIri, pseudonymKey: TEST_SECRETS.pseudonymKey!, issuer, contextId: 'demo-course', contextTitle: 'Instants numériques', end: new Date('2026-06-30T00:00:00Z'), people: PEOPLE, sessions: SESSIONS });
    await catchUp(t.database.db);
    const { browser } = await signIn(t, { role: 'organiser', contextId: 'demo-course', issuer });
    const first = await (await browser.get('/organiser/dashboard')).text();
    const options = (name: string) => [...(new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(first)?.[1] ?? '').matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));
    // The demo's school year: 2025-2026, its terms and months.
    const periods = options('period').filter((p) => p.startsWith('2025-2026') || /^(2025-(09|1[0-2])|2026-0[1-8])$/.test(p));
    const filters: Array<Record<string, string>> = [{}, ...['series', 'service', 'job'].flatMap((d) => options(d).map((v) => ({ [d]: v })))];
    // Figures shown on the pages themselves: table cells read "masqué" or a figure.
    let shownOnPages = 0;
    let hiddenOnPages = 0;
    let views = 0;
    const count = (html: string) => {
      for (const m of html.matchAll(/<td( class="text-end")?>([^<]*)<\/td>/g)) {
        if (m[2] === 'masqué') hiddenOnPages++;
        else if (m[1]) shownOnPages++;
      }
    };
    for (const page of ['', '/competences', '/needs']) {
      for (const period of periods.filter((p) => page === '' || !/^\d{4}-\d{2}$/.test(p))) {
        for (const f of filters) {
          const res = await browser.get(`/organiser/dashboard${page}?${new URLSearchParams({ period, ...f })}`);
          count(await res.text());
          views++;
        }
      }
    }
    for (const id of options('id')) {
      count(await (await browser.get(`/organiser/dashboard/sessions/${encodeURIComponent(id)}`)).text());
      views++;
    }
    // The cells of the protected universes (difference cells included), from the layer itself.
    const deps = { db: t.database.db, now: new Date('2026-07-01T08:00:00Z'), privacy: t.config.privacy, memo: createMemo(1000)('bench') };
    const courses = await courseKeysFor(t.database.db, issuer, 'demo-course');
    const all = new Set<Released>();
    const keep = (r: { released?: Released[] }) => r.released?.forEach((x) => all.add(x));
    for (const period of periods.map(parsePeriod)) {
      for (const f of filters) {
        const [dim, value] = (Object.entries(f)[0] ?? ['all', '']) as ['all' | 'series' | 'service' | 'job', string];
        keep(await overview(deps, { period: period!, courses, dim, value }) as { released?: Released[] });
        if (period!.kind === 'month') continue;
        keep(await competences(deps, { period: period!, courses, dim, value }, CRCN.map((c) => c.code)) as { released?: Released[] });
        keep(await emergingNeeds(deps, { period: period!, courses, dim, value }, undefined));
      }
    }
    for (const s of await sessionInfos(t.database.db, { from: new Date(0), until: new Date('9999-01-01'), courses })) keep(await sessionDashboard(deps, s.sessionKey) as { released?: Released[] });
    const cells = [...all].map((r) => r.counts());
    const sum = (pick: (c: (typeof cells)[number]) => number) => cells.reduce((a, c) => a + pick(c), 0);
    console.log(`demo data: ${PEOPLE} people, ${SESSIONS} sessions; ${views} views requested (load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, not that it matters: counts only)`);
    console.log(`figures in page tables: ${shownOnPages} shown, ${hiddenOnPages} hidden (${((100 * hiddenOnPages) / Math.max(1, shownOnPages + hiddenOnPages)).toFixed(1)} % hidden)`);
    console.log(`cells of the protected universes: ${sum((c) => c.shown)} released, ${sum((c) => c.hidden)} suppressed (below the threshold ${sum((c) => c.byReason.small)}, unanimous ${sum((c) => c.byReason.unanimous)}, complementary ${sum((c) => c.byReason.complementary)}); cells fixed by the caller (known attendance, session pages) not counted`);
  } finally {
    await t.close();
  }
});
