import { expect } from 'chai';
import { catchUp } from '../../src/dashboard/rollup.service';
import { insertStatementRows, statementsOf } from '../../src/dashboard/demo-statements';
import { monthsOf, termsOf, yearPeriod, type Period } from '../../src/dashboard/periods';
import type { EventSession, LearningEvent } from '../../src/xapi';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { signIn } from '../support/factories';
import { chartsOf, findLeaks, kpisOf, readCell, tablesOf, type Observed, type Value } from './attacker';
import { BASE, ISSUER, PSEUDONYM_KEY, rng } from './fixtures';

/**
 * Issue #15: an organiser requests every dashboard view the UI allows for their course (every period,
 * each alone or with one series, service or job family; every session page), reads every released number
 * (pages, CSV, chart data) and solves for hidden values. Deterministic data: a few hundred people, services
 * from 60 people down to 1, sessions of 8 to 25 people over a school year.
 */

const SEED = 1515;
const MIN = 5;
const SERVICES: Array<[string | null, number]> = [['DSI', 60], ['DRH', 50], ['DANE', 40], ['DAFPIC', 35], ['DSDEN 21', 30], ['DSDEN 58', 25], ['DRAJES', 20], ['Cabinet', 14], ['DEC', 10], ['DRAIO', 6], ['SG', 4], ['CSN', 3], ['DAAC', 2], ['IA-IPR', 1], [null, 10]];
const FAMILIES = ['administratif', 'encadrement', 'technique', 'enseignant'];
const COMPETENCES = [{ framework: 'crcn', code: '2.1', title: 'Interagir' }, { framework: 'crcn', code: '1.3', title: 'Traiter des données' }, { framework: 'crcn', code: '4.1', title: "Sécuriser l'environnement numérique" }];
const OBSTACLES = ['manque de temps', 'pas d’usage dans mon service', 'outil non installé', 'besoin d’accompagnement'];
const TOOLS = ['Tchap', 'Canva', 'Scratch', 'Nuage', 'Framaforms', 'Pix'];
const FREE = ['messagerie Tchap', 'IA générative', 'les IA génératives', 'RGPD au quotidien', 'faire des formulaires'];
const SCHOOL_YEAR = 2025;
const course = { issuer: ISSUER, contextId: 'course-atk', title: 'Instants du rectorat' };

interface Truth {
  title: string;
  id: string;
  heldAt: Date;
  registered: number;
  attendees: number;
  raters: number;
  respondents: number;
}

