/**
 * Catalog benchmark on PostgreSQL: the participants' catalogue and the organiser home under concurrent
 * load with a realistic catalogue (sessions over several years and courses), searchSessions for the
 * deep-linking picker, and a 5 MB upload served back.
 * Usage: npx tsx bench/catalog-pages.ts [--pg postgres://postgres@127.0.0.1:5432/postgres] [--sessions 600] [--requests 10]
 */
import { searchSessions } from '../src/catalog';
import { insertSession } from '../src/catalog/catalog.repo';
import { createTestApp } from '../test/support/app';
import { signIn } from '../test/support/factories';
import { arg, percentile, runBench, withBenchDatabase } from './support';

const pgAdmin = arg('--pg', 'postgres://postgres@127.0.0.1:5432/postgres');
const SESSIONS = Number(arg("--sessions", "600"));
const REQUESTS = Number(arg('--requests', '10'));
const CONCURRENT = 30;
const TOOLS = ['Tchap', 'OpenStreetMap', 'Snapchat', 'Twitter', 'Peertube', 'Nextcloud', 'Framaforms', 'Canva', 'Genially', 'Moodle'];
const CODES = ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '4.1', '4.2', '5.1'];

const pct = percentile;
const line = (label: string, times: number[], errors: number, wall: number) => {
  times.sort((a, b) => a - b);
  console.log(`${label}`);
  console.log(`  p50 ${pct(times, 50).toFixed(1)} ms   p95 ${pct(times, 95).toFixed(1)} ms   p99 ${pct(times, 99).toFixed(1)} ms   max ${times[times.length - 1]!.toFixed(1)} ms`);
  console.log(`  ${times.length} requests in ${wall.toFixed(1)} s (${(times.length / wall).toFixed(0)}/s), ${errors} errors`);
};

async function load(label: string, browsers: Array<{ get: (p: string) => Promise<Response> }>, path: string) {
  for (const b of browsers.slice(0, 3)) await (await b.get(path)).text();
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    browsers.map(async (b) => {
      for (let i = 0; i < REQUESTS; i++) {
        const t0 = performance.now();
        try {
          const res = await b.get(path);
          await res.text();
          if (res.status !== 200) errors++;
        } catch {
          errors++;
        }
        times.push(performance.now() - t0);
      }
    }),
  );
  line(label, times, errors, (performance.now() - started) / 1000);
}

async function main() {
  await withBenchDatabase(pgAdmin, 'cat', 10, async (database) => {
    const t = await createTestApp({ database, env: { LOG_LEVEL: 'silent' } });
    t.clock.set('2027-01-15T08:00:00Z');
    try {
      const organisers = await Promise.all(Array.from({ length: 10 }, (_, i) => signIn(t, { role: 'organiser', contextId: `bench-course-${i}` })));
      const seedStart = performance.now();
      for (let i = 0; i < SESSIONS; i++) {
        const owner = organisers[i % organisers.length]!;
        // Two years of sessions around "now", three a week.
        const startsAt = new Date(Date.UTC(2026, 0, 5) + Math.floor(i / 3) * 7 * 86400_000 + (i % 3) * 2 * 86400_000 + 11 * 3600_000);
        const tool = TOOLS[i % TOOLS.length]!;
        await insertSession(
          database.db,
          {
            title: `${tool} : session ${i}`,
            tool,
            tags: ['découverte', tool.toLowerCase()],
            descriptionMd: `Découvrir **${tool}** en 45 minutes.\n\n- un\n- deux\n\n[Site](https://example.org/${i})`,
            startsAt,
            endsAt: new Date(startsAt.getTime() + 45 * 60_000),
            place: 'Hall du rectorat',
            format: 'in_person',
            capacity: 30,
            presenters: ['Camille Martin'],
            status: i % 7 === 0 ? 'draft' : 'published',
            ownerContextRef: owner.contextRef,
            createdBy: owner.userId,
          },
          [CODES[i % CODES.length]!, CODES[(i + 5) % CODES.length]!].map((code) => ({ framework: 'crcn', code })),
        );
      }
      console.log(`seeded ${SESSIONS} sessions in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (PostgreSQL, one process)`);

      const participants = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => signIn(t, { role: 'participant', contextId: `bench-course-${i % 10}` })));
      const upcoming = await searchSessions(database.db, { status: 'published', endsAfter: t.clock.now(), upcomingFirst: true, limit: 100 });
      await load(`/catalogue (${upcoming.length} upcoming sessions shown), ${CONCURRENT} concurrent participants × ${REQUESTS}`, participants.map((p) => p.browser), '/catalogue');
      await load(`/organiser (${SESSIONS / 10} sessions of the course), ${organisers.length} concurrent organisers × ${REQUESTS}`, organisers.map((o) => o.browser), '/organiser');
      await load(`/organiser/sessions/new (form with 16 competences), ${organisers.length} concurrent organisers × ${REQUESTS}`, organisers.map((o) => o.browser), '/organiser/sessions/new');

      const searchTimes: number[] = [];
      const searchStart = performance.now();
      for (let i = 0; i < 200; i++) {
        const t0 = performance.now();
        await searchSessions(database.db, { q: TOOLS[i % TOOLS.length]!.slice(0, 4), status: 'published', upcomingFirst: true, limit: 20 });
        searchTimes.push(performance.now() - t0);
      }
      line('searchSessions (deep-linking picker: words + status, 20 results), sequential', searchTimes, 0, (performance.now() - searchStart) / 1000);

      // A 5 MB PDF: upload through the form, then 20 downloads.
      const owner = organisers[0]!;
      const [mine] = await searchSessions(database.db, { contextRef: owner.contextRef!, limit: 1 });
      const page = `/organiser/sessions/${mine!.id}/resources`;
      const html = await (await owner.browser.get(page)).text();
      const action = /action="([^"]+)" enctype/.exec(html)![1]!.replace(/&#x3D;/g, '=');
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
      const form = new FormData();
      for (const [k, v] of Object.entries({ type: 'slides', title: 'Diaporama', description: '', estimatedMinutes: '10', url: '' })) form.append(k, v);
      form.append('file', new Blob([new Uint8Array(pdf)]), 'diaporama.pdf');
      let t0 = performance.now();
      const up = await owner.browser.request(action, { method: 'POST', body: form });
      const upMs = performance.now() - t0;
      const list = await (await owner.browser.get(page)).text();
      const fileUrl = /href="(\/files\/[0-9a-f-]{36})"/.exec(list)![1]!;
      const downloads: number[] = [];
      t0 = performance.now();
      for (let i = 0; i < 20; i++) {
        const s = performance.now();
        const res = await owner.browser.get(fileUrl);
        await res.arrayBuffer();
        downloads.push(performance.now() - s);
      }
      console.log(`5 MB PDF upload: ${upMs.toFixed(0)} ms (status ${up.status}); download ×20:`);
      line('  download', downloads, 0, (performance.now() - t0) / 1000);
    } finally {
      await t.close();
    }
  });
}

runBench(main);
