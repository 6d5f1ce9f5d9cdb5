import type { Translate } from '../platform/i18n';
import type { competences, emergingNeeds, overview, sessionDashboard, Compared } from './dashboard.service';
import type { FiltersInput } from './dashboard.schema';
import { CRCN } from './crcn';

/**
 * Page models: every chart comes with a table of the same data and a one-sentence summary; every table
 * can be downloaded as CSV. Suppressed figures read "fewer than N people".
 */

export interface Cell {
  text: string;
  csv: string | number;
  href?: string;
  numeric?: boolean;
}
export interface Table {
  id: string;
  caption: string;
  headers: string[];
  rows: Cell[][];
  csvUrl: string;
}
export interface Chart {
  id: string;
  type: 'bar' | 'line';
  labels: string[];
  datasets: Array<{ label: string; data: Array<number | null> }>;
  summary: string;
  percent?: boolean;
}
export interface Section {
  id: string;
  heading: string;
  intro?: string;
  chart?: Chart;
  table?: Table;
  empty?: string;
}

export interface Fmt {
  t: Translate;
  locale: string;
  minGroup: number;
  minGroupText: number;
  /** The page's URL with its query, for CSV links. */
  url: (params: Record<string, string>) => string;
}

const intl = (f: Fmt) => (f.locale === 'en' ? 'en-GB' : 'fr-FR');
export const pct = (f: Fmt, v: number | null) => (v === null ? '' : new Intl.NumberFormat(intl(f), { style: 'percent', maximumFractionDigits: 0 }).format(v));
export const dec = (f: Fmt, v: number | null, digits = 2) => (v === null ? '' : new Intl.NumberFormat(intl(f), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v));
const int = (f: Fmt, v: number) => new Intl.NumberFormat(intl(f)).format(v);

const hidden = (f: Fmt, min = f.minGroup): Cell => ({ text: f.t('dashboard.suppressed', { n: min }), csv: `<${min}` });
const count = (f: Fmt, v: number | null, min?: number): Cell => (v === null ? hidden(f, min) : { text: int(f, v), csv: v, numeric: true });
const ratio = (f: Fmt, v: number | null): Cell => (v === null ? hidden(f) : { text: pct(f, v), csv: Number(v.toFixed(4)), numeric: true });
const decimal = (f: Fmt, v: number | null, digits = 2): Cell => (v === null ? { text: '—', csv: '' } : { text: dec(f, v, digits), csv: Number(v.toFixed(4)), numeric: true });
const text = (v: string, href?: string): Cell => ({ text: v, csv: v, ...(href ? { href } : {}) });

function table(f: Fmt, id: string, caption: string, headers: string[], rows: Cell[][]): Table {
  return { id, caption, headers, rows, csvUrl: f.url({ format: 'csv', table: id }) };
}