function generate(): { statements: Array<Record<string, unknown>>; sessions: Truth[] } {
  const r = rng(SEED);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const people = SERVICES.flatMap(([service, n]) => Array.from({ length: n }, () => ({ service, jobFamily: pick(FAMILIES), skill: 1 + r() * 5 }))).map((p, i) => ({ ...p, sub: `atk-${i}` }));
  const statements: Array<Record<string, unknown>> = [];
  const sessions: Truth[] = [];
  for (let k = 0; k < 16; k++) {
    const heldAt = new Date(Date.UTC(SCHOOL_YEAR, 8, 15) + Math.floor((k / 16) * 270) * 86_400_000 + 10.5 * 3600_000);
    const s: EventSession = { id: `a7${String(k).padStart(6, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}`, title: `Atelier ${k + 1}`, tool: pick(TOOLS), seriesId: k % 3 === 0 ? 'serie-b' : 'serie-a', seriesTitle: k % 3 === 0 ? 'Série B' : 'Série A', course, competences: [COMPETENCES[k % 3]!] };
    const size = 8 + Math.floor(r() * 18);
    const chosen = new Set<number>();
    while (chosen.size < size) chosen.add(Math.floor(r() * people.length));
    const truth: Truth = { title: s.title, id: s.id, heldAt, registered: 0, attendees: 0, raters: 0, respondents: 0 };
    for (const idx of chosen) {
      const p = people[idx]!;
      const ev = (minutes: number, e: Record<string, unknown>) => statements.push(...statementsOf({ actor: { issuer: ISSUER, sub: p.sub }, session: s, language: 'fr', at: new Date(heldAt.getTime() + minutes * 60_000), ...e } as LearningEvent, { service: p.service, jobFamily: p.jobFamily }, { baseIri: BASE, pseudonymKey: PSEUDONYM_KEY }));
      truth.registered++;
      ev(-2880, { kind: 'launched' });
      if (r() < 0.12) continue;
      truth.attendees++;
      ev(2, { kind: 'attended', method: 'qr' });
      const c = s.competences[0]!;
      const before = Math.max(1, Math.min(8, Math.round(p.skill + (r() - 0.4) * 2)));
      const then = Math.max(1, before - (r() < 0.4 ? 1 : 0));
      ev(-5, { kind: 'self-positioned', competence: c, level: before, moment: 'before' });
      ev(55, { kind: 'self-positioned', competence: c, level: then, moment: 'then' });
      ev(56, { kind: 'self-positioned', competence: c, level: Math.min(8, then + Math.floor(r() * 4)), moment: 'after' });
      for (const q of [1, 2, 3]) ev(40 + q, { kind: 'question-answered', quiz: { id: `quiz-${k}`, title: 'Quiz' }, question: { id: `q${q}`, text: `Question ${q} de l'atelier ${k + 1}`, interactionType: 'choice', choices: [], correct: ['a'], competence: null }, response: ['a'], success: r() < 0.35 + 0.2 * q, certainty: 1 + Math.floor(r() * 4) });
      if (r() < 0.3) ev(20, { kind: 'resource-opened', resource: { id: `guide-${k}`, title: `Guide ${k + 1}`, type: 'link', url: `https://ex.fr/${k}` } });
      if (r() < 0.8) {
        truth.raters++;
        ev(58, { kind: 'rated', rating: { value: 2 + Math.floor(r() * 4), max: 5 }, comment: null });
      }
      if (r() < 0.5) ev(59, { kind: 'need-expressed', need: { type: 'tool', id: null, label: pick(TOOLS) } });
      if (r() < 0.3) ev(59, { kind: 'need-expressed', need: { type: 'free-text', id: null, label: pick(FREE) } });
      if (r() < 0.2) ev(59, { kind: 'need-expressed', need: { type: 'competence', id: pick(COMPETENCES).code, label: 'Compétence' } });
      if (r() < 0.7) ev(60, { kind: 'session-completed', score: null });
      if (r() < 0.6) {
        truth.respondents++;
        const used = r() < 0.55;
        ev(30 * 24 * 60, { kind: 'follow-up-completed', usedSince: used, frequency: null, purposes: [], obstacles: used ? [] : [pick(OBSTACLES)] });
      }
    }
    sessions.push(truth);
  }
  return { statements, sessions };
}

const spaces = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');
const periodOf = (p: Period) => ({ id: p.id, from: p.from.getTime(), until: p.until.getTime() });

/** Reads one page into the attacker's cells: tables, KPIs, chart data (chart cells only add what tables hide). */
function observe(html: string, prefix: string, cells: Map<string, Value>) {
  for (const [id, t] of tablesOf(spaces(html))) {
    for (const row of t.rows) {
      const label = row.slice(0, id === 'gains' ? 2 : id === 'needs' ? 2 : 1).join(' · ');
      row.forEach((text, i) => {
        if (i < (id === 'gains' || id === 'needs' ? 2 : 1)) return;
        const vals = readCell(text);
        vals.forEach((v, j) => cells.set(`${prefix}${id}|${label}|${t.headers[i]}${vals.length > 1 ? `#${j}` : ''}`, v));
      });
    }
  }
  for (const k of kpisOf(spaces(html))) {
    const v = readCell(k.value.replace(/\s*\/\s*5$/, ''));
    if (v.length) cells.set(`${prefix}kpi|${k.label}${k.label === 'Satisfaction' ? '!mean' : ''}`, v[0]!);
    else if (/masqué/.test(k.value)) cells.set(`${prefix}kpi|${k.label}${k.label === 'Satisfaction' ? '!mean' : ''}`, 'hidden');
  }
  for (const c of chartsOf(html)) c.datasets.forEach((d) => d.data.forEach((v, i) => { if (v !== null) cells.set(`chart:${c.id}|${c.labels[i]}|${d.label}`, v); }));
}

describe('dashboard privacy: an automated attacker cannot derive any small count or answer (issue #15)', function () {
  this.timeout(900_000);
  let t: TestApp;
  let truth: Truth[];
  before(async () => {
    t = await createTestApp({ clock: new TestClock(new Date('2026-07-15T08:00:00Z')), env: { PRIVACY_MIN_GROUP: String(MIN), PRIVACY_MIN_GROUP_TEXT: '10', XAPI_BASE_IRI: BASE } });
    const g = generate();
    truth = g.sessions;
    await insertStatementRows(t.database.db, g.statements);
    await catchUp(t.database.db);
  });
  after(async () => t.close());

  it('requests every view of the organiser of the course and finds nothing to derive', async () => {
    const { browser } = await signIn(t, { role: 'organiser', contextId: course.contextId, issuer: ISSUER });
    const get = async (path: string) => {
      const res = await browser.get(path);
      expect(res.status, path).to.equal(200);
      return res.text();
    };
    const first = await get('/organiser/dashboard');
    const options = (name: string) => [...(new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(first)?.[1] ?? '').matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));
    const filters: Array<['all' | 'series' | 'service' | 'job', string]> = [['all', ''], ...options('series').map((v) => ['series', v] as ['series', string]), ...options('service').map((v) => ['service', v] as ['service', string]), ...options('job').map((v) => ['job', v] as ['job', string])];
    expect(filters.length).to.be.greaterThan(15);
    const periods = [yearPeriod(SCHOOL_YEAR), ...termsOf(SCHOOL_YEAR), ...monthsOf(SCHOOL_YEAR)];
    const views: Observed[] = [];
    for (const page of ['overview', 'competences', 'needs'] as const) {
      for (const period of periods.filter((p) => page === 'overview' || p.kind !== 'month')) {
        for (const [dim, value] of filters) {
          const q = new URLSearchParams({ period: period.id, ...(dim === 'all' ? {} : { [dim]: value }) });
          const path = `/organiser/dashboard${page === 'overview' ? '' : `/${page}`}?${q}`;
          const html = await get(path);
          const cells = new Map<string, Value>();
          observe(html, '', cells);
          // The CSV of each table is released too: read it as well (same cells, more decimals).
          if (dim === 'all' || period.kind === 'year') {
            for (const [id] of tablesOf(html)) {
              const csv = (await get(`${path}&format=csv&table=${id}`)).slice(1).trim().split('\r\n').map((l) => l.split(';'));
              const labelCols = id === 'needs' || id === 'gains' ? 2 : 1;
              for (const row of csv.slice(1)) row.slice(labelCols).forEach((text, i) => { const v = readCell(text); if (v.length === 1) cells.set(`csv:${id}|${row.slice(0, labelCols).join(' · ')}|${csv[0]![i + labelCols]}`, v[0]!); });
            }
          }
          const known = new Map<string, number>();
          views.push({ page, period: periodOf(period), dim, value, closed: html.includes('correspondent à cette vue'), cells, known });
        }
      }
    }
    for (const s of truth) {
      const html = spaces(await get(`/organiser/dashboard/sessions/${s.id}`));
      const cells = new Map<string, Value>();
      observe(html, '', cells);
      // What the organiser knows by name (participants page): attendance and who answered each activity.
      const known = new Map<string, number>([['registered', s.registered], ['attendees', s.attendees], ['raters', s.raters], ['respondents', s.respondents]]);
      for (const [key, v] of [...cells]) {
        if (v === 'hidden') continue;
        if (/^items\|.*\|Réussite$/.test(key)) cells.set(`attendees>${key}!binary`, v);
        if (/^bands\|.*\|(Novice|Indépendant|Avancé|Expert)/.test(key)) cells.set(`attendees>${key}!exclusive`, v / s.attendees);
        if (/^obstacles\|/.test(key) && !key.startsWith('chart')) cells.set(`respondents>${key}!exclusive`, v / Math.max(1, s.respondents));
        if (/^resources\|/.test(key)) cells.set(`registered>${key}`, v / s.registered);
      }
      const transfer = /part qui a utilisé l'outil depuis : (\d+) %/.exec(html.replace(/&#x27;/g, "'"));
      if (transfer) cells.set('respondents>transfer!binary', Number(transfer[1]) / 100);
      cells.set('kpi|Satisfaction!mean', cells.get('kpi|Satisfaction!mean') ?? 'hidden');
      known.set('kpi|Satisfaction', s.raters);
      views.push({ page: 'session', session: s.title, period: periodOf(yearPeriod(SCHOOL_YEAR)), dim: 'all', value: '', closed: html.includes('correspondent à cette vue'), cells, known });
    }
    const counts = /\|(Personnes|Participants|Paires|Exclus.*|Gains (négatifs|faibles|moyens|élevés)|Novice.*|Indépendant.*|Avancé.*|Expert.*|Période)(#\d)?$|^kpi\|Participants distincts/;
    const leaks = findLeaks(views, {
      min: MIN,
      // Chart data are released numbers too: the count charts are read like their tables.
      isCount: (key) => (key.startsWith('chart:') ? /^chart:(reach|months|resources|bands|obstacles|needs)\|/.test(key) : counts.test(key)),
      additive: (key) => /^(csv:)?competences\|.*\|Paires$/.test(key),
      // Attendance without a group filter is what organisers see by name; so is who answered on a session page.
      isPublic: (v, key) => (v.dim === 'all' || v.dim === 'series') && (/^(csv:|chart:)?(months|sessions)\|/.test(key) || key.startsWith('kpi|')) || (v.page === 'session' && (key.startsWith('kpi|') || /\|Réponses$/.test(key))),
      rows: (v) => (v.page !== 'session' ? [] : [...v.cells.keys()].filter((k) => /^gains\|.*\|Paires$/.test(k)).map((k) => ({ total: k, parts: ['négatifs', 'faibles', 'moyens', 'élevés'].map((b) => k.replace('|Paires', `|Gains ${b}`)) }))),
      across: () => views.filter((v) => v.page === 'competences' && v.dim === 'all').flatMap((v) => ['2.1', '1.3', '4.1'].map((code) => ({
        total: [v, `competences|${code}|Paires`] as [Observed, string],
        parts: views.filter((s) => s.page === 'session' && truth.some((x) => x.title === s.session && x.heldAt.getTime() >= v.period.from && x.heldAt.getTime() < v.period.until)).map((s) => [s, [...s.cells.keys()].find((k) => k.startsWith(`gains|${code} `) && k.includes('Prospectif') && k.endsWith('|Paires')) ?? 'none'] as [Observed, string]).filter(([, k]) => k !== 'none'),
      }))),
    });
    const shownCells = views.reduce((a, v) => a + [...v.cells.values()].filter((x) => x !== 'hidden').length, 0);
    const hiddenCells = views.reduce((a, v) => a + [...v.cells.values()].filter((x) => x === 'hidden').length, 0);
    expect(views.length).to.be.greaterThan(400);
    expect(shownCells, 'the dashboards still show figures').to.be.greaterThan(1000);
    expect(hiddenCells).to.be.greaterThan(0);
    expect(leaks.slice(0, 20), `${leaks.length} derivable values`).to.deep.equal([]);
  });
});