/** Renders a table as CSV (UTF-8 with BOM, so that spreadsheets read accents; semicolons for French ones). */
export function toCsv(t: Table, locale: string): string {
  const sep = locale === 'fr' ? ';' : ',';
  const esc = (v: string | number) => {
    const s = typeof v === 'number' && locale === 'fr' ? String(v).replace('.', ',') : String(v);
    return s.includes(sep) || /["\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [t.headers.map(esc).join(sep), ...t.rows.map((r) => r.map((c) => esc(c.csv)).join(sep))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

export interface Kpi {
  label: string;
  value: string;
  previous: string;
  trend: string;
  trendClass: string;
}

function kpi(f: Fmt, label: string, c: Compared, show: (v: number | null) => string): Kpi {
  const dir = c.trend === null ? '' : c.trend > 0 ? '↗' : c.trend < 0 ? '↘' : '→';
  return {
    label,
    value: c.current === null ? f.t('dashboard.suppressed', { n: f.minGroup }) : show(c.current),
    previous: c.previous === null ? f.t('dashboard.no_previous') : f.t('dashboard.previous_value', { value: show(c.previous) }),
    trend: c.trend === null ? '' : `${dir} ${c.trend > 0 ? '+' : ''}${pct(f, c.trend)}`,
    trendClass: c.trend === null ? '' : c.trend >= 0 ? 'text-success' : 'text-danger',
  };
}

type OverviewData = Extract<Awaited<ReturnType<typeof overview>>, { tooFew: false }>;

export function presentOverview(f: Fmt, d: OverviewData) {
  const t = f.t;
  const kpis = [
    kpi(f, t('dashboard.kpi_sessions'), d.kpis.sessionsHeld, (v) => int(f, v!)),
    kpi(f, t('dashboard.kpi_attendees'), d.kpis.attendees, (v) => int(f, v!)),
    kpi(f, t('dashboard.kpi_attendance'), d.kpis.attendanceRate, (v) => pct(f, v)),
    kpi(f, t('dashboard.kpi_completion'), d.kpis.completionRate, (v) => pct(f, v)),
    kpi(f, t('dashboard.kpi_satisfaction'), d.kpis.satisfaction, (v) => `${dec(f, v, 1)} / 5`),
  ];
  const serviceRows = d.services.map((s) => [text(s.service || t('dashboard.service_unknown')), count(f, s.people), count(f, s.previous)]);
  if (d.pooledServices.count) serviceRows.push([text(t('dashboard.service_pooled', { count: d.pooledServices.count })), count(f, d.pooledServices.people), text('—')]);
  const top = d.services[0];
  const sections: Section[] = [
    {
      id: 'reach',
      heading: t('dashboard.reach_heading'),
      chart: {
        id: 'reach',
        type: 'bar',
        labels: serviceRows.map((r) => r[0]!.text),
        datasets: [1, 2].map((col) => ({ label: t(col === 1 ? 'dashboard.col_people' : 'dashboard.col_previous'), data: serviceRows.map((r) => (typeof r[col]!.csv === 'number' ? (r[col]!.csv as number) : null)) })),
        summary: top ? t('dashboard.reach_summary', { count: d.services.length, top: top.service || t('dashboard.service_unknown'), people: top.people }) : t('dashboard.reach_summary_none'),
      },
      table: table(f, 'reach', t('dashboard.reach_heading'), [t('dashboard.col_service'), t('dashboard.col_people'), t('dashboard.col_previous')], serviceRows),
    },
    {
      id: 'months',
      heading: t('dashboard.months_heading'),
      chart: {
        id: 'months',
        type: 'line',
        labels: d.months.map((m) => m.month),
        datasets: [{ label: t('dashboard.col_attendees'), data: d.months.map((m) => m.people) }],
        summary: monthSummary(f, d.months),
      },
      table: table(f, 'months', t('dashboard.months_heading'), [t('dashboard.col_month'), t('dashboard.col_attendees')], d.months.map((m) => [text(m.month), count(f, m.people)])),
    },
    {
      id: 'sessions',
      heading: t('dashboard.sessions_heading'),
      table: table(
        f,
        'sessions',
        t('dashboard.sessions_heading'),
        [t('dashboard.col_session'), t('dashboard.col_date'), t('dashboard.col_attendees'), t('dashboard.col_completion'), t('dashboard.col_satisfaction')],
        d.sessions.map((s) => [
          text(s.title ?? s.sessionKey, `/organiser/dashboard/sessions/${encodeURIComponent(s.sessionKey)}${f.url({}).replace(/^[^?]*/, '')}`),
          text(new Intl.DateTimeFormat(intl(f), { dateStyle: 'medium', timeZone: 'Europe/Paris' }).format(s.firstAt)),
          count(f, s.attendees),
          ratio(f, s.completionRate),
          decimal(f, s.satisfaction, 1),
        ]),
      ),
    },
  ];
  return { kpis, sections };
}

function monthSummary(f: Fmt, months: Array<{ month: string; people: number | null }>): string {
  const known = months.filter((m) => m.people !== null);
  if (!known.length) return f.t('dashboard.months_summary_none');
  const best = known.reduce((a, b) => (b.people! > a.people! ? b : a));
  return f.t('dashboard.months_summary', { months: months.length, best: best.month, people: best.people });
}

type SessionData = Extract<Awaited<ReturnType<typeof sessionDashboard>>, { tooFew: false }>;

const BANDS = ['band_1', 'band_2', 'band_3', 'band_4'];
const competenceTitle = (code: string) => CRCN.find((c) => c.code === code)?.title ?? code;

export function presentSession(f: Fmt, d: SessionData) {
  const t = f.t;
  const a = d.attendance;
  const kpis: Kpi[] = [
    { label: t('dashboard.kpi_attendees'), value: a.attendees === null ? t('dashboard.suppressed', { n: f.minGroup }) : int(f, a.attendees), previous: '', trend: '', trendClass: '' },
    { label: t('dashboard.kpi_attendance'), value: a.attendanceRate === null ? '—' : pct(f, a.attendanceRate), previous: '', trend: '', trendClass: '' },
    { label: t('dashboard.kpi_completion'), value: a.completionRate === null ? '—' : pct(f, a.completionRate), previous: '', trend: '', trendClass: '' },
    { label: t('dashboard.kpi_satisfaction'), value: a.satisfaction === null ? '—' : `${dec(f, a.satisfaction, 1)} / 5`, previous: '', trend: '', trendClass: '' },
    { label: t('dashboard.kpi_transfer'), value: d.followup.transferRate === null ? '—' : pct(f, d.followup.transferRate), previous: t('dashboard.response_rate', { rate: d.followup.responseRate === null ? '—' : pct(f, d.followup.responseRate) }), trend: '', trendClass: '' },
  ];
  const bandRows = [...new Set(d.bands.map((b) => `${b.competence}|${b.moment}`))].map((key) => {
    const [competence, moment] = key.split('|') as [string, string];
    return [text(`${competence} ${competenceTitle(competence)}`), text(t(`dashboard.moment_${moment}`)), ...[1, 2, 3, 4].map((band) => count(f, d.bands.find((b) => b.competence === competence && b.moment === moment && b.band === band)?.people ?? 0))];
  });
  const gainRows = d.gains.map((g) => [
    text(`${g.competence} ${competenceTitle(g.competence)}`),
    text(t(`dashboard.kind_${g.kind}`)),
    count(f, g.n),
    count(f, g.excludedAtMax, 0),
    decimal(f, g.averageOfGains),
    decimal(f, g.gainOfAverages),
    text(`${g.bands.negative} / ${g.bands.low} / ${g.bands.medium} / ${g.bands.high}`),
    decimal(f, g.effect.g),
    text(g.effect.ciLow === null ? '—' : `[${dec(f, g.effect.ciLow)} ; ${dec(f, g.effect.ciHigh)}]`),
    count(f, g.effect.n, 0),
  ]);
  const firstGain = d.gains.find((g) => g.kind === 'prospective') ?? d.gains[0];
  const sections: Section[] = [
    {
      id: 'resources',
      heading: t('dashboard.resources_heading'),
      chart: d.resources.length ? { id: 'resources', type: 'bar', labels: d.resources.map((r) => r.title), datasets: [{ label: t('dashboard.col_people'), data: d.resources.map((r) => r.people) }], summary: t('dashboard.resources_summary', { count: d.resources.length }) } : undefined,
      table: table(f, 'resources', t('dashboard.resources_heading'), [t('dashboard.col_resource'), t('dashboard.col_people')], d.resources.map((r) => [text(r.title), count(f, r.people)])),
      empty: d.resources.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'items',
      heading: t('dashboard.items_heading'),
      intro: t('dashboard.items_intro'),
      chart: d.items.length ? { id: 'items', type: 'bar', percent: true, labels: d.items.map((i) => i.question), datasets: [{ label: t('dashboard.col_success'), data: d.items.map((i) => i.successRate) }, { label: t('dashboard.col_confident_errors'), data: d.items.map((i) => i.confidentErrorRate) }], summary: itemSummary(f, d.items) } : undefined,
      table: table(f, 'items', t('dashboard.items_heading'), [t('dashboard.col_question'), t('dashboard.col_answers'), t('dashboard.col_success'), t('dashboard.col_confident_errors')], d.items.map((i) => [text(i.question), count(f, i.answered), ratio(f, i.successRate), ratio(f, i.confidentErrorRate)])),
      empty: d.items.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'bands',
      heading: t('dashboard.bands_heading'),
      intro: t('dashboard.bands_intro'),
      chart: bandRows.length ? { id: 'bands', type: 'bar', labels: bandRows.map((r) => `${r[0]!.text.split(' ')[0]} · ${r[1]!.text}`), datasets: BANDS.map((b, i) => ({ label: t(`dashboard.${b}`), data: bandRows.map((r) => (typeof r[i + 2]!.csv === 'number' ? (r[i + 2]!.csv as number) : null)) })), summary: t('dashboard.bands_summary', { count: bandRows.length }) } : undefined,
      table: table(f, 'bands', t('dashboard.bands_heading'), [t('dashboard.col_competence'), t('dashboard.col_moment'), ...BANDS.map((b) => t(`dashboard.${b}`))], bandRows),
      empty: bandRows.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'gains',
      heading: t('dashboard.gains_heading'),
      intro: t('dashboard.gains_intro', { n: f.minGroup }) + (d.hiddenGains ? ` ${t('dashboard.gains_hidden', { count: d.hiddenGains })}` : ''),
      chart: gainRows.length ? { id: 'gains', type: 'bar', labels: d.gains.map((g) => `${g.competence} · ${t(`dashboard.kind_${g.kind}`)}`), datasets: [{ label: t('dashboard.col_avg_gain'), data: d.gains.map((g) => g.averageOfGains) }, { label: t('dashboard.col_effect'), data: d.gains.map((g) => g.effect.g) }], summary: firstGain ? t('dashboard.gains_summary', { competence: firstGain.competence, gain: dec(f, firstGain.averageOfGains), g: dec(f, firstGain.effect.g), low: dec(f, firstGain.effect.ciLow), high: dec(f, firstGain.effect.ciHigh), n: firstGain.effect.n }) : '' } : undefined,
      table: table(f, 'gains', t('dashboard.gains_heading'), [t('dashboard.col_competence'), t('dashboard.col_kind'), t('dashboard.col_n'), t('dashboard.col_excluded'), t('dashboard.col_avg_gain'), t('dashboard.col_gain_of_avg'), t('dashboard.col_gain_bands'), t('dashboard.col_effect'), t('dashboard.col_ci'), t('dashboard.col_effect_n')], gainRows),
      empty: gainRows.length ? undefined : t('dashboard.none'),
    },
    {
      id: 'obstacles',
      heading: t('dashboard.followup_heading'),
      intro: t('dashboard.followup_intro', { response: d.followup.responseRate === null ? '—' : pct(f, d.followup.responseRate), transfer: d.followup.transferRate === null ? '—' : pct(f, d.followup.transferRate) }),
      chart: d.followup.obstacles.length ? { id: 'obstacles', type: 'bar', labels: d.followup.obstacles.map((o) => o.obstacle), datasets: [{ label: t('dashboard.col_people'), data: d.followup.obstacles.map((o) => o.people) }], summary: t('dashboard.obstacles_summary', { top: d.followup.obstacles[0]!.obstacle }) } : undefined,
      table: table(f, 'obstacles', t('dashboard.obstacles_caption'), [t('dashboard.col_obstacle'), t('dashboard.col_people')], d.followup.obstacles.map((o) => [text(o.obstacle), count(f, o.people)])),
      empty: d.followup.obstacles.length ? undefined : t('dashboard.none'),
    },
  ];
  return { kpis, sections };
}

function itemSummary(f: Fmt, items: Array<{ question: string; successRate: number | null }>): string {
  const known = items.filter((i) => i.successRate !== null);
  if (!known.length) return f.t('dashboard.items_summary_none');
  const worst = known.reduce((a, b) => (b.successRate! < a.successRate! ? b : a));
  return f.t('dashboard.items_summary', { question: worst.question, rate: pct(f, worst.successRate) });
}

type CompetencesData = Extract<Awaited<ReturnType<typeof competences>>, { tooFew: false }>;

export function presentCompetences(f: Fmt, d: CompetencesData) {
  const t = f.t;
  const rows = d.rows.map((r) => [
    text(r.code),
    text(competenceTitle(r.code)),
    count(f, r.sessions, 0),
    r.n === null ? hidden(f) : count(f, r.n),
    decimal(f, r.averageOfGains),
    decimal(f, r.effect?.g ?? null),
    text(r.effect?.ciLow == null ? '—' : `[${dec(f, r.effect.ciLow)} ; ${dec(f, r.effect.ciHigh)}]`),
    decimal(f, r.borich),
  ]);
  const top = d.ranking[0];
  const sections: Section[] = [
    {
      id: 'coverage',
      heading: t('dashboard.coverage_heading'),
      intro: t('dashboard.coverage_intro'),
      chart: { id: 'coverage', type: 'bar', labels: d.rows.map((r) => r.code), datasets: [{ label: t('dashboard.col_sessions'), data: d.rows.map((r) => r.sessions) }, { label: t('dashboard.col_avg_gain'), data: d.rows.map((r) => r.averageOfGains) }], summary: t('dashboard.coverage_summary', { covered: d.rows.filter((r) => r.sessions > 0).length, total: d.rows.length }) },
      table: table(f, 'competences', t('dashboard.coverage_heading'), [t('dashboard.col_code'), t('dashboard.col_competence'), t('dashboard.col_sessions'), t('dashboard.col_n'), t('dashboard.col_avg_gain'), t('dashboard.col_effect'), t('dashboard.col_ci'), t('dashboard.col_borich')], rows),
    },
    {
      id: 'borich',
      heading: t('dashboard.borich_heading'),
      intro: t('dashboard.borich_intro'),
      chart: d.ranking.length ? { id: 'borich', type: 'bar', labels: d.ranking.map((r) => r.code), datasets: [{ label: t('dashboard.col_borich'), data: d.ranking.map((r) => r.borich) }], summary: t('dashboard.borich_summary', { code: top!.code, title: competenceTitle(top!.code) }) } : undefined,
      table: table(f, 'borich', t('dashboard.borich_heading'), [t('dashboard.col_rank'), t('dashboard.col_code'), t('dashboard.col_competence'), t('dashboard.col_borich'), t('dashboard.col_people')], d.ranking.map((r, i) => [count(f, i + 1, 0), text(r.code), text(competenceTitle(r.code)), decimal(f, r.borich), count(f, r.borichPeople)])),
      empty: d.ranking.length ? undefined : t('dashboard.borich_none'),
    },
    {
      id: 'targets',
      heading: t('dashboard.targets_heading'),
      table: table(f, 'targets', t('dashboard.targets_heading'), [t('dashboard.col_code'), t('dashboard.col_job_family'), t('dashboard.col_target')], d.targets.map((x) => [text(x.competence), text(x.jobFamily), count(f, x.level, 0)])),
      empty: d.targets.length ? undefined : t('dashboard.none'),
    },
  ];
  return { kpis: [] as Kpi[], sections };
}

type NeedsData = Awaited<ReturnType<typeof emergingNeeds>>;

export function presentNeeds(f: Fmt, d: NeedsData) {
  const t = f.t;
  const rows = d.needs.map((n) => [
    text(t(`dashboard.need_${n.type}`)),
    text(n.label),
    count(f, n.current),
    n.previous === null ? hidden(f, n.type === 'free-text' ? f.minGroupText : f.minGroup) : count(f, n.previous),
    text(n.trend === null ? '—' : `${n.trend > 0 ? '+' : ''}${pct(f, n.trend)}`),
    text(n.emerging ? t('dashboard.emerging') : ''),
    text(t('dashboard.create_session'), `/organiser/sessions/new?${new URLSearchParams({ title: n.label, ...(n.type === 'tool' ? { tool: n.label } : {}), ...(n.type === 'competence' ? { competence: n.key } : {}) }).toString()}`),
  ]);
  const top = d.needs.slice(0, 15);
  const emerging = d.needs.filter((n) => n.emerging);
  const sections: Section[] = [
    {
      id: 'needs',
      heading: t('dashboard.needs_heading'),
      intro: t('dashboard.needs_intro', { n: f.minGroup, text: f.minGroupText }) + (d.hidden ? ` ${t('dashboard.needs_hidden', { count: d.hidden })}` : ''),
      chart: top.length ? { id: 'needs', type: 'bar', labels: top.map((n) => n.label), datasets: [{ label: t('dashboard.col_current'), data: top.map((n) => n.current) }, { label: t('dashboard.col_previous'), data: top.map((n) => n.previous) }], summary: emerging.length ? t('dashboard.needs_summary', { count: emerging.length, top: emerging[0]!.label }) : t('dashboard.needs_summary_none') } : undefined,
      table: table(f, 'needs', t('dashboard.needs_heading'), [t('dashboard.col_need_type'), t('dashboard.col_need'), t('dashboard.col_current'), t('dashboard.col_previous'), t('dashboard.col_trend'), t('dashboard.col_emerging'), t('dashboard.col_action')], rows),
      empty: d.needs.length ? undefined : t('dashboard.needs_none'),
    },
    {
      id: 'offers',
      heading: t('dashboard.offers_heading'),
      intro: t('dashboard.offers_intro'),
      table: table(f, 'offers', t('dashboard.offers_heading'), [t('dashboard.col_tool'), t('dashboard.col_people'), t('dashboard.col_action')], d.offers.map((o) => [text(o.tool), count(f, o.people), text(t('dashboard.see_offers'), '/organiser/offers')])),
      empty: d.offers.length ? undefined : t('dashboard.none'),
    },
  ];
  return { kpis: [] as Kpi[], sections };
}

/** The filter form's model: current values and choices. */
export function presentFilters(t: Translate, input: Partial<FiltersInput>, choices: { series: Array<{ key: string; title: string | null }>; courses: Array<{ key: string; title: string | null }>; services: string[]; sessions: Array<{ key: string; title: string | null }> }) {
  const opt = (list: Array<{ key: string; title: string | null }>, value: string | undefined) => list.map((x) => ({ value: x.key, label: x.title ?? x.key, selected: x.key === value }));
  return {
    from: input.from ?? '',
    to: input.to ?? '',
    series: opt(choices.series, input.series),
    courses: opt(choices.courses, input.course),
    services: choices.services.map((s) => ({ value: s, label: s, selected: s === input.service })),
    sessions: opt(choices.sessions, input.session),
    anyLabel: t('dashboard.filter_any'),
  };
}
